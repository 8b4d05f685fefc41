package dev.vigil.dashboards.objects;

import static dev.vigil.dashboards.objects.ShippedObjects.embedded;
import static dev.vigil.dashboards.objects.ShippedObjects.searchSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.Level;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * The panels' queries and aggregations on a real OpenSearch, over events the real normalizer makes
 * of audit records written for each panel: a denied Vault request without a token, one with a
 * token, a Vault root token changing a policy (each a request and a response entry), CloudTrail's
 * denied call, failed sign-in, two root users of two accounts and a policy change, and a record
 * that is not JSON (a dead letter); and the alerts the built-in pack raises over those events, as
 * the job's sink indexes them.
 *
 * <p>Dashboards does not run here, so each object is sent as the search Dashboards builds from it,
 * for the constructs the file uses ({@link #request}): the query (written in the part of KQL that
 * is Lucene syntax too, so {@code query_string} reads it the same), the filters, the time range on
 * the pattern's time field, and the aggregations nested in their order. Each object reads the
 * test's own index of its pattern's family, so indices other classes make do not count.
 */
@RealOpenSearch
class SavedObjectsQueriesITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The value Dashboards gives a missing bucket. */
  private static final String MISSING = "__missing__";

  private static final Map<String, String> INDEX_OF_PATTERN =
      Map.of(
          "vigil-events", "vigil-events-savedobjects-2026.11",
          "vigil-alerts", "vigil-alerts-savedobjects-2026.11",
          "vigil-alerts-by-arrival", "vigil-alerts-savedobjects-2026.11",
          "vigil-deadletters", "vigil-deadletters-savedobjects-2026.11");

  private static final String ALICE =
      "{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLEALICE\",\"arn\":"
          + "\"arn:aws:iam::111122223333:user/alice\",\"accountId\":\"111122223333\","
          + "\"userName\":\"alice\"}";

  private static final List<String> VAULT =
      List.of(
          // No token: an unauthenticated request, refused.
          entry(
              "10:02:00",
              "a1000000-0000-4000-8000-000000000001",
              "{\"token_type\":\"default\"}",
              "\"operation\":\"update\",\"mount_type\":\"pki\",\"path\":\"internal-ca/issue/web\","
                  + "\"remote_address\":\"10.6.8.34\"",
              true),
          entry(
              "10:03:00",
              "a1000000-0000-4000-8000-000000000002",
              "{\"client_token\":\"hmac-sha256:c1\",\"accessor\":\"hmac-sha256:a1\","
                  + "\"display_name\":\"token-ci-runner\",\"policies\":[\"default\",\"ci\"],"
                  + "\"token_type\":\"service\"}",
              "\"operation\":\"read\",\"mount_type\":\"kv\",\"path\":\"secret/data/prod/db\","
                  + "\"remote_address\":\"203.0.113.77\"",
              true),
          entry(
              "10:20:00",
              "a1000000-0000-4000-8000-000000000003",
              "{\"client_token\":\"hmac-sha256:c2\",\"accessor\":\"hmac-sha256:a2\","
                  + "\"display_name\":\"root\",\"policies\":[\"root\"],\"token_type\":\"service\"}",
              "\"operation\":\"update\",\"path\":\"sys/policies/acl/breakglass\","
                  + "\"remote_address\":\"10.0.0.5\"",
              false));

  private static final List<String> CLOUDTRAIL =
      List.of(
          cloudTrail(
              "c1000000-0000-4000-8000-000000000001",
              "10:05:00",
              ALICE,
              "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetBucketPolicy\","
                  + "\"sourceIPAddress\":\"198.51.100.7\",\"errorCode\":\"AccessDenied\","
                  + "\"errorMessage\":\"Access Denied\",\"requestParameters\":{\"bucketName\":"
                  + "\"payroll\"},\"eventType\":\"AwsApiCall\""),
          // A wrong password: CloudTrail names the user but gives no ARN.
          cloudTrail(
              "c1000000-0000-4000-8000-000000000002",
              "10:06:00",
              "{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLEANAYA\",\"accountId\":"
                  + "\"111122223333\",\"accessKeyId\":\"\",\"userName\":\"anaya\"}",
              "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\","
                  + "\"sourceIPAddress\":\"192.0.2.10\",\"errorMessage\":\"Failed authentication\","
                  + "\"responseElements\":{\"ConsoleLogin\":\"Failure\"},"
                  + "\"eventType\":\"AwsConsoleSignIn\""),
          // Denied, with no client address logged: the "(no IP)" row of denied access by IP.
          cloudTrail(
              "c1000000-0000-4000-8000-000000000008",
              "10:07:00",
              ALICE,
              "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetBucketPolicy\","
                  + "\"errorCode\":\"AccessDenied\","
                  + "\"errorMessage\":\"Access Denied\",\"requestParameters\":{\"bucketName\":"
                  + "\"payroll\"},\"eventType\":\"AwsApiCall\""),
          rootSignIn("c1000000-0000-4000-8000-000000000003", "111122223333", "192.0.2.44", true),
          rootSignIn("c1000000-0000-4000-8000-000000000004", "444455556666", "192.0.2.45", true),
          // A wrong root password in each account, a minute before: two root users, not one.
          rootSignIn("c1000000-0000-4000-8000-000000000006", "111122223333", "192.0.2.44", false),
          rootSignIn("c1000000-0000-4000-8000-000000000007", "444455556666", "192.0.2.45", false),
          cloudTrail(
              "c1000000-0000-4000-8000-000000000005",
              "10:50:00",
              ALICE,
              "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"AttachRolePolicy\","
                  + "\"sourceIPAddress\":\"198.51.100.7\",\"requestParameters\":{\"roleName\":"
                  + "\"ops\",\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"},"
                  + "\"eventType\":\"AwsApiCall\""));

  private static final List<Alert> alerts = new ArrayList<>();
  private static ShippedObjects shipped;
  private static OpenSearchConnection connection;
  private static OpenSearchClient client;

  @BeforeAll
  static void indexTheRecords(OpenSearchEndpoint openSearch) throws IOException, RuleException {
    shipped = new ShippedObjects();
    connection = OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()));
    client = connection.client();
    new TemplateInstaller(client, new IndexSettings(1, 0, Duration.ofSeconds(1))).install();
    deleteTheIndices();

    List<String> raw = new ArrayList<>(VAULT.stream().flatMap(e -> e.lines()).toList());
    raw.addAll(CLOUDTRAIL);
    raw.add("{\"Records\":[{\"eventVersion\":");
    Normalizer normalizer = Normalizer.create();
    List<AuditEvent> events = new ArrayList<>();
    NormalizeOutput out =
        new NormalizeOutput() {
          @Override
          public void event(AuditEvent event) {
            events.add(event);
            index("vigil-events", event.getEventId(), EventJson.toJson(event));
          }

          @Override
          public void deadLetter(DeadLetter deadLetter) {
            index("vigil-deadletters", deadLetter.getOrigin(), EventJson.toJson(deadLetter));
          }
        };
    for (int i = 0; i < raw.size(); i++) {
      normalizer.normalize(RawRecord.of(raw.get(i), "test:" + (i + 1)), out);
    }
    try (DetectionEngine engine =
        DetectionEngine.start(
            PackCompiler.compile(RulePack.builtIn()),
            alert -> {
              alerts.add(alert);
              index("vigil-alerts", alert.alertId(), alertDocument(alert));
            })) {
      events.forEach(engine::accept);
      engine.flush();
    }
    // An organization's rule that groups by source address, as a password spray rule does: its
    // alert names no actor.
    Alert byActor = alerts.get(0);
    Alert byAddress =
        new Alert(
            "spray-198.51.100.7",
            "org-password-spray",
            "password_spray_by_ip",
            "Password spray from one address",
            1,
            "Acme SOC",
            "password_spray_by_ip",
            "medium",
            byActor.time(),
            byActor.windowStart(),
            byActor.windowEnd(),
            Map.of("src.ip", "198.51.100.7"),
            byActor.sources(),
            byActor.eventIds(),
            byActor.eventCount(),
            "Password spray from 198.51.100.7: 12 failed sign-ins",
            List.of());
    alerts.add(byAddress);
    index("vigil-alerts", byAddress.alertId(), alertDocument(byAddress));
    call("POST", "/" + indices() + "/_refresh", null);
  }

  @AfterAll
  static void deleteTheIndicesAndClose() throws IOException {
    // Retention tests in this JVM judge every vigil-* index: leave none behind.
    deleteTheIndices();
    connection.close();
  }

  @Test
  void deniedAccessBySourceCountsAVaultRequestOnce() throws IOException {
    List<List<String>> rows = rows("visualization/vigil-denied-by-source");

    // day, source, count: 2 Vault requests (4 entries), 1 CloudTrail call.
    assertThat(rows)
        .extracting(row -> row.subList(1, 3))
        .containsExactlyInAnyOrder(List.of("VAULT", "2"), List.of("AWS_CLOUDTRAIL", "2"));
  }

  @Test
  void deniedAccessBySourceIpKeepsRequestsWithNoActorNameOrNoAddress() throws IOException {
    assertThat(rows("visualization/vigil-denied-by-source-ip"))
        .containsExactlyInAnyOrder(
            List.of("10.6.8.34", MISSING, "1"),
            List.of("203.0.113.77", "token-ci-runner", "1"),
            List.of("198.51.100.7", "alice", "1"),
            List.of(MISSING, "alice", "1"));
  }

  @Test
  void topActorsKeepsPrincipalsOfTheSameNameApart() throws IOException {
    // actor.id, source, count, latest actor.name
    assertThat(rows("visualization/vigil-top-actors"))
        .containsExactlyInAnyOrder(
            List.of("arn:aws:iam::111122223333:user/alice", "AWS_CLOUDTRAIL", "3", "alice"),
            List.of("arn:aws:iam::111122223333:user/anaya", "AWS_CLOUDTRAIL", "1", "anaya"),
            List.of("arn:aws:iam::111122223333:root", "AWS_CLOUDTRAIL", "2", "root"),
            List.of("arn:aws:iam::444455556666:root", "AWS_CLOUDTRAIL", "2", "root"),
            List.of("hmac-sha256:a1", "VAULT", "1", "token-ci-runner"),
            List.of("hmac-sha256:a2", "VAULT", "1", "root"));
  }

  @Test
  void failedSignInsShowsTheWrongPasswordsAndNotTheRefusals() throws IOException {
    // actor.name, source, target.account, count, distinct source IPs: the root users of two
    // accounts are two rows, not one "root" tried twice.
    assertThat(rows("visualization/vigil-failed-sign-ins"))
        .containsExactlyInAnyOrder(
            List.of("anaya", "AWS_CLOUDTRAIL", "111122223333", "1", "1"),
            List.of("root", "AWS_CLOUDTRAIL", "111122223333", "1", "1"),
            List.of("root", "AWS_CLOUDTRAIL", "444455556666", "1", "1"));
  }

  @Test
  void rootUseAndPolicyChangesListEachRequestOnce() throws IOException {
    assertThat(hits("search/vigil-root-use"))
        .containsExactlyInAnyOrder(
            "a1000000-0000-4000-8000-000000000003:response",
            "c1000000-0000-4000-8000-000000000003",
            "c1000000-0000-4000-8000-000000000004",
            "c1000000-0000-4000-8000-000000000006",
            "c1000000-0000-4000-8000-000000000007");
    assertThat(hits("search/vigil-policy-changes"))
        .containsExactlyInAnyOrder(
            "a1000000-0000-4000-8000-000000000003:response",
            "c1000000-0000-4000-8000-000000000005");
  }

  @Test
  void deadLettersByReasonAndTheAlertPanelsRun() throws IOException {
    assertThat(rows("visualization/vigil-deadletters-by-reason"))
        .extracting(row -> row.subList(1, 3))
        .containsExactly(List.of("MALFORMED_JSON", "1"));
    // Root use: the Vault root token and two AWS root users, each failing to sign in and then
    // signing in; policy changes: the Vault policy write and alice's AttachRolePolicy.
    assertThat(rows("visualization/vigil-alerts-by-detection"))
        .extracting(row -> row.subList(1, 3))
        .containsExactly(
            List.of("root_token_use", "5"),
            List.of("policy_change", "2"),
            List.of("password_spray_by_ip", "1"));
    assertThat(rows("visualization/vigil-alerts-by-severity"))
        .extracting(row -> row.subList(1, 3))
        .containsExactly(List.of("critical", "5"), List.of("high", "2"), List.of("medium", "1"));
    List<String> alertIds = alerts.stream().map(Alert::alertId).toList();
    assertThat(alertIds).hasSize(8);
    assertThat(hits("search/vigil-recent-alerts")).containsExactlyInAnyOrderElementsOf(alertIds);
    assertThat(hits("search/vigil-recent-alerts-by-arrival"))
        .containsExactlyInAnyOrderElementsOf(alertIds);
  }

  /**
   * The built-in pack groups by {@code actor.id} alone, so the table's one readable column is the
   * latest alert's summary (who did what, where); an alert has no {@code group.actor.name} beside
   * its {@code group.actor.id}, and a column of it stayed empty.
   */
  @Test
  void alertsByActorShowsEachActorsLatestAlertInWords() throws IOException {
    // group.actor.id, detection, count, the latest alert's summary
    Map<List<String>, List<Alert>> byActorAndDetection =
        alerts.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    a -> List.of(a.group().getOrDefault("actor.id", MISSING), a.detection())));
    List<List<String>> expected = new ArrayList<>();
    byActorAndDetection.forEach(
        (key, ofKey) -> {
          Alert latest = java.util.Collections.max(ofKey, Comparator.comparing(Alert::time));
          expected.add(
              List.of(key.get(0), key.get(1), String.valueOf(ofKey.size()), latest.summary()));
        });
    // The alert grouped by address is not left out: it is the row of alerts with no actor.id.
    assertThat(expected)
        .contains(
            List.of(
                MISSING,
                "password_spray_by_ip",
                "1",
                "Password spray from 198.51.100.7: 12 failed sign-ins"));
    assertThat(rows("visualization/vigil-alerts-by-actor"))
        .containsExactlyInAnyOrderElementsOf(expected)
        .anySatisfy(
            row ->
                assertThat(row.get(3))
                    .startsWith("AWS IAM policy changed: alice AttachRolePolicy on role/ops"));
  }

  /** The hand-made query docs/opensearch.md gives ("Counting Vault requests") does the same. */
  @Test
  void theDocumentedLuceneQueryLeavesOutTheVaultRequestEntriesToo() throws IOException {
    String lucene = "NOT (source:VAULT AND event_id:(*\\:request OR *\\:kmip-request))";
    ObjectNode body = JSON.createObjectNode().put("size", 100);
    body.putObject("query").putObject("query_string").put("query", lucene);
    List<String> ids = new ArrayList<>();
    JSON.readTree(
            call(
                "POST",
                "/" + INDEX_OF_PATTERN.get("vigil-events") + "/_search",
                JSON.writeValueAsString(body)))
        .path("hits")
        .path("hits")
        .forEach(hit -> ids.add(hit.path("_id").asText()));

    assertThat(ids)
        .hasSize(11)
        .contains("a1000000-0000-4000-8000-000000000001:response")
        .noneMatch(id -> id.endsWith(":request"));
  }

  /**
   * The panel's rows as a data table shows them: one per innermost bucket, the bucket keys, the
   * count, then the other metrics.
   */
  private static List<List<String>> rows(String key) throws IOException {
    JsonNode object = shipped.object(key);
    JsonNode visState = embedded(object.path("attributes").path("visState"));
    List<JsonNode> buckets = new ArrayList<>();
    List<JsonNode> metrics = new ArrayList<>();
    for (JsonNode agg : visState.path("aggs")) {
      if (agg.path("type").asText().equals("count")) {
        continue;
      }
      (agg.path("schema").asText().equals("metric") ? metrics : buckets).add(agg);
    }
    ObjectNode body = request(object);
    body.put("size", 0);
    ObjectNode level = body;
    for (JsonNode bucket : buckets) {
      ObjectNode aggs = level.putObject("aggs").putObject(bucket.path("id").asText());
      JsonNode params = bucket.path("params");
      switch (bucket.path("type").asText()) {
        case "terms" -> {
          ObjectNode terms = aggs.putObject("terms");
          terms
              .put("field", params.path("field").asText())
              .put("size", params.path("size").asInt());
          terms.putObject("order").put("_count", params.path("order").asText());
          if (params.path("missingBucket").asBoolean()) {
            terms.put("missing", MISSING);
          }
        }
        case "date_histogram" ->
            aggs.putObject("date_histogram")
                .put("field", params.path("field").asText())
                .put("fixed_interval", "1d")
                .put("min_doc_count", params.path("min_doc_count").asInt(1));
        default -> throw new AssertionError("a bucket aggregation the test cannot send: " + bucket);
      }
      level = aggs;
    }
    ObjectNode metricAggs = metrics.isEmpty() ? null : level.putObject("aggs");
    for (JsonNode metric : metrics) {
      ObjectNode agg = metricAggs.putObject(metric.path("id").asText());
      JsonNode params = metric.path("params");
      switch (metric.path("type").asText()) {
        case "cardinality" ->
            agg.putObject("cardinality").put("field", params.path("field").asText());
        case "top_hits" -> {
          ObjectNode topHits = agg.putObject("top_hits");
          topHits.put("size", params.path("size").asInt());
          topHits
              .putArray("sort")
              .addObject()
              .putObject(params.path("sortField").asText())
              .put("order", params.path("sortOrder").asText());
          topHits.putArray("docvalue_fields").add(params.path("field").asText());
          topHits.put("_source", false);
        }
        default -> throw new AssertionError("a metric the test cannot send: " + metric);
      }
    }
    JsonNode answer = search(object, body);
    List<List<String>> rows = new ArrayList<>();
    collect(answer.path("aggregations"), buckets, 0, new ArrayList<>(), metrics, rows);
    return rows;
  }

  private static void collect(
      JsonNode level,
      List<JsonNode> buckets,
      int depth,
      List<String> keys,
      List<JsonNode> metrics,
      List<List<String>> rows) {
    for (JsonNode bucket : level.path(buckets.get(depth).path("id").asText()).path("buckets")) {
      List<String> row = new ArrayList<>(keys);
      row.add(
          bucket.has("key_as_string")
              ? bucket.path("key_as_string").asText()
              : bucket.path("key").asText());
      if (depth + 1 < buckets.size()) {
        collect(bucket, buckets, depth + 1, row, metrics, rows);
        continue;
      }
      row.add(bucket.path("doc_count").asText());
      for (JsonNode metric : metrics) {
        JsonNode value = bucket.path(metric.path("id").asText());
        // A top hit without the field (the latest document lacks it) is an empty cell.
        JsonNode topHit = value.at("/hits/hits/0/fields");
        row.add(
            value.has("value")
                ? value.path("value").asText()
                : topHit.isEmpty() ? "" : topHit.elements().next().path(0).asText());
      }
      rows.add(row);
    }
  }

  /** The event ids (or alert ids) a saved search lists. */
  private static List<String> hits(String key) throws IOException {
    JsonNode object = shipped.object(key);
    ObjectNode body = request(object);
    body.put("size", 100);
    ArrayNode sort = body.putArray("sort");
    for (JsonNode column : object.path("attributes").path("sort")) {
      sort.addObject().putObject(column.path(0).asText()).put("order", column.path(1).asText());
    }
    List<String> ids = new ArrayList<>();
    search(object, body)
        .path("hits")
        .path("hits")
        .forEach(hit -> ids.add(hit.path("_id").asText()));
    return ids;
  }

  /** The query part of the search Dashboards sends for {@code object}. */
  private static ObjectNode request(JsonNode object) {
    JsonNode searchSource = searchSource(object);
    JsonNode pattern = shipped.indexPatternOf(object);
    ObjectNode bool = JSON.createObjectNode();
    ArrayNode filter = bool.putArray("filter");
    ArrayNode mustNot = bool.putArray("must_not");
    String query = searchSource.path("query").path("query").asText();
    assertThat(query)
        .as("the query of %s uses AND/OR/NOT as Lucene reads them", object.path("id"))
        .doesNotContainPattern("\\b(and|or|not)\\b");
    if (!query.isBlank()) {
      filter.addObject().putObject("query_string").put("query", query);
    }
    filter
        .addObject()
        .putObject("range")
        .putObject(pattern.path("attributes").path("timeFieldName").asText())
        .put("gte", "2000-01-01T00:00:00Z")
        .put("lte", "2100-01-01T00:00:00Z");
    for (JsonNode f : searchSource.path("filter")) {
      if (!f.path("meta").path("disabled").asBoolean()) {
        (f.path("meta").path("negate").asBoolean() ? mustNot : filter).add(f.path("query"));
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("query").set("bool", bool);
    return body;
  }

  private static JsonNode search(JsonNode object, ObjectNode body) throws IOException {
    String index = INDEX_OF_PATTERN.get(shipped.indexPatternOf(object).path("id").asText());
    return JSON.readTree(call("POST", "/" + index + "/_search", JSON.writeValueAsString(body)));
  }

  private static void index(String pattern, String id, String document) {
    try {
      call("PUT", "/" + INDEX_OF_PATTERN.get(pattern) + "/_doc/" + id, document);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The alert as the job's OpenSearch sink indexes it: its JSON and the two fields of the index
   * only, {@code severity_rank} and {@code indexed_at}.
   */
  private static String alertDocument(Alert alert) {
    try {
      ObjectNode document = (ObjectNode) JSON.readTree(AlertJson.toJson(alert));
      document.put("severity_rank", Level.parse(alert.severity()).rank());
      document.put("indexed_at", Instant.now().toString());
      return JSON.writeValueAsString(document);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The test's indices, comma-separated (two patterns read the alerts index). */
  private static String indices() {
    return String.join(",", new java.util.TreeSet<>(INDEX_OF_PATTERN.values()));
  }

  private static void deleteTheIndices() throws IOException {
    call("DELETE", "/" + indices() + "?ignore_unavailable=true", null);
  }

  private static String call(String method, String endpoint, String body) throws IOException {
    var request = Requests.builder().method(method).endpoint(endpoint);
    if (body != null) {
      request.json(body);
    }
    try (Response response = client.generic().execute(request.build())) {
      String answer = response.getBody().map(Body::bodyAsString).orElse("");
      assertThat(response.getStatus()).as("%s %s: %s", method, endpoint, answer).isLessThan(300);
      return answer;
    }
  }

  /** A Vault request and its response entry, refused when {@code denied}. */
  private static String entry(
      String time, String requestId, String auth, String request, boolean denied) {
    String common =
        "\"auth\":"
            + auth
            + ",\"request\":{\"id\":\""
            + requestId
            + "\",\"namespace\":{\"id\":\"root\"},"
            + request
            + "}";
    return "{\"time\":\"2026-11-20T"
        + time
        + ".1Z\",\"type\":\"request\","
        + common
        + (denied ? ",\"error\":\"permission denied\"" : "")
        + "}\n{\"time\":\"2026-11-20T"
        + time
        + ".2Z\",\"type\":\"response\","
        + common
        + ",\"response\":{}"
        + (denied ? ",\"error\":\"1 error occurred:\\n\\t* permission denied\\n\\n\"" : "")
        + "}";
  }

  private static String cloudTrail(String eventId, String time, String identity, String rest) {
    return cloudTrail(eventId, time, "111122223333", identity, rest);
  }

  private static String cloudTrail(
      String eventId, String time, String account, String identity, String rest) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":"
        + identity
        + ",\"eventTime\":\"2026-11-20T"
        + time
        + "Z\",\"awsRegion\":\"us-east-1\",\"userAgent\":\"aws-cli/2\",\"eventID\":\""
        + eventId
        + "\",\"recipientAccountId\":\""
        + account
        + "\","
        + rest
        + "}";
  }

  private static String rootSignIn(String eventId, String account, String ip, boolean succeeded) {
    return cloudTrail(
        eventId,
        succeeded ? "10:40:00" : "10:39:00",
        account,
        "{\"type\":\"Root\",\"principalId\":\""
            + account
            + "\",\"arn\":\"arn:aws:iam::"
            + account
            + ":root\",\"accountId\":\""
            + account
            + "\",\"accessKeyId\":\"\"}",
        "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\","
            + "\"sourceIPAddress\":\""
            + ip
            + (succeeded
                ? "\",\"responseElements\":{\"ConsoleLogin\":\"Success\"},"
                : "\",\"errorMessage\":\"Failed authentication\","
                    + "\"responseElements\":{\"ConsoleLogin\":\"Failure\"},")
            + "\"additionalEventData\":{\"MFAUsed\":\"Yes\"},\"eventType\":\"AwsConsoleSignIn\"");
  }
}
