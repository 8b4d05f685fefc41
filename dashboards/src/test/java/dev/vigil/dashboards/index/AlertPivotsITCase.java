package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * The analyst's way from an alert to its events and around it, as docs/opensearch.md writes it
 * ("From an alert to its events", "Around an alert"): each {@code S vigil-events '...'} query of
 * those sections is read from the page, its placeholders filled from an alert document as the sink
 * indexes it, and sent to a real OpenSearch with the templates installed, over events the
 * normalizer made of audit records and the alerts the built-in pack raised on them.
 *
 * <p>The records: alice's ten refused S3 calls in ten seconds (a denied-access spike), her policy
 * change 25 minutes later and a call more than an hour later, all from one address; a Vault root
 * token's read from that address (a request and a response entry); a GCP IAM policy change from it
 * too, and an entry of another month with the same {@code insertId}, which GCP allows (the id is
 * unique with the timestamp only).
 */
@RealOpenSearch
class AlertPivotsITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the test's documents go: indices of their own, per month, as the contract names. */
  private static final String EVENTS = "vigil-events-pivots-";

  private static final String ALERTS = "vigil-alerts-pivots-2026.11";
  private static final String ADDRESS = "203.0.113.7";
  private static final String ALICE_ARN = "arn:aws:iam::111122223333:user/alice";
  private static final String ROOT_REQUEST = "b2000000-0000-4000-8000-000000000001";
  private static final String INSERT_ID = "1k2j3h4g5f6d";

  private static OpenSearchConnection connection;
  private static OpenSearchClient client;
  private static List<String> documentedQueries;
  private static final Map<String, JsonNode> alertByRule = new HashMap<>();

  @BeforeAll
  static void indexTheRecordsAndTheirAlerts(OpenSearchEndpoint openSearch)
      throws IOException, RuleException {
    documentedQueries = documentedQueries();
    connection = OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()));
    client = connection.client();
    new TemplateInstaller(client, new IndexSettings(1, 0, Duration.ofSeconds(1))).install();
    deleteTheIndices();

    List<String> raw = new ArrayList<>();
    IntStream.range(0, 10)
        .forEach(
            i ->
                raw.add(
                    aliceCalls(
                        "c2000000-0000-4000-8000-00000000000" + i,
                        "10:05:0" + i,
                        "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetBucketPolicy\","
                            + "\"errorCode\":\"AccessDenied\",\"errorMessage\":\"Access Denied\","
                            + "\"requestParameters\":{\"bucketName\":\"payroll\"}")));
    raw.add(
        aliceCalls(
            "c2000000-0000-4000-8000-000000000010",
            "10:30:00",
            "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"AttachRolePolicy\","
                + "\"requestParameters\":{\"roleName\":\"ops\","
                + "\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}"));
    raw.add(
        aliceCalls(
            "c2000000-0000-4000-8000-000000000011",
            "11:40:00",
            "\"eventSource\":\"sts.amazonaws.com\",\"eventName\":\"GetCallerIdentity\""));
    raw.addAll(rootTokenRead());
    raw.add(gcpIamPolicy("2026-11-20T10:40:00Z", ADDRESS, "SetIamPolicy"));
    raw.add(gcpIamPolicy("2026-10-02T08:00:00Z", "198.51.100.99", "GetIamPolicy"));

    List<AuditEvent> events = new ArrayList<>();
    Normalizer normalizer = Normalizer.create();
    NormalizeOutput out =
        new NormalizeOutput() {
          @Override
          public void event(AuditEvent event) {
            events.add(event);
            String month = event.getTime().toString().substring(0, 7).replace('-', '.');
            index(EVENTS + month, event.getEventId(), EventJson.toJson(event));
          }

          @Override
          public void deadLetter(DeadLetter deadLetter) {
            throw new AssertionError("a record of the test was dead-lettered: " + deadLetter);
          }
        };
    for (int i = 0; i < raw.size(); i++) {
      normalizer.normalize(RawRecord.of(raw.get(i), "test:" + (i + 1)), out);
    }
    events.sort(Comparator.comparing(AuditEvent::getTime));
    try (DetectionEngine engine =
        DetectionEngine.start(
            PackCompiler.compile(RulePack.builtIn()),
            alert -> index(ALERTS, alert.alertId(), AlertJson.toJson(alert)))) {
      events.forEach(engine::accept);
      engine.flush();
    }
    call("POST", "/" + EVENTS + "*," + ALERTS + "/_refresh", null);
    for (JsonNode hit :
        JSON.readTree(call("GET", "/" + ALERTS + "/_search?size=100", null))
            .path("hits")
            .path("hits")) {
      alertByRule.put(hit.path("_source").path("rule_name").asText(), hit.path("_source"));
    }
  }

  @AfterAll
  static void deleteTheIndicesAndClose() throws IOException {
    // Retention tests in this JVM judge every vigil-* index: leave none behind.
    deleteTheIndices();
    connection.close();
  }

  @Test
  void theDocumentedQueriesAreTheOnesThisTestRuns() {
    assertThat(documentedQueries).hasSize(6);
    assertThat(alertByRule)
        .containsKeys("denied_access_spike", "root_token_use", "gcp_iam_policy_change");
  }

  /** Every alert's listed events, and only them, though GCP reused an insertId a month before. */
  @Test
  void theListedEventsOfEveryAlertAreExactlyItsEventIds() throws IOException {
    for (JsonNode alert : alertByRule.values()) {
      assertThat(ids(run(0, alert)))
          .as("the events of %s", alert.path("rule_name"))
          .containsExactlyElementsOf(texts(alert.path("event_ids")));
    }
    JsonNode gcp = alertByRule.get("gcp_iam_policy_change");
    assertThat(gcp.path("event_ids")).hasSize(1);
    String idsAlone =
        "{\"query\":{\"terms\":{\"event_id\":" + gcp.path("event_ids").toString() + "}}}";
    assertThat(search(idsAlone).path("hits").path("hits"))
        .as("by its ids alone the alert also finds the entry of October with the same insertId")
        .hasSize(2);
  }

  @Test
  void allTheEventsOfTheSpikeAreItsGroupsDeniedEventsInItsWindow() throws IOException {
    JsonNode spike = alertByRule.get("denied_access_spike");
    assertThat(spike.path("event_count").asInt()).isEqualTo(10);
    assertThat(ids(run(1, spike))).containsExactlyElementsOf(texts(spike.path("event_ids")));
  }

  @Test
  void theActorsHourAroundTheSpikeHasHerPolicyChangeButNotHerCallAnHourLater() throws IOException {
    JsonNode spike = alertByRule.get("denied_access_spike");
    List<String> ids = ids(run(2, spike));
    assertThat(ids)
        .hasSize(11)
        .containsAll(texts(spike.path("event_ids")))
        .contains("c2000000-0000-4000-8000-000000000010")
        .doesNotContain("c2000000-0000-4000-8000-000000000011");
  }

  @Test
  void theSpikesAddressLeadsToTheVaultAndGcpEventsFromIt() throws IOException {
    JsonNode spike = alertByRule.get("denied_access_spike");
    assertThat(keys(run(3, spike).path("aggregations").path("addresses")))
        .containsExactly(Map.entry(ADDRESS, 10L));

    // All twelve of alice's calls, the root token's two entries, dave's policy change.
    JsonNode sources = run(4, spike).path("aggregations").path("sources");
    assertThat(keys(sources))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("AWS_CLOUDTRAIL", 12L, "VAULT", 2L, "GCP_AUDIT", 1L));
    for (JsonNode source : sources.path("buckets")) {
      assertThat(keys(source.path("actors")))
          .as("the actors from %s in %s", ADDRESS, source.path("key"))
          .containsOnlyKeys(
              switch (source.path("key").asText()) {
                case "AWS_CLOUDTRAIL" -> "alice";
                case "VAULT" -> "root";
                default -> "dave@example.com";
              });
    }
  }

  @Test
  void theRootTokensAlertOnItsRequestEntryLeadsToBothEntries() throws IOException {
    JsonNode root = alertByRule.get("root_token_use");
    assertThat(texts(root.path("event_ids"))).containsExactly(ROOT_REQUEST + ":request");
    assertThat(ids(run(5, root)))
        .containsExactly(ROOT_REQUEST + ":request", ROOT_REQUEST + ":response");
  }

  /** The {@code n}th documented query, its placeholders filled from {@code alert}. */
  private static JsonNode run(int n, JsonNode alert) throws IOException {
    String eventIds = alert.path("event_ids").toString();
    String firstId = alert.path("event_ids").path(0).asText();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("<event_ids>", eventIds.substring(1, eventIds.length() - 1));
    values.put("<window_start>", alert.path("window_start").asText());
    values.put("<window_end>", alert.path("window_end").asText());
    values.put("<time>", alert.path("time").asText());
    values.put("<group.actor.id>", alert.path("group").path("actor.id").asText());
    values.put("<src.ip>", ADDRESS);
    values.put("<request.id>", firstId.substring(0, Math.max(0, firstId.lastIndexOf(':'))));
    String body = documentedQueries.get(n);
    for (Map.Entry<String, String> value : values.entrySet()) {
      body = body.replace(value.getKey(), value.getValue());
    }
    assertThat(body)
        .as("query %s has a placeholder this test does not fill", n)
        .doesNotContain("<");
    return search(body);
  }

  /**
   * The bodies of the {@code S vigil-events '...'} lines of the two sections, in page order; a
   * query may go on over several lines until its closing quote.
   */
  private static List<String> documentedQueries() throws IOException {
    String page = Files.readString(Path.of("..", "docs", "opensearch.md"));
    int from = page.indexOf("### From an alert to its events");
    int to = page.indexOf("\n## ", from);
    assertThat(from).as("docs/opensearch.md has the section").isPositive();
    Matcher query =
        Pattern.compile("(?m)^S vigil-events '([^']*)'").matcher(page.substring(from, to));
    List<String> bodies = new ArrayList<>();
    while (query.find()) {
      bodies.add(query.group(1));
    }
    return bodies;
  }

  private static JsonNode search(String body) throws IOException {
    JSON.readTree(body); // the page's query is JSON as written
    return JSON.readTree(call("POST", "/" + EVENTS + "*/_search", body));
  }

  private static List<String> ids(JsonNode answer) {
    List<String> ids = new ArrayList<>();
    answer.path("hits").path("hits").forEach(hit -> ids.add(hit.path("_id").asText()));
    return ids;
  }

  private static Map<String, Long> keys(JsonNode terms) {
    Map<String, Long> keys = new LinkedHashMap<>();
    terms
        .path("buckets")
        .forEach(b -> keys.put(b.path("key").asText(), b.path("doc_count").asLong()));
    return keys;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(e -> texts.add(e.asText()));
    return texts;
  }

  private static void index(String index, String id, String document) {
    try {
      call("PUT", "/" + index + "/_doc/" + id, document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTheIndices() throws IOException {
    call("DELETE", "/" + EVENTS + "*," + ALERTS + "?ignore_unavailable=true", null);
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

  private static String aliceCalls(String eventId, String time, String rest) {
    return "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":"
        + "\"AIDAEXAMPLEALICE\",\"arn\":\""
        + ALICE_ARN
        + "\",\"accountId\":\"111122223333\",\"userName\":\"alice\"},\"eventTime\":\"2026-11-20T"
        + time
        + "Z\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\""
        + ADDRESS
        + "\",\"userAgent\":\"aws-cli/2\",\"eventID\":\""
        + eventId
        + "\",\"recipientAccountId\":\"111122223333\",\"eventType\":\"AwsApiCall\","
        + rest
        + "}";
  }

  /** A Vault root token reading a secret: its request and its response entry. */
  private static List<String> rootTokenRead() {
    String common =
        "\"auth\":{\"client_token\":\"hmac-sha256:c9\",\"accessor\":\"hmac-sha256:a9\","
            + "\"display_name\":\"root\",\"policies\":[\"root\"],\"token_type\":\"service\"},"
            + "\"request\":{\"id\":\""
            + ROOT_REQUEST
            + "\",\"namespace\":{\"id\":\"root\"},\"operation\":\"read\",\"mount_type\":\"kv\","
            + "\"path\":\"secret/data/prod/db\",\"remote_address\":\""
            + ADDRESS
            + "\"}";
    return List.of(
        "{\"time\":\"2026-11-20T10:20:00.1Z\",\"type\":\"request\"," + common + "}",
        "{\"time\":\"2026-11-20T10:20:00.2Z\",\"type\":\"response\","
            + common
            + ",\"response\":{}}");
  }

  /** A GCP Admin Activity entry; both calls carry {@link #INSERT_ID}. */
  private static String gcpIamPolicy(String timestamp, String callerIp, String method) {
    return "{\"insertId\":\""
        + INSERT_ID
        + "\",\"logName\":\"projects/acme-prod-4411/logs/cloudaudit.googleapis.com%2Factivity\","
        + "\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\","
        + "\"authenticationInfo\":{\"principalEmail\":\"dave@example.com\"},"
        + "\"authorizationInfo\":[{\"resource\":\"projects/acme-prod-4411\",\"permission\":"
        + "\"resourcemanager.projects."
        + (method.equals("SetIamPolicy") ? "setIamPolicy" : "getIamPolicy")
        + "\",\"granted\":true}],\"methodName\":\""
        + method
        + "\",\"requestMetadata\":{\"callerIp\":\""
        + callerIp
        + "\"},\"resourceName\":\"projects/acme-prod-4411\",\"serviceName\":"
        + "\"cloudresourcemanager.googleapis.com\"},\"resource\":{\"type\":\"project\","
        + "\"labels\":{\"project_id\":\"acme-prod-4411\"}},\"severity\":\"NOTICE\","
        + "\"timestamp\":\""
        + timestamp
        + "\"}";
  }
}
