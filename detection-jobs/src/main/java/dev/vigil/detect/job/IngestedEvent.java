package dev.vigil.detect.job;

import dev.vigil.event.AuditEvent;

/**
 * A normalized event and when the job read its raw record (processing time, epoch millis): the
 * start of the event-to-alert latency. A Flink POJO.
 */
public class IngestedEvent {

  public AuditEvent event;
  public long ingestedAt;

  public IngestedEvent() {}

  public IngestedEvent(AuditEvent event, long ingestedAt) {
    this.event = event;
    this.ingestedAt = ingestedAt;
  }
}
