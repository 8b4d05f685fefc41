package dev.vigil.reports;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code privileged-events.csv}: the period's privileged events themselves, one per row, for an
 * auditor to sample from (the events section 3 counts by actor), in the form of {@code alerts.csv}
 * (RFC 4180, UTF-8, cells defused against formulas, lists joined by {@code ;}).
 *
 * <p>The last column, {@code note}, says {@value PrivilegedEvent#RESPONSE_NOT_SEEN} for the request
 * entry of a Vault request whose response entry was not in the input, which counts in its stead; it
 * is empty for every other event.
 *
 * <p>Its rows are events and nothing else: when there were more than {@link
 * PrivilegedEvent#AT_MOST} the report says so on its cover, in section 3 and in report.json, not in
 * a row a spreadsheet would sort among the events.
 */
public final class PrivilegedEventsCsv {

  static final List<String> HEADER =
      List.of(
          "event_id",
          "time",
          "source",
          "account",
          "actor_id",
          "actor_name",
          "actor_type",
          "category",
          "operation",
          "action",
          "target",
          "outcome",
          "privileged_because",
          "note");

  private PrivilegedEventsCsv() {}

  public static byte[] write(ComplianceReport report) {
    StringBuilder out = new StringBuilder();
    AlertsCsv.row(out, HEADER);
    for (PrivilegedEvent event : report.privilegedActivity().events()) {
      AlertsCsv.row(
          out,
          List.of(
              event.eventId(),
              ReportText.time(event.time()),
              event.source(),
              orEmpty(event.account()),
              orEmpty(event.actorId()),
              orEmpty(event.actorName()),
              orEmpty(event.actorType()),
              event.category(),
              orEmpty(event.operation()),
              orEmpty(event.action()),
              orEmpty(event.target()),
              orEmpty(event.outcome()),
              String.join(AlertsCsv.LIST_SEPARATOR, event.reasons()),
              event.responseNotSeen() ? PrivilegedEvent.RESPONSE_NOT_SEEN : ""));
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
