package dev.vigil.reports;

import java.time.Instant;
import java.util.List;

/**
 * What a report is made of, however it was read ({@link FileReportSource}, {@link
 * OpenSearchReportSource}): the period's alerts, its event counts, its privileged events by actor
 * and its dead-letter counts. Counts may come in any grain and order; {@link ComplianceReport} adds
 * them up and sorts.
 *
 * <p>A dead letter is a record that could not be read, so it has no event time: it belongs to the
 * period by when Vigil received it ({@code received_at}). A report on a past period made from input
 * read later would then show none, so the input's other dead letters are counted too, with the
 * first receipt time, for the report to say what it cannot judge.
 *
 * @param deadLetters the dead letters received in the period, by reason and source guess
 * @param deadLettersOutsidePeriod how many dead letters of the input were received outside the
 *     period
 * @param firstDeadLetterReceivedAt when the input's first dead letter was received; null when the
 *     input has none
 * @param privilegedActors the period's privileged events by actor, source and account
 * @param privilegedEvents the period's privileged events themselves, at most {@link
 *     PrivilegedEvent#AT_MOST}, chosen by {@link PrivilegedEvent#SELECTION} (the rest are counted
 *     in {@code privilegedActors})
 */
public record ReportInput(
    List<AlertEntry> alerts,
    List<EventCount> events,
    List<DeadLetterCount> deadLetters,
    long deadLettersOutsidePeriod,
    Instant firstDeadLetterReceivedAt,
    List<PrivilegedActorCount> privilegedActors,
    List<PrivilegedEvent> privilegedEvents) {

  public ReportInput {
    alerts = List.copyOf(alerts);
    events = List.copyOf(events);
    deadLetters = List.copyOf(deadLetters);
    privilegedActors = List.copyOf(privilegedActors);
    privilegedEvents = List.copyOf(privilegedEvents);
  }
}
