package dev.vigil.cli;

import static dev.vigil.cli.SamplesDemo.section;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealKafka;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil demo --stack} on a real Kafka broker and OpenSearch node: the samples go through
 * Kafka, the job, OpenSearch and the pager, and what arrives is checked where it arrived (the
 * demo's own topics and indices, the receiver's payloads), against the embedded demo's alerts; and
 * that none of it is where a real run, retention or a report would read it.
 */
@RealKafka
@RealOpenSearch
class StackDemoITCase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path outDir;
  private static String kafka;
  private static String openSearch;
  private static CliRun.Result demo;

  /**
   * The test JVM's one OpenSearch node is shared with the other classes, some of which create
   * {@code vigil-*} indices of their own (the retention test makes this month's secret index before
   * any template exists): this class starts and leaves the demo's indices and the real ones empty.
   */
  private static final String VIGIL_INDICES =
      "/vigil-events-*,vigil-alerts-*,vigil-deadletters-*,vigil-demo-*";

  @BeforeAll
  static void runDemo(KafkaEndpoint kafkaEndpoint, OpenSearchEndpoint openSearchEndpoint)
      throws Exception {
    kafka = kafkaEndpoint.bootstrapServers();
    openSearch = openSearchEndpoint.url().toString();
    delete(VIGIL_INDICES);
    demo = runOnStack(outDir);
  }

  @AfterAll
  static void removeTheIndices() throws Exception {
    delete(VIGIL_INDICES);
  }

  @Test
  void indexesEveryEventAndAlertOfTheSamplesAndSaysSo() throws Exception {
    assertThat(demo.exitCode()).as(demo.stderr()).isZero();
    assertThat(demo.stdoutLines().get(1)).isEqualTo(SamplesDemo.TOTALS_LINE);
    assertThat(section(demo.stdoutLines(), "In OpenSearch at " + openSearch))
        .containsExactly(
            "  vigil-demo-events       322 of the run's 322 events (by event_id)",
            "  vigil-demo-alerts       15 of its 15 alerts (by alert_id)",
            "  vigil-demo-deadletters  2 of its 2 dead letters (by origin)");

    post("/vigil-demo-*/_refresh", "");
    List<JsonNode> alerts =
        search("vigil-demo-alerts", "{\"size\":100,\"query\":{\"match_all\":{}}}");
    assertThat(SamplesDemo.byDetection(alerts))
        .containsExactlyInAnyOrderEntriesOf(SamplesDemo.ALERTS_BY_DETECTION);

    JsonNode events =
        JSON.readTree(
            post(
                "/vigil-demo-events/_search",
                "{\"size\":0,\"track_total_hits\":true,\"query\":{\"prefix\":{\"origin\":"
                    + "\"kafka:vigil-demo.audit.raw.\"}},\"aggs\":{\"by_source\":{\"terms\":"
                    + "{\"field\":\"source\"}}}}"));
    assertThat(events.at("/hits/total/value").asLong()).isEqualTo(322);
    Map<String, Long> bySource = new TreeMap<>();
    events
        .at("/aggregations/by_source/buckets")
        .forEach(b -> bySource.put(b.path("key").asText(), b.path("doc_count").asLong()));
    assertThat(bySource)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("AWS_CLOUDTRAIL", 33L, "AZURE_MONITOR", 27L, "GCP_AUDIT", 24L, "VAULT", 238L));
    // Every event behind an alert is there, with its raw record.
    Set<String> behindAlerts =
        alerts.stream()
            .flatMap(a -> stream(a.path("event_ids")).map(JsonNode::asText))
            .collect(Collectors.toSet());
    List<JsonNode> evidence =
        search(
            "vigil-demo-events",
            "{\"size\":1000,\"query\":{\"ids\":{\"values\":"
                + JSON.writeValueAsString(behindAlerts)
                + "}}}");
    assertThat(evidence).hasSize(behindAlerts.size());
    assertThat(evidence).allSatisfy(e -> assertThat(e.path("raw").asText()).isNotEmpty());

    List<JsonNode> deadLetters =
        search(
            "vigil-demo-deadletters",
            "{\"size\":10,\"query\":{\"prefix\":{\"origin\":\"kafka:vigil-demo.\"}}}");
    assertThat(deadLetters)
        .extracting(d -> d.path("reason").asText())
        .containsExactlyInAnyOrder("MALFORMED_JSON", "INVALID_TIME");
  }

  @Test
  void pagesEachAlertOnceWithItsIdAsTheDedupKey() throws Exception {
    assertThat(demo.exitCode()).as(demo.stderr()).isZero();
    List<JsonNode> pages = DemoReport.readLines(outDir.resolve(StackDemoScenario.PAGER_FILE));
    Map<String, JsonNode> alertsById = new HashMap<>();
    DemoReport.readLines(outDir.resolve("alerts"))
        .forEach(a -> alertsById.put(a.path("alert_id").asText(), a));
    assertThat(alertsById).hasSize(15);

    assertThat(pages).hasSize(15);
    assertThat(pages)
        .extracting(p -> p.path("dedup_key").asText())
        .containsExactlyInAnyOrderElementsOf(alertsById.keySet());
    Map<String, String> pagerSeverity =
        Map.of("critical", "critical", "high", "error", "medium", "warning", "low", "info");
    for (JsonNode page : pages) {
      JsonNode alert = alertsById.get(page.path("dedup_key").asText());
      assertThat(page.path("event_action").asText()).isEqualTo("trigger");
      assertThat(page.path("routing_key").asText()).isEqualTo("****");
      assertThat(page.at("/payload/summary").asText()).isEqualTo(alert.path("summary").asText());
      assertThat(page.at("/payload/severity").asText())
          .isEqualTo(pagerSeverity.get(alert.path("severity").asText()));
      assertThat(page.at("/payload/custom_details/alert_id").asText())
          .isEqualTo(alert.path("alert_id").asText());
      assertThat(page.at("/payload/custom_details/alert_url").asText())
          .isEqualTo(
              openSearch
                  + "/vigil-demo-alerts/_search?q=alert_id:"
                  + alert.path("alert_id").asText());
      // Never a raw record in a page.
      assertThat(page.toString()).doesNotContain("\"raw\"");
    }
    assertThat(
            section(
                demo.stdoutLines(), "Pager (a local PagerDuty Events API v2 receiver on loopback)"))
        .first()
        .asString()
        .startsWith("  15 incidents from 15 trigger events");
  }

  @Test
  void findsTheAlertsOfTheEmbeddedDemo() throws IOException {
    assertThat(demo.exitCode()).as(demo.stderr()).isZero();
    SamplesDemo.Run embedded = SamplesDemo.embedded();
    assertThat(embedded.result().exitCode()).as(embedded.result().stderr()).isZero();

    assertThat(alertIds(DemoReport.readLines(outDir.resolve("alerts"))))
        .isEqualTo(alertIds(DemoReport.readLines(embedded.outDir().resolve(Demo.ALERTS_FILE))));
  }

  @Test
  void aSecondRunReadsOnlyItsOwnRecordsAndOverwritesTheSameDocuments(@TempDir Path secondOut)
      throws Exception {
    assertThat(demo.exitCode()).as(demo.stderr()).isZero();
    CliRun.Result second = runOnStack(secondOut);

    assertThat(second.exitCode()).as(second.stderr()).isZero();
    assertThat(second.stdoutLines().get(1)).isEqualTo(demo.stdoutLines().get(1));
    post("/vigil-demo-*/_refresh", "");
    JsonNode count =
        JSON.readTree(post("/vigil-demo-alerts/_count", "{\"query\":{\"match_all\":{}}}"));
    assertThat(count.path("count").asLong()).isEqualTo(15);
    // The alert topic holds each alert once per run (read_committed), under the same ids.
    Map<String, Integer> published = alertIdsIn(StackDemoScenario.ALERTS_TOPIC);
    assertThat(published.keySet())
        .isEqualTo(alertIds(DemoReport.readLines(outDir.resolve("alerts"))));
    assertThat(published.values()).containsOnly(2);
  }

  @Test
  void writesNothingWhereARealRunRetentionOrAReportReads() throws Exception {
    assertThat(demo.exitCode()).as(demo.stderr()).isZero();
    Set<String> topics;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
      topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
    assertThat(topics)
        .contains(
            "vigil-demo.audit.raw.vault",
            "vigil-demo.audit.raw.cloudtrail",
            "vigil-demo.audit.raw.azure",
            "vigil-demo.audit.raw.gcp",
            "vigil-demo.audit.events",
            "vigil-demo.audit.deadletter",
            "vigil-demo.audit.alerts");
    // Other classes on this broker may use vigil run's default topics; none holds a demo alert.
    Set<String> demoAlerts = alertIds(DemoReport.readLines(outDir.resolve("alerts")));
    if (topics.contains("audit.alerts")) {
      assertThat(alertIdsIn("audit.alerts").keySet()).doesNotContainAnyElementsOf(demoAlerts);
    }
    // The default aliases and the dashboards' patterns hold none of the demo's documents.
    JsonNode real =
        JSON.readTree(
            post(
                "/vigil-events-*,vigil-alerts-*,vigil-deadletters-*/_count?ignore_unavailable=true"
                    + "&allow_no_indices=true",
                "{\"query\":{\"ids\":{\"values\":" + JSON.writeValueAsString(demoAlerts) + "}}}"));
    assertThat(real.path("count").asLong()).isZero();
    assertThat(section(demo.stdoutLines(), StackDemoReport.APART_TITLE).get(0))
        .isEqualTo(
            "  Kafka topics vigil-demo.audit.*, consumer group vigil-demo; OpenSearch indices"
                + " vigil-demo-*");

    // Retention lists vigil-* without the demo's indices: it neither counts nor judges them.
    CliRun.Result retention =
        new CliRun(SamplesDemo.ROOT, List.of())
            .execute("retention", "apply", "--dry-run", "--opensearch", openSearch);
    assertThat(retention.exitCode()).as(retention.stderr()).isZero();
    assertThat(retention.stdout()).doesNotContain("vigil-demo");
  }

  @Test
  void anUnreachableOpenSearchIsOneLineNamingIt(@TempDir Path elsewhere) {
    CliRun.Result result =
        new CliRun(SamplesDemo.ROOT, List.of())
            .execute(
                "demo",
                "--stack",
                "--kafka",
                kafka,
                "--opensearch",
                "http://127.0.0.1:1",
                "--out-dir",
                elsewhere.toString());

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines()).hasSize(1);
    assertThat(result.stderr()).startsWith("vigil demo: ").contains("http://127.0.0.1:1");
  }

  private static CliRun.Result runOnStack(Path out) {
    return new CliRun(SamplesDemo.ROOT, List.of())
        .execute(
            "demo",
            "--stack",
            "--kafka",
            kafka,
            "--opensearch",
            openSearch,
            "--out-dir",
            out.toString());
  }

  /** How often each alert id is in a topic, read_committed from its start to its end. */
  private static Map<String, Integer> alertIdsIn(String topic) throws Exception {
    Map<String, Object> settings =
        Map.of(
            "bootstrap.servers",
            kafka,
            "isolation.level",
            "read_committed",
            "enable.auto.commit",
            "false",
            "key.deserializer",
            StringDeserializer.class.getName(),
            "value.deserializer",
            StringDeserializer.class.getName());
    Map<String, Integer> ids = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading " + topic).isLessThan(deadline);
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
          ids.merge(JSON.readTree(record.value()).path("alert_id").asText(), 1, Integer::sum);
        }
      }
    }
    return ids;
  }

  private static Set<String> alertIds(List<JsonNode> alerts) {
    return alerts.stream().map(a -> a.path("alert_id").asText()).collect(Collectors.toSet());
  }

  private static List<JsonNode> search(String index, String body) throws Exception {
    JsonNode answer = JSON.readTree(post("/" + index + "/_search", body));
    return stream(answer.at("/hits/hits")).map(hit -> hit.path("_source")).toList();
  }

  private static void delete(String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(openSearch + path)).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isIn(200, 404);
  }

  private static String post(String path, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(openSearch + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false);
  }
}
