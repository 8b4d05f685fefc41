package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root token's token issue whose response entry never comes still alerts, through the whole job
 * at parallelism 2 with the built-in pack: once, on the request, saying the response was not seen;
 * an answered one alerts once, on its response, and its request adds nothing.
 */
class UnansweredRequestITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String ROOT_AUTH =
      "\"auth\":{\"accessor\":\"hmac-sha256:11aa\",\"display_name\":\"root\",\"policies\":[\"root\"],"
          + "\"token_policies\":[\"root\"],\"token_type\":\"service\"}";

  @TempDir Path dir;

  private static String entry(String type, String id, String time, String response) {
    return "{\"time\":\""
        + time
        + "\",\"type\":\""
        + type
        + "\","
        + ROOT_AUTH
        + ",\"request\":{\"id\":\""
        + id
        + "\",\"operation\":\"update\",\"mount_type\":\"token\",\"namespace\":{\"id\":\"root\"},"
        + "\"path\":\"auth/token/create\",\"remote_address\":\"10.20.0.5\"}"
        + (response == null ? "" : ",\"response\":" + response)
        + "}";
  }

  @Test
  @Timeout(180)
  void aTokenIssueWithoutItsResponseAlertsOnTheRequestAlone() throws Exception {
    String issued =
        "{\"mount_type\":\"token\",\"auth\":{\"client_token\":\"hmac-sha256:77aa\","
            + "\"accessor\":\"hmac-sha256:88bb\",\"display_name\":\"token\","
            + "\"policies\":[\"default\"],\"token_policies\":[\"default\"],\"token_type\":\"service\"}}";
    Path audit = dir.resolve("vault-audit.log");
    Files.write(
        audit,
        List.of(
            entry("request", "lost-1", "2026-11-20T10:00:00Z", null),
            entry("request", "answered-1", "2026-11-20T10:00:05Z", null),
            entry("response", "answered-1", "2026-11-20T10:00:05.004Z", issued),
            // Moves event time well past the lost request's wait.
            "{\"time\":\"2026-11-20T10:10:00Z\",\"type\":\"request\",\"auth\":{\"display_name\":\"ci\","
                + "\"policies\":[\"default\"],\"token_type\":\"service\"},\"request\":{\"id\":\"other-1\","
                + "\"operation\":\"read\",\"mount_type\":\"kv\",\"namespace\":{\"id\":\"root\"},"
                + "\"path\":\"secret/data/app\",\"remote_address\":\"10.20.0.8\"}}"));

    EmbeddedDetection.run(
        DetectOptions.builder()
            .setInputs(List.of(audit))
            .setParallelism(2)
            .setTimeout(Duration.ofMinutes(2))
            .setAlertsOut(dir.resolve("alerts.jsonl"))
            .setEventsOut(dir.resolve("events.jsonl"))
            .setDeadLetterOut(dir.resolve("dead-letters.jsonl"))
            .build());

    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("alerts.jsonl"))) {
      JsonNode alert = JSON.readTree(line);
      found.add(
          alert.path("rule_name").asText()
              + " "
              + alert.path("event_ids")
              + " "
              + alert.path("summary").asText());
    }
    assertThat(found)
        .containsExactlyInAnyOrder(
            "root_token_issue_unanswered [\"lost-1:request\"] Root credential used, response not"
                + " seen: root (root) update on auth/token/create from 10.20.0.5 (VAULT namespace"
                + " root); its response was not seen within 2m",
            "root_token_use [\"answered-1:response\"] Root credential used: root (root) update on"
                + " auth/token/create from 10.20.0.5 (VAULT namespace root)");
  }
}
