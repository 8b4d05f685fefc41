package dev.vigil.cli;

import dev.vigil.detect.DetectSummary;
import java.io.PrintWriter;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The summary lines {@code vigil normalize}, {@code vigil detect} and {@code vigil rules backtest}
 * share, so that the same counts carry the same words in the same order in each: records in,
 * events, dead-lettered, each breakdown in the schema's order ({@link
 * DetectSummary#inSchemaOrder}), and the warning when the inputs held no record at all.
 */
final class SummaryLines {

  private SummaryLines() {}

  /** {@code vigil detect: 12 inputs, 1470 records in, 1431 events, 39 dead-lettered}. */
  static String head(String command, int inputs, long events, long deadLetters) {
    return command
        + ": "
        + Plurals.count(inputs, "input")
        + ", "
        + Plurals.count(events + deadLetters, "record")
        + " in, "
        + Plurals.count(events, "event")
        + ", "
        + deadLetters
        + " dead-lettered";
  }

  static void eventsBySource(PrintWriter err, Map<String, Long> counts) {
    if (!counts.isEmpty()) {
      err.println("  events by source: " + counts(counts));
    }
  }

  /** The two breakdowns of the dead letters, when there are any, and where they were written. */
  static void deadLetters(
      PrintWriter err, Map<String, Long> byReason, Map<String, Long> bySource, String file) {
    if (!byReason.isEmpty()) {
      err.println("  dead-lettered by reason: " + counts(byReason));
      err.println("  dead-lettered by source: " + counts(bySource));
    }
    if (file != null) {
      err.println("  dead letters written to " + file);
    }
  }

  /** After the summary, when not one record was read: a wrong path should not pass unnoticed. */
  static void warnWhenNoRecords(PrintWriter err, String command, int inputs, long records) {
    if (records == 0) {
      err.println(
          command
              + ": no records found in the inputs ("
              + Plurals.count(inputs, "input")
              + " read, all empty or blank); check that they are the audit logs meant");
    }
  }

  static String counts(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }
}
