package dev.vigil.ingest;

import dev.vigil.event.DeadLetterReason;

/**
 * Thrown by a parser when a record has a genuine defect that keeps it from becoming an event. The
 * normalizer turns it into a dead-letter record; it is control flow, so it carries no stack trace.
 * The message is shown to people and must never quote a secret value.
 */
public final class RecordRejectedException extends RuntimeException {

  private final DeadLetterReason reason;

  public RecordRejectedException(DeadLetterReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public DeadLetterReason reason() {
    return reason;
  }
}
