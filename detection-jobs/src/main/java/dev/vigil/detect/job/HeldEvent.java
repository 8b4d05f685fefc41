package dev.vigil.detect.job;

import dev.vigil.event.AuditEvent;

/**
 * An event kept in the detection operator's keyed state, with what a fresh engine needs to judge it
 * again exactly as the first one did. A Flink POJO.
 */
public class HeldEvent {

  public AuditEvent event;
  public long ingestedAt;

  /**
   * The engine clock at which a late event was judged (it judges late events at its clock, not at
   * their own time); {@link Long#MIN_VALUE} for an event judged at its own time.
   */
  public long judgedLateAt = Long.MIN_VALUE;

  public HeldEvent() {}

  public HeldEvent(AuditEvent event, long ingestedAt, long judgedLateAt) {
    this.event = event;
    this.ingestedAt = ingestedAt;
    this.judgedLateAt = judgedLateAt;
  }

  /** The event time that decides when it leaves state. */
  long effectiveTime() {
    return Math.max(event.getTime().toEpochMilli(), judgedLateAt);
  }
}
