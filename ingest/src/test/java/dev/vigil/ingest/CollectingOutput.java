package dev.vigil.ingest;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import java.util.ArrayList;
import java.util.List;

/** A {@link NormalizeOutput} that keeps what it is given, in order, for a test to look at. */
public final class CollectingOutput implements NormalizeOutput {

  private final List<AuditEvent> events = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  @Override
  public void event(AuditEvent event) {
    events.add(event);
  }

  @Override
  public void deadLetter(DeadLetter deadLetter) {
    deadLetters.add(deadLetter);
  }

  /** The events so far; the live list, so a test may clear it between records. */
  public List<AuditEvent> events() {
    return events;
  }

  /** The dead letters so far; the live list, so a test may clear it between records. */
  public List<DeadLetter> deadLetters() {
    return deadLetters;
  }
}
