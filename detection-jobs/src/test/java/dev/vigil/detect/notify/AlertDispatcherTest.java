package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.model.Level;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AlertDispatcherTest {

  static final String ROUTING_KEY = "R0UT1NGK3Y0000000000000000SECRET";
  static final String HMAC_KEY = "whsec-hmac-key-4f8a9b";
  static final Function<String, String> ENV =
      Map.of("VIGIL_PD_ROUTING_KEY", ROUTING_KEY, "VIGIL_WEBHOOK_KEY", HMAC_KEY)::get;
  static final Function<String, List<String>> NO_RULE_ROUTES = ruleId -> List.of();
  static final Function<String, RuleGuidance> NO_GUIDANCE = ruleId -> null;
  static final Duration FLUSH = Duration.ofSeconds(20);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Map<String, Object> pagerDuty(URI url) {
    Map<String, Object> destination = new LinkedHashMap<>();
    destination.put("type", "pagerduty");
    destination.put("url", url.toString());
    destination.put("routing_key_env", "VIGIL_PD_ROUTING_KEY");
    destination.put(
        "retry",
        Map.of(
            "initial_backoff", "10ms",
            "max_backoff", "50ms",
            "give_up_after", "5s",
            "request_timeout", "2s"));
    destination.put("rate_limit", Map.of("per_minute", 60_000, "burst", 1000));
    return destination;
  }

  static NotifyConfig config(Map<String, Object> destinations) {
    Map<String, Object> notify = new HashMap<>();
    notify.put(
        "alert_url", "https://search.example.com/vigil-alerts/_search?q=alert_id:{alert_id}");
    notify.put("grouping", Map.of("window", "5m"));
    notify.put("destinations", destinations);
    return NotifySections.read(notify);
  }

  static List<JsonNode> bodies(Receiver receiver) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Receiver.Request request : receiver.requests()) {
      out.add(MAPPER.readTree(request.body()));
    }
    return out;
  }

  @Test
  void pagerDutyEventMeetsTheEventsApiContractFieldByField() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      Alert alert =
          Alerts.alert(
              Alerts.id(1),
              "rule-root",
              "critical",
              "root_token_use",
              Map.of("actor.id", "root-token-accessor"),
              Alerts.T0);
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/v2/enqueue")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        dispatcher.submit(alert);
        assertThat(dispatcher.flush(FLUSH)).isTrue();
      }
      List<Receiver.Request> requests = receiver.requests();
      assertThat(requests).hasSize(1);
      Receiver.Request request = requests.get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/v2/enqueue");
      assertThat(request.headers().getFirst("Content-Type")).startsWith("application/json");
      assertThat(request.headers())
          .as("plain HTTP/1.1: no h2c upgrade, which some proxies and servers refuse")
          .doesNotContainKeys("Upgrade", "Http2-settings");
      JsonNode event = MAPPER.readTree(request.body());
      assertThat(PagerDutyContract.violations(event)).isEmpty();

      assertThat(event.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
      assertThat(event.get("event_action").asText()).isEqualTo("trigger");
      assertThat(event.get("dedup_key").asText()).isEqualTo(alert.alertId());
      JsonNode payload = event.get("payload");
      assertThat(payload.get("summary").asText()).isEqualTo(alert.summary());
      assertThat(payload.get("severity").asText()).isEqualTo("critical");
      assertThat(payload.get("source").asText()).isEqualTo("vault");
      assertThat(payload.get("timestamp").asText()).isEqualTo("2024-05-01T12:00:00Z");
      assertThat(payload.get("class").asText()).isEqualTo("root_token_use");
      assertThat(payload.get("component").asText()).isEqualTo("root_token_use");
      assertThat(payload.get("group").asText()).isEqualTo("actor.id=root-token-accessor");
      JsonNode details = payload.get("custom_details");
      assertThat(details.get("summary").asText()).isEqualTo(alert.summary());
      assertThat(details.get("group").get("actor.id").asText()).isEqualTo("root-token-accessor");
      assertThat(details.get("alert_count").asInt()).isEqualTo(1);
      assertThat(details.get("event_count").asLong()).isEqualTo(12);
      assertThat(details.get("rule_id").asText()).isEqualTo("rule-root");
      assertThat(details.get("rule_title").asText()).isEqualTo("Denied access spike");
      assertThat(details.get("rule_author").asText()).isEqualTo("Vigil");
      assertThat(details.get("sources").get(0).asText()).isEqualTo("VAULT");
      assertThat(details.get("event_ids")).hasSize(3);
      String link = "https://search.example.com/vigil-alerts/_search?q=alert_id:" + alert.alertId();
      assertThat(details.get("alert_url").asText()).isEqualTo(link);
      assertThat(event.get("links").get(0).get("href").asText()).isEqualTo(link);
      assertThat(event.get("client_url").asText()).isEqualTo(link);
      // Only the routing key is a credential, and only in its own field.
      assertThat(payload.toString()).doesNotContain(ROUTING_KEY);
    }
  }

  /**
   * A rule that groups by the actor's name as well as its id: the page names the person first, in
   * PagerDuty's payload.group and in Slack's Who / what, as received by the stand-ins.
   */
  @Test
  void theActorsNameLeadsTheGroupInPagerDutyAndSlack() throws IOException {
    Map<String, String> group = new LinkedHashMap<>();
    group.put("src.ip", "198.51.100.7");
    group.put("actor.id", "AIDAJQABLZS4A3QDU576Q");
    group.put("actor.name", "alice.smith");
    Alert alert =
        Alerts.alert(Alerts.id(7), "rule-named", "high", "denied_access_spike", group, Alerts.T0);
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver slack = new Receiver(200, "ok")) {
      Map<String, Object> chat = new LinkedHashMap<>();
      chat.put("type", "slack");
      chat.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      Function<String, String> env =
          Map.of(
                  "VIGIL_PD_ROUTING_KEY",
                  ROUTING_KEY,
                  "VIGIL_SLACK_WEBHOOK_URL",
                  slack.uri("/services/T1/B1/X").toString())
              ::get;
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(pagerDuty.uri("/v2/enqueue")), "secops", chat)),
              env,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        dispatcher.submit(alert);
        assertThat(dispatcher.flush(FLUSH)).isTrue();
      }
      String expected =
          "actor.name=alice.smith, actor.id=AIDAJQABLZS4A3QDU576Q, src.ip=198.51.100.7";
      JsonNode page = bodies(pagerDuty).get(0);
      assertThat(PagerDutyContract.violations(page)).isEmpty();
      assertThat(page.at("/payload/group").asText()).isEqualTo(expected);
      JsonNode message = bodies(slack).get(0);
      assertThat(message.at("/blocks/2/fields/2/text").asText())
          .isEqualTo("*Who / what*\n" + expected);
    }
  }

  @Test
  void contractCheckCatchesViolations() throws IOException {
    JsonNode bad =
        MAPPER.readTree(
            "{\"routing_key\":\"k\",\"event_action\":\"fire\",\"extra\":1,"
                + "\"payload\":{\"summary\":\""
                + "x".repeat(1025)
                + "\",\"severity\":\"high\",\"custom_details\":\"no\"}}");
    List<String> violations = PagerDutyContract.violations(bad);
    assertThat(violations)
        .contains(
            "unknown field extra",
            "summary length 1025 outside [1, 1024]",
            "source is required",
            "payload.custom_details is not an object");
    assertThat(violations).anyMatch(v -> v.startsWith("event_action not one of"));
    assertThat(violations).anyMatch(v -> v.startsWith("payload.severity not one of"));
  }

  @Test
  void mapsEverySeverity() {
    assertThat(PagerDutyNotifier.severity(Level.CRITICAL)).isEqualTo("critical");
    assertThat(PagerDutyNotifier.severity(Level.HIGH)).isEqualTo("error");
    assertThat(PagerDutyNotifier.severity(Level.MEDIUM)).isEqualTo("warning");
    assertThat(PagerDutyNotifier.severity(Level.LOW)).isEqualTo("info");
    assertThat(PagerDutyNotifier.severity(Level.INFORMATIONAL)).isEqualTo("info");
  }

  @Test
  void dedupKeyIsTheAlertIdWithinTheApiLimit() {
    assertThat(PagerDutyNotifier.dedupKey(Alerts.id(1))).isEqualTo(Alerts.id(1));
    String huge = "x".repeat(300);
    assertThat(PagerDutyNotifier.dedupKey(huge))
        .hasSizeLessThanOrEqualTo(255)
        .isEqualTo(PagerDutyNotifier.dedupKey(huge));
  }

  @Test
  void longSummariesAreCutToTheApiLimit() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      Alert base = Alerts.spike(Alerts.id(2), "alice", 0);
      Alert longOne =
          new Alert(
              base.alertId(),
              base.ruleId(),
              base.ruleName(),
              base.ruleTitle(),
              base.ruleVersion(),
              base.ruleAuthor(),
              base.detection(),
              base.severity(),
              base.time(),
              base.windowStart(),
              base.windowEnd(),
              base.group(),
              base.sources(),
              base.eventIds(),
              base.eventCount(),
              "é".repeat(3000),
              base.tags());
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        dispatcher.submit(longOne);
        dispatcher.flush(FLUSH);
      }
      JsonNode event = bodies(receiver).get(0);
      assertThat(PagerDutyContract.violations(event)).isEmpty();
      assertThat(event.at("/payload/summary").asText()).hasSize(1024).endsWith("…");
    }
  }

  @Test
  void aStormForOneGroupIsOneIncidentWithItsCount() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        for (int i = 0; i < 10; i++) {
          dispatcher.submit(Alerts.spike(Alerts.id(100 + i), "alice", i * 10L));
        }
        assertThat(dispatcher.flush(FLUSH)).isTrue();
        assertThat(dispatcher.stats().folded()).isEqualTo(9);
      }
      List<JsonNode> events = bodies(receiver);
      assertThat(events).hasSize(2);
      events.forEach(event -> assertThat(PagerDutyContract.violations(event)).isEmpty());
      assertThat(events)
          .extracting(event -> event.get("dedup_key").asText())
          .containsOnly(Alerts.id(100));
      JsonNode last = events.get(1);
      assertThat(last.at("/payload/custom_details/alert_count").asInt()).isEqualTo(10);
      assertThat(last.at("/payload/custom_details/event_count").asLong()).isEqualTo(120);
      assertThat(last.at("/payload/summary").asText()).contains("10 alerts for this group");
      assertThat(last.at("/payload/timestamp").asText()).isEqualTo("2024-05-01T12:01:30Z");
    }
  }

  @Test
  void otherGroupsAndLaterWindowsPageSeparately() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        dispatcher.submit(Alerts.spike(Alerts.id(1), "alice", 0));
        dispatcher.submit(Alerts.spike(Alerts.id(2), "bob", 5));
        dispatcher.submit(Alerts.spike(Alerts.id(3), "alice", 600)); // past the 5 min window
        dispatcher.flush(FLUSH);
      }
      assertThat(bodies(receiver))
          .extracting(event -> event.get("dedup_key").asText())
          .containsExactly(Alerts.id(1), Alerts.id(2), Alerts.id(3));
    }
  }

  private static final String ROOT_RULE = "65065d23-db52-4ac9-87b3-8acb9667497d";
  private static final String VAULT_ROOT = "hmac-sha256:7b1d0c";
  private static final String AWS_ROOT = "arn:aws:iam::999988887777:root";

  /**
   * The expected PagerDuty event of a root credential page, every field: a trigger when {@code
   * latest} is {@code first}, else a group update whose latest alert is {@code latest}.
   */
  private static JsonNode rootPage(Alert first, Alert latest, int alertCount) throws IOException {
    String link = "https://search.example.com/vigil-alerts/_search?q=alert_id:" + first.alertId();
    String actor = first.group().get("actor.id");
    String source = first.sources().get(0);
    // An update's headline is the latest act with the count; the details stay the first alert's.
    String summary =
        alertCount == 1
            ? first.summary()
            : latest.summary()
                + " ("
                + alertCount
                + " alerts for this group, "
                + alertCount
                + " events)";
    String last = latest.time().toString();
    String firstTime = first.time().toString();
    return MAPPER.readTree(
        """
        {"routing_key": "%s", "event_action": "trigger", "dedup_key": "%s",
         "payload": {
           "summary": "%s", "source": "%s", "severity": "critical", "timestamp": "%s",
           "component": "root_token_use", "group": "actor.id=%s", "class": "root_token_use",
           "custom_details": {
             "summary": "%s", "detection": "root_token_use", "severity": "critical",
             "group": {"actor.id": "%s"}, "alert_count": %d, "event_count": %d,
             "first_alert_time": "%s", "last_alert_time": "%s",
             "window_start": "%s", "window_end": "%s", "sources": ["%s"],
             "rule_id": "%s", "rule_title": "Root credential used", "rule_version": 2,
             "rule_author": "Vigil", "alert_id": "%s", "event_ids": ["%s"],
             "tags": ["attack.privilege-escalation"], "alert_url": "%s"}},
         "client": "Vigil", "client_url": "%s",
         "links": [{"href": "%s", "text": "Vigil alert %s"}]}
        """
            .formatted(
                ROUTING_KEY,
                first.alertId(),
                summary,
                source.toLowerCase(Locale.ROOT),
                last,
                actor,
                first.summary(),
                actor,
                alertCount,
                alertCount,
                firstTime,
                last,
                firstTime,
                firstTime,
                source,
                ROOT_RULE,
                first.alertId(),
                first.eventIds().get(0),
                link,
                link,
                link,
                first.alertId()));
  }

  /**
   * The review's case: a storm of root-token policy writes in Vault, and within its window another
   * Vault actor's root use and an AWS root console login. Single-event alerts group by their actor
   * and source: three pages, the storm's with its count, each naming its own source and actor.
   */
  @Test
  void unrelatedRootUsesInOneWindowPageSeparatelyAndAStormOfOneActorOnce() throws IOException {
    List<Alert> storm = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      storm.add(
          Alerts.rootUse(
              Alerts.id(200 + i),
              VAULT_ROOT,
              "VAULT",
              "root (root) update on sys/policies/acl/storm-" + (i + 1) + " from 10.9.9.9 (VAULT)",
              i * 5L));
    }
    Alert otherVaultActor =
        Alerts.rootUse(
            Alerts.id(300),
            "hmac-sha256:99aa01",
            "VAULT",
            "root (root) read on sys/raw (VAULT)",
            20);
    Alert awsRoot =
        Alerts.rootUse(
            Alerts.id(301),
            AWS_ROOT,
            "AWS_CLOUDTRAIL",
            "root (root) ConsoleLogin from 203.0.113.200 (AWS_CLOUDTRAIL 999988887777)",
            40);
    try (Receiver receiver = Receiver.pagerDuty()) {
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        for (Alert alert : storm) {
          dispatcher.submit(alert);
          if (alert.time().equals(Alerts.T0.plusSeconds(20))) {
            dispatcher.submit(otherVaultActor);
          }
          if (alert.time().equals(Alerts.T0.plusSeconds(40))) {
            dispatcher.submit(awsRoot);
          }
        }
        assertThat(dispatcher.flush(FLUSH)).isTrue();
        assertThat(dispatcher.stats().folded()).isEqualTo(11);
      }
      List<JsonNode> events = bodies(receiver);
      events.forEach(event -> assertThat(PagerDutyContract.violations(event)).isEmpty());
      assertThat(events)
          .containsExactly(
              rootPage(storm.get(0), storm.get(0), 1),
              rootPage(otherVaultActor, otherVaultActor, 1),
              rootPage(awsRoot, awsRoot, 1),
              rootPage(storm.get(0), storm.get(11), 12));
    }
  }

  /** The same case through a webhook and Slack: the AWS login is its own message in each. */
  @Test
  void webhookAndSlackAlsoKeepUnrelatedRootUsesApart() throws IOException {
    Alert vault =
        Alerts.rootUse(Alerts.id(310), VAULT_ROOT, "VAULT", "root (root) update on a (VAULT)", 0);
    Alert vaultAgain =
        Alerts.rootUse(Alerts.id(311), VAULT_ROOT, "VAULT", "root (root) update on b (VAULT)", 30);
    Alert aws =
        Alerts.rootUse(Alerts.id(312), AWS_ROOT, "AWS_CLOUDTRAIL", "root (root) ConsoleLogin", 40);
    try (Receiver hook = new Receiver(204, "");
        Receiver slack = new Receiver(200, "ok")) {
      Map<String, Object> webhook = pagerDuty(hook.uri("/hooks/vigil"));
      webhook.remove("routing_key_env");
      webhook.put("type", "webhook");
      webhook.put("hmac_key_env", "VIGIL_WEBHOOK_KEY");
      Map<String, Object> slackDestination = new LinkedHashMap<>();
      slackDestination.put("type", "slack");
      slackDestination.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      Map<String, String> env = new HashMap<>();
      env.put("VIGIL_WEBHOOK_KEY", HMAC_KEY);
      env.put("VIGIL_SLACK_WEBHOOK_URL", slack.uri("/services/T1/B1/X").toString());
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("siem", webhook, "secops", slackDestination)),
              env::get,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        dispatcher.submit(vault);
        dispatcher.submit(vaultAgain);
        dispatcher.submit(aws);
        assertThat(dispatcher.flush(FLUSH)).isTrue();
      }
      List<JsonNode> hooks = bodies(hook);
      assertThat(hooks)
          .extracting(b -> b.get("type").asText(), b -> b.at("/alert/alert_id").asText())
          .containsExactly(
              tuple("alert", vault.alertId()),
              tuple("alert", aws.alertId()),
              tuple("alert_group_update", vault.alertId()));
      assertThat(hooks.get(1))
          .isEqualTo(
              MAPPER.readTree(
                  "{\"type\": \"alert\", \"alert\": "
                      + AlertJson.toJson(aws)
                      + ", \"grouping\": {\"alert_count\": 1, \"event_count\": 1,"
                      + " \"last_alert_time\": \"2024-05-01T12:00:40Z\","
                      + " \"last_alert_summary\": \"Root credential used: root (root) ConsoleLogin\"},"
                      + " \"alert_url\": \"https://search.example.com/vigil-alerts/_search?q=alert_id:"
                      + aws.alertId()
                      + "\"}"));
      // The update: the first alert, and the latest alert's act with the group's count.
      assertThat(hooks.get(2))
          .isEqualTo(
              MAPPER.readTree(
                  "{\"type\": \"alert_group_update\", \"alert\": "
                      + AlertJson.toJson(vault)
                      + ", \"grouping\": {\"alert_count\": 2, \"event_count\": 2,"
                      + " \"last_alert_time\": \"2024-05-01T12:00:30Z\","
                      + " \"last_alert_summary\": \"Root credential used: root (root) update on b"
                      + " (VAULT)\"},"
                      + " \"alert_url\": \"https://search.example.com/vigil-alerts/_search?q=alert_id:"
                      + vault.alertId()
                      + "\"}"));

      // Each message names the rule title once, and who acted.
      assertThat(bodies(slack))
          .containsExactly(
              slackMessage(
                  vault,
                  "root (root) update on a (VAULT)",
                  "actor.id=" + VAULT_ROOT,
                  "VAULT",
                  "1 event",
                  "2024-05-01T12:00:00Z"),
              slackMessage(
                  aws,
                  "root (root) ConsoleLogin",
                  "actor.id=" + AWS_ROOT,
                  "AWS_CLOUDTRAIL",
                  "1 event",
                  "2024-05-01T12:00:40Z"),
              slackMessage(
                  vault,
                  "root (root) update on b (VAULT) (2 alerts for this group, 2 events)",
                  "actor.id=" + VAULT_ROOT,
                  "VAULT",
                  "2 alerts, 2 events",
                  "2024-05-01T12:00:30Z"));
    }
  }

  /** The expected Slack message of a root credential alert, every field. */
  private static JsonNode slackMessage(
      Alert first, String act, String who, String where, String count, String lastTime) {
    ObjectNode message = MAPPER.createObjectNode();
    message.put("text", "[CRITICAL] Root credential used: " + act);
    ArrayNode blocks = message.putArray("blocks");
    blocks
        .addObject()
        .put("type", "header")
        .putObject("text")
        .put("type", "plain_text")
        .put("text", "CRITICAL · Root credential used");
    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", act);
    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    for (String field :
        List.of(
            "*Severity*\ncritical",
            "*Detection*\nroot_token_use",
            "*Who / what*\n" + who,
            "*Where*\n" + where,
            "*Count*\n" + count,
            "*When*\n" + first.windowStart() + " – " + lastTime)) {
      fields.addObject().put("type", "mrkdwn").put("text", field);
    }
    blocks
        .addObject()
        .put("type", "context")
        .putArray("elements")
        .addObject()
        .put("type", "mrkdwn")
        .put(
            "text",
            "Rule root_token_use · alert "
                + first.alertId()
                + " · <https://search.example.com/vigil-alerts/_search?q=alert_id:"
                + first.alertId()
                + "|Open alert>");
    return message;
  }

  @Test
  void aReplaySendsTheSameDedupKeysAndNothingTwiceInOneProcess() throws IOException {
    List<Alert> storm = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      storm.add(Alerts.spike(Alerts.id(200 + i), "alice", i));
      storm.add(Alerts.spike(Alerts.id(300 + i), "bob", i));
    }
    try (Receiver first = Receiver.pagerDuty();
        Receiver restarted = Receiver.pagerDuty()) {
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(first.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        storm.forEach(dispatcher::submit);
        dispatcher.flush(FLUSH);
        int sent = first.requests().size();
        storm.forEach(dispatcher::submit); // replay in the same process
        dispatcher.flush(FLUSH);
        assertThat(first.requests()).hasSize(sent);
        assertThat(dispatcher.stats().duplicates()).isEqualTo(20);
      }
      // A restart forgets everything in memory; the replay still lands on the same incidents.
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(restarted.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        storm.forEach(dispatcher::submit);
        dispatcher.flush(FLUSH);
      }
      assertThat(bodies(restarted))
          .extracting(event -> event.get("dedup_key").asText())
          .containsExactlyElementsOf(
              bodies(first).stream().map(event -> event.get("dedup_key").asText()).toList())
          .containsOnly(Alerts.id(200), Alerts.id(300));
    }
  }

  @Test
  void retriesServerErrorsAndHonorsRetryAfter() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver
          .then(500, Map.of(), "{}")
          .then(500, Map.of(), "{}")
          .then(429, Map.of("Retry-After", "1"), "{\"status\":\"throttled\"}");
      long start = System.nanoTime();
      NotifyStats stats;
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        dispatcher.submit(Alerts.spike(Alerts.id(5), "alice", 0));
        assertThat(dispatcher.flush(FLUSH)).isTrue();
        stats = dispatcher.stats();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));
      assertThat(receiver.requests()).hasSize(4);
      assertThat(stats.destinations().get("oncall").delivered()).isEqualTo(1);
      assertThat(bodies(receiver))
          .extracting(b -> b.get("dedup_key").asText())
          .containsOnly(Alerts.id(5));
    }
  }

  @Test
  void doesNotRetryABadRequest() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver.then(400, Map.of(), "{\"status\":\"invalid event\",\"errors\":[\"bad\"]}");
      NotifyStats stats;
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE)) {
        dispatcher.submit(Alerts.spike(Alerts.id(6), "alice", 0));
        dispatcher.flush(FLUSH);
        stats = dispatcher.stats();
      }
      assertThat(receiver.requests()).hasSize(1);
      assertThat(stats.destinations().get("oncall").rejected()).isEqualTo(1);
      assertThat(stats.destinations().get("oncall").delivered()).isZero();
    }
  }

  @Test
  void rateLimitsEachDestination() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      Map<String, Object> destination = pagerDuty(receiver.uri("/"));
      destination.put("rate_limit", Map.of("per_minute", 600, "burst", 2)); // 10 per second
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", destination)), ENV, NO_RULE_ROUTES, NO_GUIDANCE)) {
        long start = System.nanoTime();
        for (int i = 0; i < 7; i++) {
          dispatcher.submit(Alerts.spike(Alerts.id(400 + i), "actor-" + i, 0));
        }
        assertThat(dispatcher.flush(FLUSH)).isTrue();
        // 2 at once, then 5 more at 100 ms each.
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isGreaterThanOrEqualTo(Duration.ofMillis(450));
      }
      assertThat(receiver.requests()).hasSize(7);
    }
  }

  @Test
  void aSlowDestinationDelaysSubmitBoundedlyAndDropsOverflow() throws IOException {
    try (Receiver slow = Receiver.pagerDuty().slow(2_000);
        Receiver fast = Receiver.pagerDuty()) {
      Map<String, Object> slowDestination = pagerDuty(slow.uri("/"));
      slowDestination.put("queue_capacity", 1);
      slowDestination.put("enqueue_timeout", "100ms");
      slowDestination.put("retry", Map.of("request_timeout", "10s"));
      Map<String, Object> destinations = new LinkedHashMap<>();
      destinations.put("slow", slowDestination);
      destinations.put("fast", pagerDuty(fast.uri("/")));
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(config(destinations), ENV, NO_RULE_ROUTES, NO_GUIDANCE)) {
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
          dispatcher.submit(Alerts.spike(Alerts.id(500 + i), "actor-" + i, 0));
        }
        // One in flight, one queued, three dropped after 100 ms each; waiting for the slow
        // destination instead would take at least 6 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(dispatcher.flush(FLUSH)).isTrue();
        NotifyStats stats = dispatcher.stats();
        assertThat(stats.destinations().get("slow").dropped()).isEqualTo(3);
        assertThat(stats.destinations().get("slow").delivered()).isEqualTo(2);
        assertThat(stats.destinations().get("fast").delivered()).isEqualTo(5);
      }
    }
  }

  @Test
  void closeDrainsWhatIsQueued() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty().slow(100)) {
      AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("oncall", pagerDuty(receiver.uri("/")))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE);
      for (int i = 0; i < 5; i++) {
        dispatcher.submit(Alerts.spike(Alerts.id(600 + i), "actor-" + i, 0));
      }
      dispatcher.close();
      assertThat(receiver.requests()).hasSize(5);
      assertThat(dispatcher.stats().destinations().get("oncall").delivered()).isEqualTo(5);
    }
  }

  @Test
  void closeFromAnInterruptedThreadStopsEveryDestinationAndCountsWhatItAbandons() throws Exception {
    try (Receiver first = Receiver.pagerDuty().slow(30_000);
        Receiver second = Receiver.pagerDuty().slow(30_000)) {
      Map<String, Object> destinations = new LinkedHashMap<>();
      destinations.put("close-first", slowPagerDuty(first));
      destinations.put("close-second", slowPagerDuty(second));
      AlertDispatcher dispatcher =
          AlertDispatcher.start(config(destinations), ENV, NO_RULE_ROUTES, NO_GUIDANCE);
      for (int i = 0; i < 3; i++) {
        dispatcher.submit(Alerts.spike(Alerts.id(650 + i), "actor-" + i, 0));
      }
      awaitRequests(first, 1);
      awaitRequests(second, 1);

      // Each destination: one page being sent, two queued.
      Thread.currentThread().interrupt();
      Map<String, Integer> notDelivered = dispatcher.close(Duration.ofSeconds(20));
      assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();

      assertThat(notDelivered).containsExactly(entry("close-first", 3), entry("close-second", 3));
      assertThat(deliveryThreads()).as("no destination's thread outlives close").isEmpty();
      // The page cut off while being sent counts as given up, the queued ones as dropped.
      assertThat(dispatcher.stats().destinations().values())
          .extracting(NotifyStats.DestinationStats::gaveUp, NotifyStats.DestinationStats::dropped)
          .containsExactly(tuple(1L, 2L), tuple(1L, 2L));
      assertThat(dispatcher.close(Duration.ofSeconds(20))).isEmpty();
    }
  }

  @Test
  void concurrentClosesStopOnceAndCountOnce() throws Exception {
    try (Receiver receiver = Receiver.pagerDuty().slow(30_000)) {
      AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("close-twice", slowPagerDuty(receiver))),
              ENV,
              NO_RULE_ROUTES,
              NO_GUIDANCE);
      for (int i = 0; i < 3; i++) {
        dispatcher.submit(Alerts.spike(Alerts.id(660 + i), "actor-" + i, 0));
      }
      awaitRequests(receiver, 1);

      // Both wait for delivery at once; only one may stop the threads and count.
      List<Map<String, Integer>> answers = new CopyOnWriteArrayList<>();
      Thread other = new Thread(() -> answers.add(dispatcher.close(Duration.ofSeconds(1))));
      other.start();
      answers.add(dispatcher.close(Duration.ofSeconds(1)));
      other.join(30_000);

      assertThat(answers).containsExactlyInAnyOrder(Map.of("close-twice", 3), Map.of());
      NotifyStats.DestinationStats stats = dispatcher.stats().destinations().get("close-twice");
      assertThat(stats.gaveUp()).isEqualTo(1);
      assertThat(stats.dropped()).isEqualTo(2);
      assertThat(deliveryThreads()).isEmpty();
    }
  }

  /** A PagerDuty destination whose one request outlasts the test's closes. */
  private static Map<String, Object> slowPagerDuty(Receiver receiver) {
    Map<String, Object> destination = pagerDuty(receiver.uri("/"));
    destination.put("retry", Map.of("request_timeout", "60s", "give_up_after", "5m"));
    return destination;
  }

  private static void awaitRequests(Receiver receiver, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (receiver.requests().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(receiver.requests()).hasSizeGreaterThanOrEqualTo(count);
  }

  /** The live delivery threads of this class's close tests' destinations. */
  private static List<String> deliveryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("vigil-notify-close-"))
        .toList();
  }

  @Test
  void routesBySeverityDetectionAndTheRulesNotify() throws IOException {
    try (Receiver pager = Receiver.pagerDuty();
        Receiver audit = Receiver.pagerDuty();
        Receiver team = Receiver.pagerDuty()) {
      Map<String, Object> pagerDestination = pagerDuty(pager.uri("/"));
      pagerDestination.put("min_severity", "high");
      pagerDestination.put("detections", Map.of("exclude", List.of("policy_change")));
      Map<String, Object> auditDestination = pagerDuty(audit.uri("/"));
      auditDestination.put("detections", Map.of("include", List.of("policy_change")));
      Map<String, Object> teamDestination = pagerDuty(team.uri("/"));
      teamDestination.put("default_route", false);
      Map<String, Object> destinations = new LinkedHashMap<>();
      destinations.put("pager", pagerDestination);
      destinations.put("audit", auditDestination);
      destinations.put("team", teamDestination);
      Function<String, List<String>> ruleNotify =
          ruleId -> ruleId.equals("rule-team") ? List.of("team", "no-such-destination") : List.of();
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(config(destinations), ENV, ruleNotify, NO_GUIDANCE)) {
        Map<String, String> group = Map.of("actor.id", "x");
        dispatcher.submit(
            Alerts.alert(Alerts.id(1), "rule-a", "critical", "root_token_use", group, Alerts.T0));
        dispatcher.submit(
            Alerts.alert(Alerts.id(2), "rule-b", "medium", "mass_secret_reads", group, Alerts.T0));
        dispatcher.submit(
            Alerts.alert(Alerts.id(3), "rule-c", "critical", "policy_change", group, Alerts.T0));
        dispatcher.submit(
            Alerts.alert(Alerts.id(4), "rule-team", "low", "custom_rule", group, Alerts.T0));
        dispatcher.submit(
            Alerts.alert(Alerts.id(5), "rule-d", "low", "custom_rule", group, Alerts.T0));
        dispatcher.flush(FLUSH);
        assertThat(dispatcher.stats().unrouted()).isEqualTo(2);
      }
      assertThat(bodies(pager))
          .extracting(b -> b.get("dedup_key").asText())
          .containsExactly(Alerts.id(1));
      assertThat(bodies(audit))
          .extracting(b -> b.get("dedup_key").asText())
          .containsExactly(Alerts.id(3));
      assertThat(bodies(team))
          .extracting(b -> b.get("dedup_key").asText())
          .containsExactly(Alerts.id(4));
    }
  }

  @Test
  void webhookIsSignedOverTheExactBodyAndCarriesTheAlertDocument() throws IOException {
    try (Receiver receiver = new Receiver(204, "")) {
      Map<String, Object> webhook = pagerDuty(receiver.uri("/hooks/vigil"));
      webhook.remove("routing_key_env");
      webhook.put("type", "webhook");
      webhook.put("hmac_key_env", "VIGIL_WEBHOOK_KEY");
      Alert alert = Alerts.spike(Alerts.id(7), "alice", 0);
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("siem", webhook)), ENV, NO_RULE_ROUTES, NO_GUIDANCE)) {
        dispatcher.submit(alert);
        dispatcher.submit(Alerts.spike(Alerts.id(8), "alice", 30));
        dispatcher.flush(FLUSH);
      }
      List<Receiver.Request> requests = receiver.requests();
      assertThat(requests).hasSize(2);
      byte[] key = HMAC_KEY.getBytes(StandardCharsets.UTF_8);
      for (Receiver.Request request : requests) {
        String timestamp = request.headers().getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String signature = request.headers().getFirst(WebhookSignature.SIGNATURE_HEADER);
        assertThat(signature).matches("sha256=[0-9a-f]{64}");
        assertThat(
                WebhookSignature.verify(
                    key,
                    timestamp,
                    signature,
                    request.body(),
                    Instant.now(),
                    Duration.ofMinutes(5)))
            .isTrue();
        byte[] altered =
            request.text().replace("alice", "mallory").getBytes(StandardCharsets.UTF_8);
        assertThat(
                WebhookSignature.verify(
                    key, timestamp, signature, altered, Instant.now(), Duration.ofMinutes(5)))
            .isFalse();
        assertThat(request.headers().getFirst("X-Vigil-Alert-Id")).isEqualTo(alert.alertId());
        assertThat(request.text()).doesNotContain(HMAC_KEY);
      }
      JsonNode trigger = MAPPER.readTree(requests.get(0).body());
      assertThat(trigger.get("type").asText()).isEqualTo("alert");
      assertThat(trigger.get("alert")).isEqualTo(MAPPER.readTree(AlertJson.toJson(alert)));
      assertThat(trigger.get("alert_url").asText()).endsWith(alert.alertId());
      JsonNode update = MAPPER.readTree(requests.get(1).body());
      assertThat(update.get("type").asText()).isEqualTo("alert_group_update");
      assertThat(requests.get(1).headers().getFirst("X-Vigil-Event"))
          .isEqualTo("alert_group_update");
      assertThat(update.at("/grouping/alert_count").asInt()).isEqualTo(2);
    }
  }

  @Test
  void slackMessageIsConciseBlockKitWithEscapedValues() throws IOException {
    try (Receiver receiver = new Receiver(200, "ok")) {
      String webhookUrl = receiver.uri("/services/T000/B000/XXXXSECRETXXXX").toString();
      Map<String, Object> slack = new LinkedHashMap<>();
      slack.put("type", "slack");
      slack.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      Function<String, String> env = Map.of("VIGIL_SLACK_WEBHOOK_URL", webhookUrl)::get;
      Alert alert =
          Alerts.alert(
              Alerts.id(9),
              "rule-root",
              "critical",
              "root_token_use",
              Map.of("actor.id", "<!channel>"),
              Alerts.T0);
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("secops", slack)), env, NO_RULE_ROUTES, NO_GUIDANCE)) {
        dispatcher.submit(alert);
        dispatcher.flush(FLUSH);
      }
      List<Receiver.Request> requests = receiver.requests();
      assertThat(requests).hasSize(1);
      assertThat(requests.get(0).path()).isEqualTo("/services/T000/B000/XXXXSECRETXXXX");
      JsonNode message = MAPPER.readTree(requests.get(0).body());
      assertThat(message.get("text").asText())
          .isEqualTo("[CRITICAL] " + alert.summary().replace("<!channel>", "&lt;!channel&gt;"));
      JsonNode blocks = message.get("blocks");
      assertThat(blocks)
          .extracting(b -> b.get("type").asText())
          .containsExactly("header", "section", "section", "context");
      assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("plain_text");
      assertThat(blocks.get(0).at("/text/text").asText())
          .isEqualTo("CRITICAL · Denied access spike");
      assertThat(blocks.get(0).at("/text/text").asText().length()).isLessThanOrEqualTo(150);
      assertThat(blocks.get(1).at("/text/text").asText())
          .isEqualTo(
              alert
                  .summary()
                  .substring("Denied access spike: ".length())
                  .replace("<!channel>", "&lt;!channel&gt;"));
      List<String> fields = new ArrayList<>();
      blocks.get(2).get("fields").forEach(f -> fields.add(f.get("text").asText()));
      assertThat(fields)
          .hasSizeLessThanOrEqualTo(10)
          .contains(
              "*Severity*\ncritical",
              "*Who / what*\nactor.id=&lt;!channel&gt;",
              "*Where*\nVAULT",
              "*Count*\n12 events");
      assertThat(blocks.get(3).at("/elements/0/text").asText())
          .contains(
              "<https://search.example.com/vigil-alerts/_search?q=alert_id:"
                  + alert.alertId()
                  + "|Open alert>");
      assertThat(requests.get(0).text()).doesNotContain("<!channel>");
    }
  }

  /**
   * A page for a rule with guidance carries exactly its description, false positives and references
   * (PagerDuty's custom_details, the webhook's envelope, Slack's small print); a page for a rule
   * without carries none of them, and the webhook's alert document is the same either way.
   */
  @Test
  void pagesCarryTheFiringRulesGuidanceAndNoneForARuleWithout() throws IOException {
    RuleGuidance guidance =
        new RuleGuidance(
            "Ten refusals & more within 5 minutes.",
            List.of("A workload retrying", "An actor named <!channel>"),
            List.of("https://runbooks.example/vigil?rule=spike&team=sec", "Wiki: <Vault access>"));
    Function<String, RuleGuidance> ruleGuidance = Map.of("rule-guided", guidance)::get;
    Alert guided =
        Alerts.alert(
            Alerts.id(11), "rule-guided", "high", "spike", Map.of("actor.id", "alice"), Alerts.T0);
    Alert bare =
        Alerts.alert(
            Alerts.id(12), "rule-bare", "high", "spike", Map.of("actor.id", "bob"), Alerts.T0);
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver hook = new Receiver(204, "");
        Receiver slack = new Receiver(200, "ok")) {
      Map<String, Object> webhook = pagerDuty(hook.uri("/hooks/vigil"));
      webhook.remove("routing_key_env");
      webhook.put("type", "webhook");
      webhook.put("hmac_key_env", "VIGIL_WEBHOOK_KEY");
      Map<String, Object> chat = new LinkedHashMap<>();
      chat.put("type", "slack");
      chat.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      Map<String, String> env =
          Map.of(
              "VIGIL_PD_ROUTING_KEY", ROUTING_KEY,
              "VIGIL_WEBHOOK_KEY", HMAC_KEY,
              "VIGIL_SLACK_WEBHOOK_URL", slack.uri("/services/T1/B1/X").toString());
      Map<String, Object> destinations = new LinkedHashMap<>();
      destinations.put("oncall", pagerDuty(pagerDuty.uri("/v2/enqueue")));
      destinations.put("siem", webhook);
      destinations.put("secops", chat);
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(config(destinations), env::get, NO_RULE_ROUTES, ruleGuidance)) {
        dispatcher.submit(guided);
        dispatcher.submit(bare);
        assertThat(dispatcher.flush(FLUSH)).isTrue();
      }

      List<JsonNode> pages = bodies(pagerDuty);
      assertThat(pages).hasSize(2);
      pages.forEach(page -> assertThat(PagerDutyContract.violations(page)).isEmpty());
      JsonNode guidedDetails = pages.get(0).at("/payload/custom_details");
      JsonNode bareDetails = pages.get(1).at("/payload/custom_details");
      assertThat(guidedDetails.get("rule_id").asText()).isEqualTo("rule-guided");
      assertThat(guidedDetails.get("rule_description").asText())
          .isEqualTo("Ten refusals & more within 5 minutes.");
      assertThat(guidedDetails.get("rule_falsepositives"))
          .isEqualTo(MAPPER.readTree("[\"A workload retrying\", \"An actor named <!channel>\"]"));
      assertThat(guidedDetails.get("rule_references"))
          .isEqualTo(
              MAPPER.readTree(
                  "[\"https://runbooks.example/vigil?rule=spike&team=sec\","
                      + " \"Wiki: <Vault access>\"]"));
      List<String> guidedFields = new ArrayList<>();
      guidedDetails.fieldNames().forEachRemaining(guidedFields::add);
      List<String> bareFields = new ArrayList<>();
      bareDetails.fieldNames().forEachRemaining(bareFields::add);
      assertThat(bareFields)
          .doesNotContain("rule_description", "rule_falsepositives", "rule_references");
      guidedFields.removeAll(bareFields);
      assertThat(guidedFields)
          .containsExactly("rule_description", "rule_falsepositives", "rule_references");

      List<JsonNode> calls = bodies(hook);
      assertThat(calls).hasSize(2);
      assertThat(calls.get(0).get("rule"))
          .isEqualTo(
              MAPPER.readTree(
                  "{\"description\": \"Ten refusals & more within 5 minutes.\","
                      + " \"falsepositives\": [\"A workload retrying\","
                      + " \"An actor named <!channel>\"],"
                      + " \"references\": [\"https://runbooks.example/vigil?rule=spike&team=sec\","
                      + " \"Wiki: <Vault access>\"]}"));
      assertThat(calls.get(1).has("rule")).isFalse();
      assertThat(calls.get(0).get("alert")).isEqualTo(MAPPER.readTree(AlertJson.toJson(guided)));
      assertThat(calls.get(1).get("alert")).isEqualTo(MAPPER.readTree(AlertJson.toJson(bare)));

      List<JsonNode> messages = bodies(slack);
      assertThat(messages).hasSize(2);
      JsonNode guidedBlocks = messages.get(0).get("blocks");
      assertThat(guidedBlocks)
          .extracting(b -> b.get("type").asText())
          .containsExactly(
              "header", "section", "section", "context", "context", "context", "context");
      assertThat(guidedBlocks)
          .extracting(b -> b.at("/elements/0/text").asText())
          .containsSubsequence(
              "Ten refusals &amp; more within 5 minutes.",
              "*Known false positives:* A workload retrying; An actor named &lt;!channel&gt;",
              "*References:* <https://runbooks.example/vigil?rule=spike&team=sec>"
                  + " · Wiki: &lt;Vault access&gt;");
      assertThat(guidedBlocks.get(6).at("/elements/0/text").asText()).startsWith("Rule spike ·");
      assertThat(messages.get(0).toString()).doesNotContain("<!channel>");
      assertThat(messages.get(1).get("blocks"))
          .extracting(b -> b.get("type").asText())
          .containsExactly("header", "section", "section", "context");
    }
  }

  @Test
  void slackCountsOneEventInTheSingular() throws IOException {
    try (Receiver receiver = new Receiver(200, "ok")) {
      Map<String, Object> slack = new LinkedHashMap<>();
      slack.put("type", "slack");
      slack.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      Function<String, String> env =
          Map.of("VIGIL_SLACK_WEBHOOK_URL", receiver.uri("/services/T1/B1/X").toString())::get;
      Alert spike =
          Alerts.alert(
              Alerts.id(10),
              "rule-root",
              "critical",
              "root_token_use",
              Map.of("actor.id", "root"),
              Alerts.T0);
      Alert single =
          new Alert(
              spike.alertId(),
              spike.ruleId(),
              spike.ruleName(),
              "Root credential used",
              spike.ruleVersion(),
              spike.ruleAuthor(),
              spike.detection(),
              spike.severity(),
              spike.time(),
              spike.time(),
              spike.time(),
              spike.group(),
              spike.sources(),
              List.of("ev-1:request"),
              1,
              "Root credential used: root (root) update on sys/policies/acl/ops from 10.20.0.5",
              spike.tags());
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              config(Map.of("secops", slack)), env, NO_RULE_ROUTES, NO_GUIDANCE)) {
        dispatcher.submit(single);
        dispatcher.flush(FLUSH);
      }
      JsonNode message = MAPPER.readTree(receiver.requests().get(0).body());
      List<String> fields = new ArrayList<>();
      message.at("/blocks/2/fields").forEach(f -> fields.add(f.get("text").asText()));
      assertThat(fields).contains("*Count*\n1 event");
    }
  }
}
