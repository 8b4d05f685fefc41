package dev.vigil.detect.job;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that move with the input, not with a wall-clock timer: for a
 * bounded run over files, read by one reader in a fixed order.
 *
 * <p>Why not Flink's own bounded out-of-orderness generator: it emits on a processing-time timer
 * ({@code onPeriodicEmit}), so how many records pass between two watermarks, and so which records
 * arrive behind one (late, judged at the engine's clock instead of their own time), depends on how
 * fast the job ran. Here the watermark is emitted in {@link #onEvent}, right after the record that
 * moved it (Flink forwards the record first, so a record is never late to its own watermark): the
 * same input gives the same sequence of records and watermarks, and the same alerts, on every run.
 *
 * <p>Cost: a watermark per record that moves it. Records of a file mostly go forward in time, and
 * each watermark makes every detect subtask advance its engines, so the watermark moves in steps of
 * whole seconds of event time ({@link #STEP_MILLIS}): at most one per second of input time, and a
 * record is judged late only when it is more than the bound (plus under a second) behind the
 * newest.
 */
public final class InputOrderWatermarks<T> implements WatermarkGenerator<T> {

  /** The watermark's granularity: the event time of one second of input per watermark at most. */
  static final long STEP_MILLIS = 1000;

  private final long outOfOrdernessMillis;
  private long newest = Long.MIN_VALUE;
  private long emitted = Long.MIN_VALUE;

  public InputOrderWatermarks(Duration outOfOrderness) {
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
  }

  @Override
  public void onEvent(T event, long timestamp, WatermarkOutput output) {
    if (timestamp <= newest) {
      return;
    }
    newest = timestamp;
    // -1: a record exactly at the bound is still on time (as Flink's own generator does).
    long candidate = Math.floorDiv(newest - outOfOrdernessMillis - 1, STEP_MILLIS) * STEP_MILLIS;
    if (candidate > emitted) {
      emitted = candidate;
      output.emitWatermark(new Watermark(candidate));
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    // Nothing: the watermark depends on the input only (the end of the input emits the last one).
  }
}
