package dev.vigil.cli;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Counts of one {@code vigil normalize} run, printed on stderr at the end. */
final class NormalizeSummary {

  private static final String UNKNOWN_SOURCE = "unknown";

  private long events;
  private long deadLetters;
  private final Map<Source, Long> eventsBySource = new EnumMap<>(Source.class);
  private final Map<DeadLetterReason, Long> deadLettersByReason =
      new EnumMap<>(DeadLetterReason.class);
  private final Map<String, Long> deadLettersBySource = new TreeMap<>();

  void event(AuditEvent event) {
    events++;
    eventsBySource.merge(event.getSource(), 1L, Long::sum);
  }

  void deadLetter(DeadLetter deadLetter) {
    deadLetters++;
    deadLettersByReason.merge(deadLetter.getReason(), 1L, Long::sum);
    Source guess = deadLetter.getSourceGuess();
    deadLettersBySource.merge(guess == null ? UNKNOWN_SOURCE : guess.name(), 1L, Long::sum);
  }

  /** Every record that went in: an envelope counts as the records it holds. */
  long recordsIn() {
    return events + deadLetters;
  }

  long events() {
    return events;
  }

  long deadLetters() {
    return deadLetters;
  }

  /**
   * The summary lines, for example:
   *
   * <pre>
   * vigil normalize: 12 inputs, 1470 records in, 1431 events out, 39 dead-lettered
   *   events by source: VAULT 35, AWS_CLOUDTRAIL 900
   *   dead-lettered by reason: MISSING_FIELD 20, NOT_AN_AUDIT_EVENT 19
   *   dead-lettered by source: AWS_CLOUDTRAIL 19, AZURE_MONITOR 20
   *   dead letters written to out.jsonl.deadletters.jsonl
   * </pre>
   */
  void print(PrintWriter err, int inputs, String deadLetterFile) {
    err.println(
        "vigil normalize: "
            + Plurals.count(inputs, "input")
            + ", "
            + Plurals.count(recordsIn(), "record")
            + " in, "
            + Plurals.count(events, "event")
            + " out, "
            + deadLetters
            + " dead-lettered");
    if (!eventsBySource.isEmpty()) {
      err.println("  events by source: " + counts(eventsBySource));
    }
    if (deadLetters > 0) {
      err.println("  dead-lettered by reason: " + counts(deadLettersByReason));
      err.println("  dead-lettered by source: " + counts(deadLettersBySource));
    }
    if (deadLetterFile != null) {
      err.println("  dead letters written to " + deadLetterFile);
    }
    err.flush();
  }

  private static String counts(Map<?, Long> counts) {
    return counts.entrySet().stream()
        .map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }
}
