package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a MiniCluster at parallelism 2, over a mixed, out-of-order input of all four
 * sources (src/test/resources/mixed/mixed-sources.jsonl, records moved up to 20 s from their place,
 * two of them broken), with the built-in pack: exactly the expected alerts, and no others.
 */
class DetectionJobITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;

  @Test
  @Timeout(180)
  void findsExactlyWhatHappened() throws Exception {
    DetectSummary summary =
        EmbeddedDetection.run(
            DetectOptions.builder()
                .setInputs(List.of(Path.of("src/test/resources/mixed/mixed-sources.jsonl")))
                .setParallelism(2)
                .setTimeout(Duration.ofMinutes(2))
                .setAlertsOut(out.resolve("alerts.jsonl"))
                .setEventsOut(out.resolve("events.jsonl"))
                .setDeadLetterOut(out.resolve("dead-letters.jsonl"))
                .build());

    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("alerts.jsonl"))) {
      JsonNode alert = JSON.readTree(line);
      found.add(
          alert.path("detection").asText()
              + " "
              + alert.path("severity").asText()
              + " "
              + alert.path("group")
              + " "
              + alert.path("event_count").asLong());
    }
    // The built-in pack as of this test (policy_change: the GCP SetIamPolicy): when a rule is
    // added that these records should fire, it belongs in this list.
    assertThat(found)
        .containsExactlyInAnyOrder(
            "root_token_use critical {\"actor.id\":\"hmac-sha256:2222\"} 1",
            "policy_change high {\"actor.id\":\"ops@example.com\"} 1",
            "denied_access_spike high {\"actor.id\":\"arn:aws:iam::111122223333:user/mallory\"} 10",
            "mass_secret_reads high {\"actor.id\":\"9a1b2c3d-0000-4000-8000-00000000e1e1\"} 50");

    assertThat(summary.records()).isEqualTo(71);
    assertThat(summary.eventsBySource())
        .isEqualTo(
            Map.of("AWS_CLOUDTRAIL", 14L, "AZURE_MONITOR", 50L, "GCP_AUDIT", 2L, "VAULT", 3L));
    assertThat(summary.deadLettered())
        .isEqualTo(Map.of("MALFORMED_JSON", 1L, "UNKNOWN_FORMAT", 1L));
    assertThat(summary.lateRecords()).isZero();
    assertThat(summary.alerts())
        .isEqualTo(
            Map.of(
                "root_token_use", Map.of("critical", 1L),
                "policy_change", Map.of("high", 1L),
                "denied_access_spike", Map.of("high", 1L),
                "mass_secret_reads", Map.of("high", 1L)));
    assertThat(Files.readAllLines(out.resolve("events.jsonl"))).hasSize(69);
    List<String> deadLetters = Files.readAllLines(out.resolve("dead-letters.jsonl"));
    assertThat(deadLetters).hasSize(2);
    assertThat(deadLetters)
        .allSatisfy(
            line ->
                assertThat(JSON.readTree(line).path("origin").asText())
                    .startsWith("src/test/resources/mixed/mixed-sources.jsonl:"));
  }
}
