package dev.vigil.reports;

import java.util.List;

/**
 * What a report is made of, however it was read ({@link FileReportSource}, {@link
 * OpenSearchReportSource}): the period's alerts, its event counts and its dead-letter counts.
 * Counts may come in any grain and order; {@link ComplianceReport} adds them up and sorts.
 */
public record ReportInput(
    List<AlertEntry> alerts, List<EventCount> events, List<DeadLetterCount> deadLetters) {

  public ReportInput {
    alerts = List.copyOf(alerts);
    events = List.copyOf(events);
    deadLetters = List.copyOf(deadLetters);
  }
}
