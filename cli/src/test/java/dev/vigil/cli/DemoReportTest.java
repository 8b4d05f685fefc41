package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.DetectSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's summary over one alert, one event and one dead letter (the full demo: DemoCommand).
 */
class DemoReportTest {

  @TempDir Path dir;

  @Test
  void countsOneOfAnythingInTheSingular() throws IOException {
    DemoReport.Outputs files =
        new DemoReport.Outputs(
            dir.resolve("alerts.jsonl"),
            dir.resolve("events.jsonl"),
            dir.resolve("deadletters.jsonl"));
    Files.writeString(
        files.alerts(),
        "{\"alert_id\":\"a1\",\"time\":\"2026-11-20T10:20:14Z\",\"severity\":\"high\","
            + "\"detection\":\"root_token_use\",\"summary\":\"Root token use: root\","
            + "\"event_ids\":[\"e1\"]}\n");
    Files.writeString(
        files.events(),
        "{\"event_id\":\"e1\",\"source\":\"VAULT\",\"actor\":{\"id\":\"x\",\"name\":\"root\"}}\n");
    Files.writeString(
        files.deadLetters(),
        "{\"origin\":\"vault/audit.log:3\",\"reason\":\"MALFORMED_JSON\",\"message\":\"cut\"}\n");
    DetectSummary summary =
        new DetectSummary(
            2,
            Map.of("VAULT", 1L),
            Map.of("MALFORMED_JSON", 1L),
            Map.of("VAULT", 1L),
            0,
            Instant.parse("2026-11-20T10:20:14Z"),
            Instant.parse("2026-11-20T10:20:14Z"),
            Map.of("root_token_use", Map.of("high", 1L)),
            Duration.ofSeconds(1),
            Map.of(),
            List.of());

    List<String> lines =
        new DemoReport(Path::toString, Path.of("bin/vigil"))
            .render(summary, dir.resolve("samples"), files);

    assertThat(lines.get(1)).isEqualTo("  1 event (VAULT 1), 1 dead letter, 1 alert");
    assertThat(lines)
        .anySatisfy(
            line -> assertThat(line).matches("  root\\s+VAULT\\s+1 alert\\s+root_token_use"))
        .anySatisfy(line -> assertThat(line).endsWith("1 alert, one JSON document each"))
        .anySatisfy(
            line ->
                assertThat(line).endsWith("1 event in the canonical schema, raw record included"))
        .anySatisfy(line -> assertThat(line).endsWith("1 dead letter, with reason and origin"));
  }
}
