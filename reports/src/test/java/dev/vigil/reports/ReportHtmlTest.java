package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportHtmlTest {

  private static final String HOSTILE = "<script>alert(\"x\")</script> & 'quoted' <img src=x>";
  private static final String ESCAPED =
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &lt;img src=x&gt;";

  @Test
  void escapesTheFiveCharactersThatEndTextOrStartMarkup() {
    assertThat(ReportHtml.escape(HOSTILE)).isEqualTo(ESCAPED);
    assertThat(ReportHtml.escape("plain text, ünïcode")).isEqualTo("plain text, ünïcode");
    assertThat(ReportHtml.escape("")).isEmpty();
    assertThat(ReportHtml.escape("&amp;")).isEqualTo("&amp;amp;");
  }

  @Test
  void textFromAuditRecordsIsEscapedEverywhereItIsShown() {
    ReportPeriod period = ReportPeriod.parse("2026-11");
    AlertEntry alert =
        new AlertEntry(
            "id-" + HOSTILE,
            Instant.parse("2026-11-20T10:00:00Z"),
            "high",
            "detection " + HOSTILE,
            "rule",
            "Title " + HOSTILE,
            1,
            "summary " + HOSTILE,
            1,
            List.of("event-" + HOSTILE),
            List.of("VAULT"),
            List.of("compliance.soc2." + HOSTILE));
    ComplianceReport report =
        ComplianceReport.build(
            period,
            InputDescription.files(List.of(new FileDigest("alerts/" + HOSTILE, "ab", 1))),
            "1.0",
            new ReportInput(
                List.of(alert),
                List.of(new EventCount("VAULT", "AUTH", false, LocalDate.parse("2026-11-20"), 1)),
                List.of(new DeadLetterCount("MALFORMED_JSON", HOSTILE, 1)),
                0,
                null,
                List.of(),
                List.of()),
            ControlCatalog.builtIn());

    String html = new String(ReportHtml.write(report), StandardCharsets.UTF_8);

    assertThat(html)
        .doesNotContain("<script", "<img", "alert(\"x\")")
        .contains("<td>detection " + ESCAPED + "</td>")
        .contains("Title " + ESCAPED + ": summary " + ESCAPED)
        .contains("<code>id-" + ESCAPED + "</code>")
        .contains("alerts/" + ESCAPED + " (1 bytes)")
        .contains("<td>" + ESCAPED + "</td>");
  }

  @Test
  void anAlertIdIsOnARowOfItsOwnUnderItsAlertWholeAndNeverWrapped() {
    String id = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    AlertEntry alert =
        new AlertEntry(
            id,
            Instant.parse("2026-11-20T10:00:00Z"),
            "critical",
            "root_token_use",
            "rule",
            "Root credential used",
            1,
            "Root credential used: root update on sys/audit/file",
            1,
            List.of("e1:request", "e1:response"),
            List.of("VAULT"),
            List.of("compliance.soc2.cc6.1"));
    ComplianceReport report =
        ComplianceReport.build(
            ReportPeriod.parse("2026-11"),
            InputDescription.files(List.of()),
            "1.0",
            new ReportInput(List.of(alert), List.of(), List.of(), 0, null, List.of(), List.of()),
            ControlCatalog.builtIn());

    String html = new String(ReportHtml.write(report), StandardCharsets.UTF_8);

    // Not a cell of a narrow column, where the page's overflow-wrap cut it over lines.
    assertThat(html).doesNotContain("<td>" + id + "</td>").doesNotContain("<th>alert id</th>");
    assertThat(html)
        .contains(
            "<tbody class=\"alert\">\n<tr><td>2026-11-20T10:00:00Z</td><td>critical</td>"
                + "<td>root_token_use</td><td>Root credential used: root update on sys/audit/file"
                + "</td><td class=\"n\">1</td></tr>\n"
                + "<tr><td class=\"id\" colspan=\"5\">alert id <code>"
                + id
                + "</code></td></tr>\n</tbody>")
        .contains("td.id code { white-space: nowrap; overflow-wrap: normal; user-select: all; }")
        .contains("<th>time (UTC)</th>");
  }
}
