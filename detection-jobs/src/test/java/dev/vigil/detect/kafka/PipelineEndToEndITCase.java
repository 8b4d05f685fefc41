package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.notify.PagerDutyContract;
import dev.vigil.detect.notify.Receiver;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.model.Level;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleMeta;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * The whole pipeline on real components, as {@code vigil run} builds it from a vigil.yaml: raw
 * records of all four sources produced to their Kafka topics, the job on a MiniCluster, events,
 * alerts and dead letters searched back in a real OpenSearch, and pages at a local HTTP receiver
 * standing in for PagerDuty that checks every request against the Events API v2 contract. The
 * expectation is the bounded file run over the same records: the same events, the same alert ids,
 * and exactly one incident per alert.
 */
@RealKafka
class PipelineEndToEndITCase {

  static final String ROUTING_KEY = "e2e-routing-key-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  /** The built-in pack's rules by id: what the job loads without {@code rules:}. */
  private static final Map<String, RuleMeta> BUILT_IN_RULES = builtInRules();

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void rawRecordsReachOpenSearchAndPageOncePerAlert(KafkaEndpoint kafka) throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    try (OwnOpenSearch.Launching launching = OwnOpenSearch.launchInBackground();
        Receiver pagerDuty = Receiver.pagerDuty()) {
      RawTopicsFixture.Expected expected = RawTopicsFixture.expected(dir);
      OwnOpenSearch openSearch = launching.get();
      VigilConfig config = config(fixture, openSearch, pagerDuty, dir);
      try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
        int bad = fixture.produceCorpusAndBadRecords();
        awaitCount(
            () -> openSearch.count("vigil-events-*"),
            expectedEventDocuments(expected).size(),
            Duration.ofMinutes(2));
        awaitCount(
            () -> openSearch.count("vigil-deadletters-*"),
            expected.deadLetters() + bad,
            Duration.ofMinutes(1));

        // Every record is in; move event time past every window.
        fixture.producePushers();
        awaitCount(
            () -> openSearch.count("vigil-alerts-*"),
            expected.alertIds().size(),
            Duration.ofMinutes(2));
        awaitCount(
            () -> (long) pagerDuty.requests().size(),
            expected.alertIds().size(),
            Duration.ofMinutes(1));
        // A little longer: a duplicate document or page would arrive now.
        Thread.sleep(3_000);

        assertEvents(openSearch, expected, fixture);
        assertDeadLetters(openSearch, expected.deadLetters() + bad, fixture);
        assertAlerts(openSearch, expected);
        assertOneIncidentPerAlert(pagerDuty, expected, openSearch);
      }
    }
  }

  /**
   * vigil.yaml: the fixture's topics, the node's URL, one PagerDuty destination at the receiver.
   */
  static VigilConfig config(
      RawTopicsFixture fixture, OwnOpenSearch openSearch, Receiver pagerDuty, Path dir)
      throws IOException {
    Files.writeString(dir.resolve("pd-routing-key"), ROUTING_KEY + "\n");
    String sections =
        """
        opensearch:
          url: %1$s
          index: {replicas: 0}
          bulk: {flush_interval: 200ms, initial_backoff: 100ms, max_backoff: 2s, give_up_after: 0s}
        notify:
          alert_url: "%1$s/vigil-alerts-*/_search?q=alert_id:{alert_id}"
          grouping: {enabled: false}
          destinations:
            oncall:
              type: pagerduty
              url: %2$s
              routing_key_file: pd-routing-key
              rate_limit: {per_minute: 100000, burst: 1000}
        """
            .formatted(openSearch.url(), pagerDuty.uri("/v2/enqueue"));
    return fixture.config(
        dir, "interval: 1s\ntimeout: 1m\nstorage: " + dir.resolve("cp"), "exactly_once", sections);
  }

  /** {@code index/id} of every event document the file run's events make. */
  static Set<String> expectedEventDocuments(RawTopicsFixture.Expected expected) throws IOException {
    IndexContract contract = IndexContract.builtIn();
    Set<String> documents = new HashSet<>();
    for (String line : expected.eventJson()) {
      AuditEvent event = EventJson.readEvent(line);
      documents.add(contract.eventIndex(event) + "/" + event.getEventId());
    }
    return documents;
  }

  static void assertEvents(
      OwnOpenSearch openSearch, RawTopicsFixture.Expected expected, RawTopicsFixture fixture)
      throws IOException {
    List<Hit<ObjectNode>> hits = openSearch.all("vigil-events-*");
    List<Hit<ObjectNode>> pushers =
        hits.stream().filter(h -> h.id().startsWith(RawTopicsFixture.PUSHER_ID_PREFIX)).toList();
    assertThat(pushers).hasSize(RawTopicsFixture.PARTITIONS);
    List<Hit<ObjectNode>> events =
        hits.stream().filter(h -> !h.id().startsWith(RawTopicsFixture.PUSHER_ID_PREFIX)).toList();
    // Each event once: as many documents as the file run's events make, no other, none twice.
    List<String> documents = events.stream().map(h -> h.index() + "/" + h.id()).toList();
    assertThat(documents).doesNotHaveDuplicates();
    assertThat(Set.copyOf(documents)).isEqualTo(expectedEventDocuments(expected));
    assertThat(events.stream().map(h -> h.source().path("event_id").asText()))
        .containsExactlyInAnyOrderElementsOf(events.stream().map(Hit::id).toList());
    assertThat(events.stream().map(Hit::id).collect(Collectors.toSet()))
        .isEqualTo(expected.eventIds());

    // Field by field as the file run wrote them, but for where each record came from. Sanitized
    // samples reuse an event_id for different records; those ids keep whichever came last.
    Map<String, List<JsonNode>> fileRun = new HashMap<>();
    for (String line : expected.eventJson()) {
      JsonNode event = JSON.readTree(line);
      fileRun.computeIfAbsent(event.path("event_id").asText(), id -> new ArrayList<>()).add(event);
    }
    for (Hit<ObjectNode> hit : events) {
      ObjectNode indexed = hit.source().deepCopy();
      assertThat(indexed.remove("origin").asText()).startsWith("kafka:" + fixture.prefix + ".raw.");
      List<JsonNode> candidates = new ArrayList<>();
      for (JsonNode event : fileRun.get(hit.id())) {
        ObjectNode fromFile = event.deepCopy();
        fromFile.remove("origin");
        candidates.add(fromFile);
      }
      assertThat(candidates).as("event %s", hit.id()).contains(indexed);
    }
  }

  static void assertDeadLetters(OwnOpenSearch openSearch, int count, RawTopicsFixture fixture)
      throws IOException {
    List<Hit<ObjectNode>> deadLetters = openSearch.all("vigil-deadletters-*");
    assertThat(deadLetters).hasSize(count);
    assertThat(deadLetters.stream().map(h -> h.source().path("origin").asText()).distinct())
        .hasSize(count)
        .allSatisfy(origin -> assertThat(origin).startsWith("kafka:" + fixture.prefix + ".raw."));
    assertThat(deadLetters.stream().map(h -> h.source().path("reason").asText()))
        .contains("MALFORMED_JSON", "INVALID_UTF8");
  }

  static void assertAlerts(OwnOpenSearch openSearch, RawTopicsFixture.Expected expected)
      throws IOException {
    List<Hit<ObjectNode>> hits = openSearch.all("vigil-alerts-*");
    assertThat(hits.stream().map(Hit::id).sorted().toList())
        .doesNotHaveDuplicates()
        .isEqualTo(expected.alertIds());
    Map<String, JsonNode> fileRun = new HashMap<>();
    for (String line : expected.alertJson()) {
      JsonNode alert = JSON.readTree(line);
      fileRun.put(alert.path("alert_id").asText(), alert);
    }
    IndexContract contract = IndexContract.builtIn();
    for (Hit<ObjectNode> hit : hits) {
      JsonNode fromFile = fileRun.get(hit.id());
      assertThat(hit.index())
          .isEqualTo(contract.alertIndex(Instant.parse(fromFile.path("time").asText())));
      // The events behind an alert are the same, but where a request and its response are both
      // events, which of the two an alert names depends on which arrived first; and where
      // sanitized samples reuse an event id for different records, the summary tells of
      // whichever of them came first.
      ObjectNode indexed = hit.source().deepCopy();
      ObjectNode fileAlert = fromFile.deepCopy();
      // The alerts index's own fields: severity in order, and when the sink wrote the alert.
      assertThat(indexed.remove("severity_rank").asInt())
          .isEqualTo(Level.parse(fileAlert.path("severity").asText()).rank());
      assertThat(Instant.parse(indexed.remove("indexed_at").asText()))
          .isAfter(Instant.now().minus(Duration.ofHours(1)));
      JsonNode eventIds = indexed.remove("event_ids");
      assertThat(eventIds.size()).isEqualTo(fileAlert.remove("event_ids").size());
      eventIds.forEach(id -> assertThat(expected.eventIds()).contains(id.asText()));
      assertThat(indexed.remove("summary").asText()).isNotBlank();
      fileAlert.remove("summary");
      // A single-event alert's group is its event's actor, so it too tells of whichever record
      // with that event id came first.
      if (fileAlert.path("event_count").asLong() == 1
          && fileAlert.path("window_start").equals(fileAlert.path("window_end"))) {
        assertThat(indexed.remove("group").isObject()).isTrue();
        fileAlert.remove("group");
      }
      assertThat(indexed).as("alert %s", hit.id()).isEqualTo(fileAlert);
    }
  }

  /**
   * One {@code trigger} per alert, {@code dedup_key} = {@code alert_id}, every field by the Events
   * API v2 contract and by the alert it pages for.
   */
  static void assertOneIncidentPerAlert(
      Receiver pagerDuty, RawTopicsFixture.Expected expected, OwnOpenSearch openSearch)
      throws IOException {
    // A page tells what the alert in OpenSearch tells.
    Map<String, Alert> alerts =
        openSearch.all("vigil-alerts-*").stream()
            .map(hit -> AlertJson.read(hit.source().toString()))
            .collect(Collectors.toMap(Alert::alertId, Function.identity()));
    Map<String, Integer> triggersPerKey = new TreeMap<>();
    for (Receiver.Request request : pagerDuty.requests()) {
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/v2/enqueue");
      assertThat(request.headers().getFirst("Content-Type")).startsWith("application/json");
      JsonNode event = JSON.readTree(request.body());
      assertThat(PagerDutyContract.violations(event)).as(request.text()).isEmpty();
      String dedupKey = event.path("dedup_key").asText();
      triggersPerKey.merge(dedupKey, 1, Integer::sum);
      Alert alert = alerts.get(dedupKey);
      assertThat(alert).as("dedup_key %s is an alert id of the file run", dedupKey).isNotNull();
      assertPageFor(event, alert, expected.eventIds(), openSearch);
    }
    assertThat(triggersPerKey.keySet()).containsExactlyElementsOf(expected.alertIds());
    assertThat(triggersPerKey.values()).containsOnly(1);
  }

  static void assertPageFor(
      JsonNode event, Alert alert, Set<String> knownEventIds, OwnOpenSearch openSearch) {
    String link = openSearch.url() + "/vigil-alerts-*/_search?q=alert_id:" + alert.alertId();
    assertThat(event.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
    assertThat(event.path("event_action").asText()).isEqualTo("trigger");
    assertThat(event.path("client").asText()).isEqualTo("Vigil");
    assertThat(event.path("client_url").asText()).isEqualTo(link);
    assertThat(event.path("links").get(0).path("href").asText()).isEqualTo(link);

    JsonNode payload = event.path("payload");
    assertThat(payload.path("summary").asText()).isEqualTo(alert.summary());
    assertThat(payload.path("source").asText())
        .isEqualTo(String.join(",", alert.sources()).toLowerCase(Locale.ROOT));
    assertThat(payload.path("severity").asText()).isEqualTo(pagerDutySeverity(alert.severity()));
    assertThat(payload.path("timestamp").asText()).isEqualTo(alert.time().toString());
    assertThat(payload.path("component").asText())
        .isEqualTo(alert.ruleName() != null ? alert.ruleName() : alert.ruleId());
    assertThat(payload.path("class").asText()).isEqualTo(alert.detection());
    String groupText =
        new TreeMap<>(alert.group())
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    if (groupText.isEmpty()) {
      assertThat(payload.has("group")).as("no empty group").isFalse();
    } else {
      assertThat(payload.path("group").asText()).isEqualTo(groupText);
    }

    JsonNode details = payload.path("custom_details");
    assertThat(details.path("alert_id").asText()).isEqualTo(alert.alertId());
    assertThat(details.path("summary").asText()).isEqualTo(alert.summary());
    assertThat(details.path("detection").asText()).isEqualTo(alert.detection());
    assertThat(details.path("severity").asText()).isEqualTo(alert.severity());
    assertThat(details.path("rule_id").asText()).isEqualTo(alert.ruleId());
    assertThat(details.path("rule_title").asText()).isEqualTo(alert.ruleTitle());
    assertThat(details.path("rule_version").asInt()).isEqualTo(alert.ruleVersion());
    assertThat(details.path("alert_count").asInt()).isEqualTo(1);
    assertThat(details.path("event_count").asLong()).isEqualTo(alert.eventCount());
    assertThat(details.path("window_start").asText()).isEqualTo(alert.windowStart().toString());
    assertThat(details.path("window_end").asText()).isEqualTo(alert.windowEnd().toString());
    assertThat(details.path("alert_url").asText()).isEqualTo(link);
    Map<String, String> group = new HashMap<>();
    details
        .path("group")
        .fields()
        .forEachRemaining(e -> group.put(e.getKey(), e.getValue().asText()));
    assertThat(group).isEqualTo(alert.group());
    List<String> eventIds = new ArrayList<>();
    details.path("event_ids").forEach(id -> eventIds.add(id.asText()));
    assertThat(eventIds).hasSize(Math.min(alert.eventIds().size(), 20)).isSubsetOf(knownEventIds);
    // The rule's guidance, from the pack the job loaded (the built-in one).
    RuleMeta rule = BUILT_IN_RULES.get(alert.ruleId());
    assertThat(details.path("rule_description").asText()).isEqualTo(rule.description().strip());
    assertThat(details.has("rule_falsepositives")).isEqualTo(!rule.falsepositives().isEmpty());
    // Never a raw record: nothing in the page but the alert's own fields and its rule's guidance.
    assertThat(event.toString()).doesNotContain("\"raw\"");
  }

  private static Map<String, RuleMeta> builtInRules() {
    try {
      return RulePack.builtIn().files().stream()
          .flatMap(file -> file.documents().stream())
          .collect(Collectors.toMap(RuleDocument::id, RuleDocument::meta));
    } catch (RuleException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PagerDuty's severities, as its Events API v2 defines them, for Vigil's levels. */
  static String pagerDutySeverity(String level) {
    return switch (level) {
      case "critical" -> "critical";
      case "high" -> "error";
      case "medium" -> "warning";
      default -> "info";
    };
  }

  /** Polls until {@code count} reaches {@code expected} or the timeout passes. */
  static void awaitCount(Callable<Long> count, long expected, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    long seen = -1;
    while (true) {
      try {
        seen = count.call();
      } catch (IOException e) {
        // A node just restarted answers 503 ("all shards failed") until its shards are allocated
        // again: not yet, unless the time is up.
        if (!Instant.now().isBefore(deadline)) {
          throw e;
        }
      }
      if (seen >= expected || !Instant.now().isBefore(deadline)) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(seen).as("count after waiting up to %s", timeout).isGreaterThanOrEqualTo(expected);
  }
}
