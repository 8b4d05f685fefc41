package dev.vigil.detect.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks kept per Kafka partition, after normalization.
 *
 * <p>Why here and not in the source: event time is known only once a raw record is parsed, which
 * happens in the normalize operator, after the source. One source subtask reads several partitions,
 * and a partition catching up on a backlog would, with one watermark per subtask, make every record
 * of the others look late (or its own records late once the others advance it). So this generator,
 * running right after normalization on the same subtask, tracks the newest event time of each
 * partition (told apart by the record's origin, {@code kafka:<topic>/<partition>@...}) and emits
 * the minimum over the partitions that are not idle, minus the bound: Flink's per-partition
 * watermarking, rebuilt where the timestamps exist.
 *
 * <p>Partitions not heard from yet: the generator cannot see which partitions the source assigned
 * to its subtask, only those it has had records from, and a source reading a backlog delivers them
 * one fetch at a time. Were the watermark the minimum over the partitions seen so far, the first
 * one read would set it, and the backlog of every other partition would arrive late (in a benchmark
 * reading 100,000 records of 16 partitions, 88% of them). So for its first {@code idleness} after
 * it starts, a generator that reads Kafka emits no watermark: an unseen partition is treated as one
 * last heard from at the start, which by the idleness rule below holds the watermark back that
 * long. Events read meanwhile wait in the engines' buffers and are judged once the watermark moves
 * (or at the end of a bounded read); what this costs is detection latency, and memory for the
 * records of a backlog read in that time, once per start. File records are not held: their splits
 * are read one after the other, and their one shared group has its watermark from the start.
 *
 * <p>A partition with no record for {@code idleness} (processing time) stops holding the watermark
 * back; when all of this subtask's partitions are idle (or it has had none for {@code idleness}
 * since it started: a job with more subtasks than partitions) the generator marks its output idle,
 * so downstream operators follow the other subtasks, and from then on counts the bound in
 * wall-clock time from the last record's arrival: once the silence has lasted the bound, the
 * watermark stands at the newest record, so a quiet stream's last records are judged max(idleness,
 * bound) after they arrived instead of waiting for the next record. Records of other origins
 * (files) share one group. The watermark never goes backwards. State: one entry per partition seen,
 * not checkpointed (after a restore it starts low and catches up, which delays firings slightly but
 * never makes an on-time record late).
 *
 * @param <T> the element type
 */
public final class PartitionWatermarks<T> implements WatermarkGenerator<T> {

  /** How the generator reads an element's origin. */
  public interface OriginOf<T> extends Function<T, String>, Serializable {}

  private static final String NOT_KAFKA = "";

  private final OriginOf<T> originOf;
  private final long outOfOrdernessMillis;
  private final long idlenessMillis;
  private final LongSupplier clock;
  private final Map<String, Partition> partitions = new HashMap<>();
  private String lastKey;
  private Partition lastPartition;
  private long emitted = Long.MIN_VALUE;
  private boolean idle;
  private long firstEmit = Long.MIN_VALUE;
  private boolean readsKafka;

  private static final class Partition {
    long maxTimestamp = Long.MIN_VALUE;
    long lastSeen;
  }

  public PartitionWatermarks(
      OriginOf<T> originOf, Duration outOfOrderness, Duration idleness, LongSupplier clock) {
    this.originOf = originOf;
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idlenessMillis = idleness.toMillis();
    this.clock = clock;
  }

  @Override
  public void onEvent(T element, long timestamp, WatermarkOutput output) {
    String origin = originOf.apply(element);
    Partition partition;
    // Records come in runs from one partition: reuse the last lookup without cutting the origin.
    if (lastKey != null
        && origin.startsWith(lastKey)
        && origin.length() > lastKey.length()
        && origin.charAt(lastKey.length()) == '@') {
      partition = lastPartition;
    } else {
      String key = partitionOf(origin);
      partition = partitions.computeIfAbsent(key, k -> new Partition());
      lastKey = key.isEmpty() ? null : key;
      readsKafka |= !key.isEmpty();
      lastPartition = partition;
    }
    partition.maxTimestamp = Math.max(partition.maxTimestamp, timestamp);
    partition.lastSeen = clock.getAsLong();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.getAsLong();
    if (firstEmit == Long.MIN_VALUE) {
      firstEmit = now;
    }
    if (readsKafka && now - firstEmit < idlenessMillis) {
      return; // partitions not heard from yet may still hold older records
    }
    long lowest = Long.MAX_VALUE;
    for (Partition partition : partitions.values()) {
      if (now - partition.lastSeen < idlenessMillis) {
        lowest = Math.min(lowest, partition.maxTimestamp);
      }
    }
    if (lowest == Long.MAX_VALUE) {
      // A subtask that has had no partition at all (more subtasks than partitions) is idle too,
      // once it has waited as long as a silent partition would: else it holds back every window.
      boolean silent = !partitions.isEmpty() || now - firstEmit >= idlenessMillis;
      if (silent) {
        // An idle output is ignored downstream but its last watermark is not raised, so records
        // still within the bound of the newest one (the last records before a quiet night: a
        // root token used at 3 a.m.) would wait for the next record, which may be hours away.
        // So while everything is silent, event time moves on with the wall clock: the bound is
        // counted from the last record's arrival, and once the silence is as long as the bound,
        // the watermark reaches the newest record itself. A record arriving later with an older
        // time would have been late by the bound anyway, had the clock been its own. Watermarks
        // emitted here make the output active for a moment (Flink's emitter does that) and it
        // goes idle again at once; downstream, a watermark below what it has passed changes
        // nothing, and once every subtask is idle Flink forwards the highest of theirs.
        long newest = Long.MIN_VALUE;
        long lastArrival = Long.MIN_VALUE;
        for (Partition partition : partitions.values()) {
          newest = Math.max(newest, partition.maxTimestamp);
          lastArrival = Math.max(lastArrival, partition.lastSeen);
        }
        if (newest != Long.MIN_VALUE) {
          // In whole seconds of silence: one status flip downstream a second, not one a period.
          long silence = (now - lastArrival) / 1000 * 1000;
          long candidate = Math.min(newest, newest - outOfOrdernessMillis - 1 + silence);
          if (candidate > emitted) {
            emitted = candidate;
            output.emitWatermark(new Watermark(candidate));
            idle = true;
            output.markIdle();
          }
        }
        if (!idle) {
          idle = true;
          output.markIdle();
        }
      }
      return;
    }
    if (idle) {
      idle = false;
      output.markActive();
    }
    emitAtMost(lowest, output);
  }

  /** The watermark for records up to {@code newestOnTime}, if it moves forward. */
  private void emitAtMost(long newestOnTime, WatermarkOutput output) {
    // -1: a record at exactly the bound is still on time (as Flink's own generator does).
    long candidate =
        newestOnTime == Long.MIN_VALUE ? Long.MIN_VALUE : newestOnTime - outOfOrdernessMillis - 1;
    if (candidate > emitted) {
      emitted = candidate;
      output.emitWatermark(new Watermark(candidate));
    }
  }

  /** {@code kafka:<topic>/<partition>} of a Kafka origin; one shared group for other origins. */
  static String partitionOf(String origin) {
    if (!origin.startsWith(KafkaOrigin.PREFIX)) {
      return NOT_KAFKA;
    }
    int at = origin.lastIndexOf('@');
    return at < 0 ? NOT_KAFKA : origin.substring(0, at);
  }
}
