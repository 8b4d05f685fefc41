package dev.vigil.detect.opensearch;

import static dev.vigil.detect.opensearch.SinkFixture.CONTRACT;
import static dev.vigil.detect.opensearch.SinkFixture.bulk;
import static dev.vigil.detect.opensearch.SinkFixture.config;
import static dev.vigil.detect.opensearch.SinkFixture.count;
import static dev.vigil.detect.opensearch.SinkFixture.countTerm;
import static dev.vigil.detect.opensearch.SinkFixture.event;
import static dev.vigil.detect.opensearch.SinkFixture.writeAll;
import static dev.vigil.detect.opensearch.SinkFixture.writer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.BulkConfig;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.detect.job.AlertRecord;
import dev.vigil.detect.notify.NotifyConfig;
import dev.vigil.detect.notify.NotifySections;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.model.Level;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.GetResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.util.ObjectBuilder;

/** The sink against a real OpenSearch: corpus events of all four sources, alerts, dead letters. */
@RealOpenSearch
class OpenSearchSinkITCase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CORPUS =
      List.of(
          "vault/elastic_hashicorp_vault_test-audit.log",
          "vault/tallen-hashicorp_vault-tfc-jwt_audit.json",
          "cloudtrail/elastic_aws_cloudtrail_test-console-login-json.log",
          "cloudtrail/elastic_aws_cloudtrail_test-get-secret-value-json.log",
          "cloudtrail/panther_test_scenarios_cloudtrail.jsonl",
          "azure/elastic_azure_signinlogs_test-service-principal.log",
          "azure/msdocs_keyvault_AuditEvent_PT1H_jsonlines.json",
          "gcp/elastic_gcp_audit_test-audit.log",
          "gcp/elastic_gcp_audit_test-iamcredentials-googleapis-com.log");

  private static URI url;
  private static OpenSearchConnection connection;
  private static OpenSearchClient client;
  private static List<AuditEvent> corpusEvents;

  @BeforeAll
  static void setUp(OpenSearchEndpoint openSearch) throws IOException {
    url = openSearch.url();
    connection = OpenSearchConnection.open(OpenSearchConfig.local(url));
    client = connection.client();
    SinkFixture.installTemplates(client);
    Normalizer normalizer = Normalizer.create();
    corpusEvents = new ArrayList<>();
    for (String file : CORPUS) {
      corpusEvents.addAll(CorpusRun.normalize(CorpusRun.file(file), normalizer).events());
    }
  }

  @AfterAll
  static void tearDown() throws IOException {
    connection.close();
  }

  @Test
  void corpusEventsOfAllFourSourcesAreSearchableByTheirTypes() throws Exception {
    assertThat(corpusEvents).extracting(AuditEvent::getSource).contains(Source.values());

    try (OpenSearchSinkWriter<AuditEvent> writer =
        writer(config(url, bulk(25, 2, Duration.ofMinutes(1))), eventsMapper(), null)) {
      writeAll(writer, corpusEvents);
    }

    // Documents are keyed by index and event_id: sanitized samples reuse ids ("1"), and the
    // last event written under a key is the one stored.
    Map<String, AuditEvent> stored = new LinkedHashMap<>();
    corpusEvents.forEach(e -> stored.put(CONTRACT.eventIndex(e) + "/" + e.getEventId(), e));
    Map<String, Set<String>> expected = new HashMap<>();
    for (AuditEvent event : corpusEvents) {
      expected
          .computeIfAbsent(CONTRACT.eventIndex(event), i -> new HashSet<>())
          .add(event.getEventId());
    }
    for (Map.Entry<String, Set<String>> index : expected.entrySet()) {
      assertThat(count(client, index.getKey()))
          .as("documents in " + index.getKey())
          .isEqualTo(index.getValue().size());
    }
    assertThat(expected.keySet())
        .as("several retention classes")
        .anyMatch(i -> i.startsWith("vigil-events-secret-"))
        .anyMatch(i -> i.startsWith("vigil-events-auth-"))
        .anyMatch(i -> i.startsWith("vigil-events-access_failure-"));

    AuditEvent withActor =
        stored.values().stream()
            .filter(e -> e.getSource() == Source.AWS_CLOUDTRAIL && e.getActor().getId() != null)
            .findFirst()
            .orElseThrow();
    assertThat(
            hits(
                IndexContract.EVENTS_ALIAS,
                q ->
                    q.term(
                        t ->
                            t.field("actor.id")
                                .value(FieldValue.of(withActor.getActor().getId())))))
        .contains(withActor.getEventId());

    AuditEvent withIpv4 =
        stored.values().stream()
            .filter(e -> e.getSrc().getIp() != null && e.getSrc().getIp().matches("[0-9.]+"))
            .findFirst()
            .orElseThrow();
    String ip = withIpv4.getSrc().getIp();
    String network = ip.substring(0, ip.lastIndexOf('.')) + ".0/24";
    assertThat(
            hits(
                IndexContract.EVENTS_PATTERN,
                q -> q.term(t -> t.field("src.ip").value(FieldValue.of(network)))))
        .as("a CIDR term query only works on an ip field")
        .contains(withIpv4.getEventId());

    List<Instant> times = stored.values().stream().map(AuditEvent::getTime).sorted().toList();
    Instant from = times.get(times.size() / 4);
    Instant to = times.get(times.size() / 2);
    long inRange =
        stored.values().stream()
            .filter(e -> !e.getTime().isBefore(from) && !e.getTime().isAfter(to))
            .count();
    List<String> rangeHits =
        hits(
            IndexContract.EVENTS_PATTERN,
            q ->
                q.range(
                    r ->
                        r.field("time")
                            .gte(JsonData.of(from.toString()))
                            .lte(JsonData.of(to.toString()))));
    assertThat(rangeHits).as(from + ".." + to + " " + rangeHits).hasSize((int) inRange);

    GetResponse<ObjectNode> document =
        client.get(
            g -> g.index(CONTRACT.eventIndex(withActor)).id(withActor.getEventId()),
            ObjectNode.class);
    assertThat(document.source()).isNotNull();
    assertThat(document.source().path("raw").asText())
        .as("raw kept in _source, byte for byte")
        .isEqualTo(withActor.getRaw());
  }

  @Test
  void aReplayOverwritesInsteadOfAddingCopies() throws Exception {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add(event("replay-" + i, Instant.parse("2031-04-01T00:00:00Z").plusSeconds(i)));
    }
    String index = CONTRACT.eventIndex(events.get(0));
    BulkConfig bulk = bulk(15, 1, Duration.ofMinutes(1));

    try (OpenSearchSinkWriter<AuditEvent> first = writer(config(url, bulk), eventsMapper(), null)) {
      writeAll(first, events);
    }
    try (OpenSearchSinkWriter<AuditEvent> replay =
        writer(config(url, bulk), eventsMapper(), null)) {
      writeAll(replay, events);
    }

    assertThat(count(client, index)).isEqualTo(40);
    assertThat(client.get(g -> g.index(index).id("replay-7"), ObjectNode.class).version())
        .isEqualTo(2L);
  }

  @Test
  void documentsTheMappingRefusesBecomeDeadLettersAndTheRestIsIndexed() throws Exception {
    Instant time = Instant.parse("2031-05-02T10:00:00Z");
    AuditEvent good = event("conflict-good", time);
    AuditEvent badIp = event("conflict-bad-ip", time);
    badIp.getSrc().setIp("not-an-ip-7f3a9c");
    ObjectNode unknownField =
        (ObjectNode) JSON.readTree(EventJson.toJson(event("conflict-unknown-field", time)));
    unknownField.put("extra_field", "value-5d1e");
    String eventsIndex = CONTRACT.eventIndex(good);
    String deadLetterIndex = CONTRACT.deadLetterIndex(Instant.now());

    try (OpenSearchSinkWriter<AuditEvent> events =
        writer(config(url, bulk(10, 1, Duration.ofMinutes(1))), eventsMapper(), null)) {
      writeAll(events, List.of(good, badIp));
    }
    // A document the events mapper would never write, as an older or newer Vigil might.
    DocumentMapper<ObjectNode> asIs =
        tree ->
            new IndexDocument(
                eventsIndex,
                tree.get("event_id").asText(),
                tree.toString().getBytes(StandardCharsets.UTF_8),
                tree.get("origin").asText(),
                Source.valueOf(tree.get("source").asText()));
    try (OpenSearchSinkWriter<ObjectNode> trees =
        writer(config(url, bulk(10, 1, Duration.ofMinutes(1))), asIs, null)) {
      writeAll(trees, List.of(unknownField));
    }

    assertThat(count(client, eventsIndex)).isEqualTo(1);
    assertThat(countTerm(client, eventsIndex, "event_id", "conflict-good")).isEqualTo(1);

    Map<String, JsonNode> deadLetters = new HashMap<>();
    for (JsonNode letter :
        sources(
            deadLetterIndex,
            q -> q.term(t -> t.field("reason").value(FieldValue.of("INDEX_REJECTED"))))) {
      deadLetters.put(letter.path("origin").asText(), letter);
    }
    JsonNode ipLetter = deadLetters.get("test:conflict-bad-ip");
    assertThat(ipLetter).as("dead letter of the bad ip").isNotNull();
    assertThat(ipLetter.path("source_guess").asText()).isEqualTo("AWS_CLOUDTRAIL");
    assertThat(ipLetter.path("message").asText())
        .contains("conflict-bad-ip", eventsIndex, "mapper_parsing_exception", "[src.ip]")
        .doesNotContain("not-an-ip-7f3a9c");
    assertThat(EventJson.readEvent(ipLetter.path("raw").asText()))
        .as("the whole document kept")
        .isEqualTo(badIp);
    JsonNode fieldLetter = deadLetters.get("test:conflict-unknown-field");
    assertThat(fieldLetter).as("dead letter of the unknown field").isNotNull();
    assertThat(fieldLetter.path("message").asText())
        .contains("strict_dynamic_mapping_exception", "[extra_field]")
        .doesNotContain("value-5d1e");
    assertThat(JSON.readTree(fieldLetter.path("raw").asText())).isEqualTo(unknownField);
  }

  /**
   * A dead letter larger than the bulk's {@code max_bytes} (a {@code TOO_LARGE} record that a
   * compressed raw topic delivered at any size: 100 MB of it would pass OpenSearch's 100 MB {@code
   * http.max_content_length} once indexed, a 413 no retry helps) is indexed with the longest start
   * of its raw record that fits, cut between characters, and says so; one that fits stays whole.
   */
  @Test
  void aDeadLetterOverTheBulksMaxBytesKeepsTheStartOfItsRawRecordAndSaysSo() throws Exception {
    int maxBytes = Documents.MIN_DEAD_LETTER_BYTES;
    BulkConfig bulk =
        new BulkConfig(
            10,
            maxBytes,
            Duration.ZERO,
            1,
            Duration.ofMillis(50),
            Duration.ofMillis(500),
            Duration.ofMinutes(1));
    Instant received = Instant.parse("2031-07-01T10:00:00Z");
    // Quotes and a two-byte character: the JSON is longer than the bytes, and a cut could split
    // one.
    String line = "{\"request\":{\"path\":\"secret/caf\u00e9\",\"data\":\"\\\"x\\\"\"}}\n";
    byte[] huge = line.repeat(300_000 / line.length()).getBytes(StandardCharsets.UTF_8);
    DeadLetter big = deadLetter(huge, DeadLetterReason.TOO_LARGE, "kafka:os-it.raw/0@7", received);
    byte[] small = "{\"request\":".getBytes(StandardCharsets.UTF_8);
    DeadLetter whole =
        deadLetter(small, DeadLetterReason.MALFORMED_JSON, "kafka:os-it.raw/0@8", received);

    try (OpenSearchSinkWriter<DeadLetter> writer =
        writer(config(url, bulk), DocumentMapper.deadLetters(CONTRACT, maxBytes), null)) {
      writeAll(writer, List.of(big, whole));
    }

    String index = CONTRACT.deadLetterIndex(received);
    assertThat(count(client, index)).isEqualTo(2);
    List<JsonNode> cut =
        sources(index, q -> q.term(t -> t.field("raw_truncated").value(FieldValue.of(true))));
    assertThat(cut).singleElement();
    JsonNode letter = cut.get(0);
    assertThat(letter.path("origin").asText()).isEqualTo("kafka:os-it.raw/0@7");
    assertThat(letter.path("reason").asText()).isEqualTo("TOO_LARGE");
    assertThat(letter.path("raw_length").asLong()).isEqualTo(huge.length);
    String kept = letter.path("raw").asText();
    assertThat(new String(huge, StandardCharsets.UTF_8)).startsWith(kept);
    assertThat(JSON.writeValueAsBytes(letter).length).isLessThanOrEqualTo(maxBytes);
    assertThat(kept.getBytes(StandardCharsets.UTF_8).length)
        .as("as much as fits: a quote, a backslash, a newline take two bytes of JSON each")
        .isGreaterThan(maxBytes * 2 / 3);
    GetResponse<ObjectNode> fits =
        client.get(g -> g.index(index).id(Documents.deadLetterId(whole)), ObjectNode.class);
    assertThat(fits.source().path("raw").asText()).isEqualTo("{\"request\":");
    assertThat(fits.source().has("raw_truncated")).isFalse();
    assertThat(fits.source().has("raw_length")).isFalse();
  }

  private static DeadLetter deadLetter(
      byte[] raw, DeadLetterReason reason, String origin, Instant received) {
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw))
        .setReason(reason)
        .setMessage(reason + " test record")
        .setOrigin(origin)
        .setSourceGuess(Source.VAULT)
        .setReceivedAt(received)
        .build();
  }

  @Test
  void alertsAreKeyedByAlertIdAndSearchableByGroup() throws Exception {
    Alert alert = groupAlert("alert-0f3c", "high", "arn:aws:iam::123456789012:user/mallory");
    AlertRecord record = AlertRecord.of(alert, Long.MIN_VALUE);

    try (OpenSearchSinkWriter<AlertRecord> writer =
        writer(
            config(url, bulk(10, 1, Duration.ofMinutes(1))),
            DocumentMapper.alerts(CONTRACT),
            null)) {
      writeAll(writer, List.of(record, record));
    }

    String index = CONTRACT.alertIndex(alert.time());
    assertThat(index).isEqualTo("vigil-alerts-2031.06");
    assertThat(count(client, index)).isEqualTo(1);
    assertThat(
            countTerm(
                client,
                IndexContract.ALERTS_ALIAS,
                "group.actor.id",
                "arn:aws:iam::123456789012:user/mallory"))
        .isEqualTo(1);
    assertThat(countTerm(client, IndexContract.ALERTS_ALIAS, "event_ids", "e2")).isEqualTo(1);
  }

  /**
   * What the alerts index adds to the alert (review 4, #1, #12, #16): alerts per actor by a terms
   * aggregation on the group, severity in order, and when each alert was indexed, which the
   * contract itself (alerts.jsonl, the alerts topic) does not carry.
   */
  @Test
  void writtenAlertsAggregateByActorAndCarrySeverityRankAndIndexedAt() throws Exception {
    String root = "arn:aws:iam::210987654321:root";
    String bob = "arn:aws:iam::210987654321:user/bob";
    List<Alert> alerts =
        List.of(
            groupAlert("rank-1", "critical", root),
            groupAlert("rank-2", "high", root),
            groupAlert("rank-3", "medium", bob),
            groupAlert("rank-4", "informational", root));
    Instant indexedAt = Instant.parse("2031-06-02T08:30:00.250Z");
    try (OpenSearchSinkWriter<AlertRecord> writer =
        writer(
            config(url, bulk(10, 1, Duration.ofMinutes(1))),
            DocumentMapper.alerts(CONTRACT, Clock.fixed(indexedAt, ZoneOffset.UTC)),
            null)) {
      writeAll(writer, alerts.stream().map(a -> AlertRecord.of(a, Long.MIN_VALUE)).toList());
    }
    String index = CONTRACT.alertIndex(alerts.get(0).time());
    client.indices().refresh(r -> r.index(index));
    Query theseAlerts =
        Query.of(
            q ->
                q.terms(
                    t ->
                        t.field("alert_id")
                            .terms(
                                v ->
                                    v.value(
                                        alerts.stream()
                                            .map(a -> FieldValue.of(a.alertId()))
                                            .toList()))));

    SearchResponse<ObjectNode> byActor =
        client.search(
            s ->
                s.index(IndexContract.ALERTS_ALIAS)
                    .size(0)
                    .query(theseAlerts)
                    .aggregations("actors", a -> a.terms(t -> t.field("group.actor.id"))),
            ObjectNode.class);
    assertThat(byActor.aggregations().get("actors").sterms().buckets().array())
        .extracting(b -> b.key() + "=" + b.docCount())
        .containsExactly(root + "=3", bob + "=1");

    SearchResponse<ObjectNode> severe =
        client.search(
            s ->
                s.index(IndexContract.ALERTS_ALIAS)
                    .size(10)
                    .query(
                        q ->
                            q.bool(
                                b ->
                                    b.filter(theseAlerts)
                                        .filter(
                                            f ->
                                                f.range(
                                                    r ->
                                                        r.field("severity_rank")
                                                            .gte(JsonData.of(4))))))
                    .sort(o -> o.field(f -> f.field("severity_rank").order(SortOrder.Desc))),
            ObjectNode.class);
    assertThat(severe.hits().hits()).extracting(Hit::id).containsExactly("rank-1", "rank-2");

    for (Alert alert : alerts) {
      ObjectNode stored =
          client.get(g -> g.index(index).id(alert.alertId()), ObjectNode.class).source();
      assertThat(stored.path("indexed_at").asText()).isEqualTo("2031-06-02T08:30:00.250Z");
      assertThat(stored.path("severity_rank").asInt())
          .isEqualTo(Level.parse(alert.severity()).rank());
      stored.remove(List.of("indexed_at", "severity_rank"));
      assertThat(stored)
          .as("otherwise the contract's document")
          .isEqualTo(JSON.readTree(AlertJson.toJson(alert)));
    }
    assertThat(
            client
                .count(
                    c ->
                        c.index(IndexContract.ALERTS_ALIAS)
                            .query(
                                q ->
                                    q.bool(
                                        b ->
                                            b.filter(theseAlerts)
                                                .filter(
                                                    f ->
                                                        f.range(
                                                            r ->
                                                                r.field("indexed_at")
                                                                    .gte(
                                                                        JsonData.of(
                                                                            "2031-06-02T08:00:00Z")))))))
                .count())
        .isEqualTo(4);
  }

  private static Alert groupAlert(String id, String severity, String actorId) {
    return new Alert(
        id,
        "vigil-denied-access-spike",
        "denied_access_spike",
        "Denied access spike",
        1,
        "Vigil",
        "denied_access_spike",
        severity,
        Instant.parse("2031-06-01T12:05:00Z"),
        Instant.parse("2031-06-01T12:00:00Z"),
        Instant.parse("2031-06-01T12:05:00Z"),
        Map.of("actor.id", actorId),
        List.of("AWS_CLOUDTRAIL"),
        List.of("e1", "e2"),
        12,
        actorId + " was denied 12 times in 5 min",
        List.of("attack.discovery"));
  }

  /**
   * One Azure operation that the corpus's records spell three ways (review 4, #10), and a word of
   * an operation (#11), as the sink indexes the normalized events: under a prefix of their own, as
   * sanitized samples reuse event ids that other tests' events take in the same index.
   */
  @Test
  void azureOperationsMatchWithoutCaseAndByWord() throws Exception {
    IndexSettings ownPrefix = new IndexSettings(1, 0, Duration.ofSeconds(1), "vigil-casetest-");
    new TemplateInstaller(client, ownPrefix).install();
    IndexContract contract = CONTRACT.withPrefix(ownPrefix.prefix());
    List<AuditEvent> events =
        CorpusRun.normalize(
                CorpusRun.file("azure/panther_azure_monitor_activity_rule_tests.jsonl"),
                Normalizer.create())
            .events();
    try (OpenSearchSinkWriter<AuditEvent> writer =
        writer(
            config(url, bulk(100, 2, Duration.ofMinutes(1))),
            DocumentMapper.events(contract),
            null)) {
      writeAll(writer, events);
    }
    Map<String, AuditEvent> stored = new LinkedHashMap<>();
    events.forEach(e -> stored.put(contract.eventIndex(e) + "/" + e.getEventId(), e));
    String lockDelete = "microsoft.authorization/locks/delete";
    Set<String> spellings = new HashSet<>();
    long locksDeleted = 0;
    for (AuditEvent event : stored.values()) {
      if (event.getOperation().equalsIgnoreCase(lockDelete)) {
        spellings.add(event.getOperation());
        locksDeleted++;
      }
    }
    assertThat(spellings).as("the corpus spells it several ways").hasSizeGreaterThan(2);
    String pattern = contract.eventsAlias();
    client.indices().refresh(r -> r.index(pattern));

    assertThat(
            client
                .count(
                    c ->
                        c.index(pattern)
                            .query(
                                q ->
                                    q.term(
                                        t ->
                                            t.field("operation.lower")
                                                .value(FieldValue.of(lockDelete)))))
                .count())
        .isEqualTo(locksDeleted);
    SearchResponse<ObjectNode> byOperation =
        client.search(
            s ->
                s.index(pattern)
                    .size(0)
                    .query(
                        q ->
                            q.term(
                                t -> t.field("operation.lower").value(FieldValue.of(lockDelete))))
                    .aggregations("o", a -> a.terms(t -> t.field("operation.lower"))),
            ObjectNode.class);
    assertThat(byOperation.aggregations().get("o").sterms().buckets().array())
        .extracting(b -> b.key() + "=" + b.docCount())
        .containsExactly(lockDelete + "=" + locksDeleted);
    long lockOperations =
        stored.values().stream()
            .filter(e -> e.getOperation().toLowerCase(Locale.ROOT).contains("/locks/"))
            .count();
    assertThat(lockOperations).isGreaterThan(locksDeleted);
    assertThat(
            client
                .count(
                    c ->
                        c.index(pattern)
                            .query(q -> q.queryString(qs -> qs.query("operation.text:LOCKS"))))
                .count())
        .as("every operation on locks, by a word in any case")
        .isEqualTo(lockOperations);
  }

  /**
   * The {@code alert_url} docs/notify.md documents, filled with a real alert id as a page would
   * carry it, answers that alert from a node whose alerts span two monthly indices; the {@code
   * _doc} link it replaced fails there.
   */
  @Test
  void theDocumentedAlertLinkOpensAnAlertOfEitherMonth() throws Exception {
    Alert june = linkAlert("5d1c", Instant.parse("2032-06-30T23:59:00Z"));
    Alert july = linkAlert("7e2a", Instant.parse("2032-07-01T00:01:00Z"));
    try (OpenSearchSinkWriter<AlertRecord> writer =
        writer(
            config(url, bulk(10, 1, Duration.ofMinutes(1))),
            DocumentMapper.alerts(CONTRACT),
            null)) {
      writeAll(
          writer,
          List.of(AlertRecord.of(june, Long.MIN_VALUE), AlertRecord.of(july, Long.MIN_VALUE)));
    }
    assertThat(count(client, "vigil-alerts-2032.06")).isEqualTo(1);
    assertThat(count(client, "vigil-alerts-2032.07")).isEqualTo(1);

    String doc = Files.readString(Path.of("..", "docs", "notify.md"));
    Matcher documented =
        Pattern.compile("alert_url: \"https://opensearch\\.example\\.com:9200(/[^\"]+)\"")
            .matcher(doc.substring(doc.indexOf("### The alert link")));
    assertThat(documented.find()).as("docs/notify.md documents an alert_url").isTrue();
    NotifyConfig notify =
        NotifySections.read(
            Map.of("alert_url", url.toString().replaceAll("/$", "") + documented.group(1)));

    // HTTP/1.1 as a browser and the pager send it: the JDK's default h2c upgrade gets a 400.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (Alert alert : List.of(june, july)) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(URI.create(notify.alertUrl(alert.alertId()))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonNode hits = JSON.readTree(answer.body()).path("hits");
      assertThat(hits.path("total").path("value").asInt()).isEqualTo(1);
      assertThat(hits.path("hits").get(0).path("_source").path("alert_id").asText())
          .isEqualTo(alert.alertId());
    }
    HttpResponse<String> docRead =
        http.send(
            HttpRequest.newBuilder(url.resolve("/vigil-alerts/_doc/" + july.alertId())).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(docRead.statusCode()).isEqualTo(400);
    assertThat(docRead.body()).contains("has more than one index associated with it");
  }

  /** A root credential use as the built-in rule alerts it, with a real (SHA-256 hex) alert id. */
  private static Alert linkAlert(String seed, Instant time) {
    return new Alert(
        // The engine's form: lowercase hex SHA-256, without EventIds' "sha256:" prefix.
        EventIds.ofRaw(seed).substring("sha256:".length()),
        "65065d23-db52-4ac9-87b3-8acb9667497d",
        "root_token_use",
        "Root credential used",
        2,
        "Vigil",
        "root_token_use",
        "critical",
        time,
        time,
        time,
        Map.of(),
        List.of("VAULT"),
        List.of("e-" + seed),
        1,
        "Root credential used: root (root) update on sys/policies/acl/x (VAULT)",
        List.of("attack.privilege-escalation"));
  }

  @Test
  void aPartlyFilledBatchGoesOutWhenTheFlushTimerFires() throws Exception {
    ManualTimers timers = new ManualTimers();
    BulkConfig bulk =
        new BulkConfig(
            100,
            BulkConfig.DEFAULT.maxBytes(),
            Duration.ofMillis(200),
            1,
            Duration.ofMillis(50),
            Duration.ofMillis(500),
            Duration.ofMinutes(1));
    AuditEvent event = event("timer-1", Instant.parse("2031-07-01T00:00:00Z"));
    String index = CONTRACT.eventIndex(event);

    try (OpenSearchSinkWriter<AuditEvent> writer =
        writer(config(url, bulk), eventsMapper(), timers)) {
      writer.write(event, null);
      assertThat(timers.pending()).isEqualTo(1);
      timers.fireAll();

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (count(client, index) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(count(client, index)).as("indexed without a flush").isEqualTo(1);
    }
  }

  @Test
  void aFlinkJobWritesThroughTheSinkAndFlushesAtTheEnd() throws Exception {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      events.add(event("flink-" + i, Instant.parse("2031-08-01T00:00:00Z").plusSeconds(i)));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.enableCheckpointing(200);
    OpenSearchConfig sinkConfig = config(url, bulk(40, 2, Duration.ofMinutes(1)));
    env.fromData(events).sinkTo(OpenSearchSink.events(sinkConfig, IndexSetup.contract(sinkConfig)));

    env.execute("opensearch-sink-test");

    assertThat(count(client, CONTRACT.eventIndex(events.get(0)))).isEqualTo(250);
  }

  private static DocumentMapper<AuditEvent> eventsMapper() {
    return DocumentMapper.events(CONTRACT);
  }

  private static List<String> hits(
      String index, Function<Query.Builder, ObjectBuilder<Query>> query) throws IOException {
    client.indices().refresh(r -> r.index(index));
    SearchResponse<ObjectNode> response =
        client.search(s -> s.index(index).size(1000).query(query), ObjectNode.class);
    return response.hits().hits().stream().map(Hit::id).toList();
  }

  private static List<JsonNode> sources(
      String index, Function<Query.Builder, ObjectBuilder<Query>> query) throws IOException {
    client.indices().refresh(r -> r.index(index));
    SearchResponse<ObjectNode> response =
        client.search(s -> s.index(index).size(1000).query(query), ObjectNode.class);
    return response.hits().hits().stream().map(hit -> (JsonNode) hit.source()).toList();
  }
}
