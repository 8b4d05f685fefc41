package dev.vigil.cli;

import dev.vigil.detect.DetectSummary;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts of one {@code vigil normalize} run, printed on stderr at the end (see {@link
 * SummaryLines}).
 */
final class NormalizeSummary {

  private long events;
  private long deadLetters;
  private final Map<String, Long> eventsBySource = new HashMap<>();
  private final Map<String, Long> deadLettersByReason = new HashMap<>();
  private final Map<String, Long> deadLettersBySource = new HashMap<>();

  void event(AuditEvent event) {
    events++;
    eventsBySource.merge(event.getSource().name(), 1L, Long::sum);
  }

  void deadLetter(DeadLetter deadLetter) {
    deadLetters++;
    deadLettersByReason.merge(deadLetter.getReason().name(), 1L, Long::sum);
    Source guess = deadLetter.getSourceGuess();
    deadLettersBySource.merge(
        guess == null ? DetectSummary.UNKNOWN_SOURCE : guess.name(), 1L, Long::sum);
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
   * vigil normalize: 12 inputs, 1470 records in, 1431 events, 39 dead-lettered
   *   events by source: VAULT 35, AWS_CLOUDTRAIL 900
   *   dead-lettered by reason: NOT_AN_AUDIT_EVENT 19, MISSING_FIELD 20
   *   dead-lettered by source: AWS_CLOUDTRAIL 19, AZURE_MONITOR 20
   *   dead letters written to out.jsonl.deadletters.jsonl
   * </pre>
   *
   * and the warning when the inputs held no record.
   */
  void print(PrintWriter err, int inputs, String deadLetterFile) {
    err.println(SummaryLines.head("vigil normalize", inputs, events, deadLetters));
    SummaryLines.eventsBySource(err, DetectSummary.inSchemaOrder(eventsBySource, Source.class));
    SummaryLines.deadLetters(
        err,
        DetectSummary.inSchemaOrder(deadLettersByReason, DeadLetterReason.class),
        DetectSummary.inSchemaOrder(deadLettersBySource, Source.class),
        deadLetterFile);
    SummaryLines.warnWhenNoRecords(err, "vigil normalize", inputs, recordsIn());
    err.flush();
  }
}
