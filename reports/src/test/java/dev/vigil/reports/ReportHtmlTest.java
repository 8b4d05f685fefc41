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
                null),
            ControlCatalog.builtIn());

    String html = new String(ReportHtml.write(report), StandardCharsets.UTF_8);

    assertThat(html)
        .doesNotContain("<script", "<img", "alert(\"x\")")
        .contains("<td>detection " + ESCAPED + "</td>")
        .contains("Title " + ESCAPED + ": summary " + ESCAPED)
        .contains("<td>id-" + ESCAPED + "</td>")
        .contains("alerts/" + ESCAPED + " (1 bytes)")
        .contains("<td>" + ESCAPED + "</td>");
  }
}
