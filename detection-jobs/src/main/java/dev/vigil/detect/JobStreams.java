package dev.vigil.detect;

import dev.vigil.detect.job.AlertRecord;
import dev.vigil.detect.job.IngestedEvent;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import java.util.function.Supplier;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The outputs of the detection job's wiring, for sinks to consume.
 *
 * <p>The events output is wired on first use: it is one more operator on every event, which Flink
 * runs whether anything consumes its output or not (a run that keeps only the alerts, such as the
 * backtest, needs no events).
 */
public final class JobStreams {

  private final Supplier<DataStream<AuditEvent>> eventsWiring;
  private final DataStream<DeadLetter> deadLetters;
  private final DataStream<AlertRecord> alerts;
  private final DataStream<IngestedEvent> late;
  private DataStream<AuditEvent> events;

  /**
   * @param events wires the events output (called at most once)
   * @param deadLetters every record that did not normalize, with reason and origin
   * @param alerts the alerts, each {@code alert_id} once
   * @param late the events that arrived behind the watermark (also in the events)
   */
  public JobStreams(
      Supplier<DataStream<AuditEvent>> events,
      DataStream<DeadLetter> deadLetters,
      DataStream<AlertRecord> alerts,
      DataStream<IngestedEvent> late) {
    this.eventsWiring = events;
    this.deadLetters = deadLetters;
    this.alerts = alerts;
    this.late = late;
  }

  /** Every normalized event, late ones included (each exactly once). */
  public DataStream<AuditEvent> events() {
    if (events == null) {
      events = eventsWiring.get();
    }
    return events;
  }

  public DataStream<DeadLetter> deadLetters() {
    return deadLetters;
  }

  public DataStream<AlertRecord> alerts() {
    return alerts;
  }

  public DataStream<IngestedEvent> late() {
    return late;
  }
}
