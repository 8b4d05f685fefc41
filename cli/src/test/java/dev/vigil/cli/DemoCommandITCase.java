package dev.vigil.cli;

import static dev.vigil.cli.SamplesDemo.section;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil demo} over the real bundled samples, on the embedded Flink, checked against the
 * story they tell (samples/README.md). The demo's mistakes that stop it before the job are in
 * {@link DemoCommandTest}.
 */
class DemoCommandITCase {

  private static CliRun.Result demo;
  private static Path outDir;

  @BeforeAll
  static void runDemo() {
    SamplesDemo.Run run = SamplesDemo.embedded();
    demo = run.result();
    outDir = run.outDir();
  }

  @Test
  void finishesWithTheStoryInItsFiles() throws IOException {
    assertThat(demo.exitCode()).as(demo.stderr()).isZero();
    List<JsonNode> alerts = DemoReport.readLines(outDir.resolve(Demo.ALERTS_FILE));
    assertThat(SamplesDemo.byDetection(alerts))
        .containsExactlyInAnyOrderEntriesOf(SamplesDemo.ALERTS_BY_DETECTION);
    assertThat(alerts)
        .filteredOn(a -> a.path("detection").asText().equals("denied_access_spike"))
        .extracting(a -> a.path("sources").get(0).asText())
        .containsExactly("VAULT", "AZURE_MONITOR", "GCP_AUDIT");
    assertThat(DemoReport.readLines(outDir.resolve(Demo.EVENTS_FILE))).hasSize(322);
    assertThat(DemoReport.readLines(outDir.resolve(Demo.DEAD_LETTERS_FILE)))
        .extracting(d -> d.path("origin").asText() + " " + d.path("reason").asText())
        .containsExactlyInAnyOrder(
            "vault/audit.log:121 MALFORMED_JSON", "gcp/cloudaudit.jsonl:14 INVALID_TIME");
  }

  @Test
  void summarizesDetectionsActorsAlertsAndDeadLetters() {
    List<String> lines = demo.stdoutLines();
    assertThat(lines.get(0))
        .isEqualTo("vigil demo: the detection job (embedded Flink, built-in rules) over samples/");
    assertThat(lines.get(1)).isEqualTo(SamplesDemo.TOTALS_LINE);
    assertThat(section(lines, "Alerts by detection"))
        .containsExactly(
            "  policy_change        5  critical 1, high 4",
            "  break_glass_use      3  critical 3",
            "  denied_access_spike  3  high 3",
            "  root_token_use       3  critical 3",
            "  mass_secret_reads    1  high 1");
    assertThat(section(lines, "Top actors (by alerts)"))
        .hasSize(5)
        .first()
        .asString()
        .matches(
            "  break-glass-admin/bob-incident-4411 +AWS_CLOUDTRAIL +3 alerts"
                + " +break_glass_use, policy_change");
    assertThat(section(lines, "Top actors (by alerts)"))
        .anyMatch(
            line ->
                line.matches(
                    "  token-ci-runner +VAULT +2 alerts +denied_access_spike, mass_secret_reads"));
    List<String> alertLines = section(lines, "Alerts (UTC)");
    assertThat(alertLines)
        .hasSize(15)
        .allMatch(line -> line.matches("  2026-11-20 \\d\\d:\\d\\d:\\d\\d  (critical|high) .+"));
    assertThat(alertLines.get(0))
        .startsWith("  2026-11-20 10:03:48  high      denied_access_spike  Denied access spike");
    assertThat(section(lines, "Dead letters (raw record, reason and origin kept in the file)"))
        .containsExactly(
            "  gcp/cloudaudit.jsonl:14  INVALID_TIME    timestamp is not a timestamp: \"not a time\"",
            "  vault/audit.log:121      MALFORMED_JSON  malformed JSON: the record ends before its"
                + " value is complete at line 1, column 89");
    assertThat(section(lines, "Files"))
        .anyMatch(
            line ->
                line.contains(outDir.resolve("alerts.jsonl") + "  ")
                    && line.endsWith("15 alerts, one JSON document each"));
    assertThat(section(lines, "Next steps"))
        .hasSize(3)
        .anyMatch(line -> line.startsWith("  bin/vigil rules explain mass_secret_reads"));
    assertThat(demo.stdout()).doesNotContain("late records");
  }

  @Test
  void givesTheSameSummaryOnEveryRun(@TempDir Path otherOut) {
    CliRun.Result again = SamplesDemo.run(otherOut);
    assertThat(again.exitCode()).isZero();
    assertThat(again.stdout().replace(otherOut.toString(), "OUT"))
        .isEqualTo(demo.stdout().replace(outDir.toString(), "OUT"));
  }
}
