package dev.vigil.detect.job;

import static dev.vigil.detect.job.OperatorEvents.at;
import static dev.vigil.detect.job.OperatorEvents.root;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.testing.InlineEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A root token's token issue that alerted as unanswered (root_token_issue_unanswered, built-in
 * pack) and whose response comes later, past the engine's ten-minute memory of alert ids: the
 * response is the same act and does not page again as root_token_use (the alert the unanswered one
 * stands for), but a root policy on the issued token, a fact the request could not show, still
 * alerts as root_credential_created. The request's state and timers go once the pair is judged.
 */
class DetectionOperatorUnansweredTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static RuleSet rules;
  private static Routes routes;
  private static int serial;

  @BeforeAll
  static void compile() throws Exception {
    rules = RuleSet.builtIn();
    routes = Routes.of(rules);
  }

  @Test
  void aLateResponseOfAnUnansweredTokenIssueAlertsOnlyWhatTheRequestCouldNotShow()
      throws Exception {
    try (var harness = harness(null)) {
      feed(harness, issue("plain", "request", 0, false), issue("minted", "request", 10, false));
      harness.processWatermark(new Watermark(at(131)));
      assertThat(ruleNames(harness))
          .containsExactly("root_token_issue_unanswered", "root_token_issue_unanswered");

      // Another root act twenty minutes on: the engine forgets alert ids ten minutes older.
      feed(harness, root("other", 1200));
      harness.processWatermark(new Watermark(at(3600)));
      assertThat(ruleNames(harness)).hasSize(3).endsWith("root_token_use");

      // The responses come an hour late, behind the watermark (a stalled partition).
      feed(harness, issue("plain", "response", 180, false), issue("minted", "response", 190, true));
      assertThat(ruleNames(harness))
          .containsExactly(
              "root_token_issue_unanswered",
              "root_token_issue_unanswered",
              "root_token_use",
              "root_credential_created");
      assertThat(harness.extractOutputValues().get(3).json).contains("minted:response");

      // Both pairs are complete: what was kept for them goes once the responses are judged, that is
      // once they leave the event route (judged at the clock, kept for the route's 2m wait).
      harness.processWatermark(new Watermark(at(3719)));
      assertThat(harness.numKeyedStateEntries()).isPositive();
      harness.processWatermark(new Watermark(at(3720)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aLateResponseAfterARestoreDoesNotPageAgainForItsUnansweredRequest() throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness(null)) {
      feed(harness, issue("plain", "request", 0, false));
      harness.processWatermark(new Watermark(at(131)));
      assertThat(ruleNames(harness)).containsExactly("root_token_issue_unanswered");
      snapshot = harness.snapshot(1, 1);
    }
    // The restored engines know nothing of the request (it left them once judged); the request's
    // state in the checkpoint knows what its unanswered alert stands for.
    try (var harness = harness(snapshot)) {
      harness.processWatermark(new Watermark(at(3600)));
      feed(harness, issue("plain", "response", 180, false));
      assertThat(ruleNames(harness)).isEmpty();
      harness.processWatermark(new Watermark(at(3720)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  /**
   * An entry of a root token's {@code auth/token/create} request {@code id}, {@code second}s after
   * the tests' instant: the request (outcome not known yet), or its response, which issued a token
   * with the root policy when {@code rootIssued} (the Vault parser's {@code target.type}).
   */
  private static AuditEvent issue(String id, String entry, int second, boolean rootIssued) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", id + ":" + entry);
    event.put("source", "VAULT");
    event.put("time", Instant.ofEpochMilli(at(second)).toString());
    event.put("action", "create");
    event.put("operation", "update");
    event.put("outcome", entry.equals("request") ? "UNKNOWN" : "SUCCESS");
    ObjectNode target = event.putObject("target").put("resource", "auth/token/create");
    if (rootIssued) {
      target.put("type", "root_token");
    }
    event.putObject("actor").put("id", "root-token").put("name", "root").put("root", true);
    return InlineEvents.build(event, serial++, 0, 0, 0, "test");
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness(
      OperatorSubtaskState restoreFrom) throws Exception {
    return DetectionHarness.open(rules, restoreFrom, JobOptions.DEFAULT_VAULT_PAIR_MEMORY);
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness,
      AuditEvent... events)
      throws Exception {
    DetectionHarness.feed(harness, routes, List.of(events));
  }

  private static List<String> ruleNames(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness)
      throws Exception {
    List<String> names = new ArrayList<>();
    for (AlertRecord alert : harness.extractOutputValues()) {
      names.add(JSON.readTree(alert.json).path("rule_name").asText());
    }
    return names;
  }
}
