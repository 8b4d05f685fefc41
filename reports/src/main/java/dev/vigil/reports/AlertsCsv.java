package dev.vigil.reports;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code alerts.csv}: one alert per row, for sampling (RFC 4180: CRLF line ends, a header row,
 * fields quoted when they hold a comma, a quote or a line break, quotes doubled; UTF-8 without a
 * byte order mark).
 *
 * <p>Summaries and titles contain names taken from audit records (an identity, a path), which an
 * attacker may choose. A cell a spreadsheet would run as a formula ({@code =}, {@code +}, {@code
 * -}, {@code @}, tab or CR first) gets a leading apostrophe, as OWASP advises against CSV
 * injection; report.json keeps the exact text.
 */
public final class AlertsCsv {

  static final List<String> HEADER =
      List.of(
          "time",
          "severity",
          "detection",
          "rule_id",
          "rule_title",
          "rule_version",
          "alert_id",
          "event_count",
          "event_ids",
          "sources",
          "controls",
          "summary");

  /** What joins the values of a list in one cell: event ids, sources, controls. */
  static final String LIST_SEPARATOR = ";";

  private AlertsCsv() {}

  public static byte[] write(ComplianceReport report) {
    StringBuilder out = new StringBuilder();
    row(out, HEADER);
    for (AlertEntry alert : report.alerts()) {
      row(
          out,
          List.of(
              ReportText.time(alert.time()),
              alert.severity(),
              alert.detection(),
              alert.ruleId(),
              alert.ruleTitle(),
              Integer.toString(alert.ruleVersion()),
              alert.alertId(),
              Long.toString(alert.eventCount()),
              String.join(LIST_SEPARATOR, alert.eventIds()),
              String.join(LIST_SEPARATOR, alert.sources()),
              String.join(LIST_SEPARATOR, alert.controls()),
              alert.summary()));
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(cells.get(i)));
    }
    out.append("\r\n");
  }

  /** One field, defused against formulas and quoted when RFC 4180 asks for it. */
  static String field(String value) {
    String text = value;
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.indexOf(',') >= 0
        || text.indexOf('"') >= 0
        || text.indexOf('\n') >= 0
        || text.indexOf('\r') >= 0) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
