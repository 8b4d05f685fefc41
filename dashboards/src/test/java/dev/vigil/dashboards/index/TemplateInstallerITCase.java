package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.TemplateInstaller.Installed;
import dev.vigil.dashboards.index.TemplateInstaller.Status;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

@RealOpenSearch
class TemplateInstallerITCase {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final IndexSettings SINGLE_NODE = new IndexSettings(1, 0, Duration.ofSeconds(1));

  private static OpenSearchConnection connection;
  private static OpenSearchClient client;

  @BeforeAll
  static void connect(OpenSearchEndpoint openSearch) {
    connection = OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()));
    client = connection.client();
  }

  @AfterAll
  static void close() throws IOException {
    connection.close();
  }

  @Test
  void installsOnceThenReportsUnchangedAndUpdatesWhenSettingsChange() throws IOException {
    new TemplateInstaller(client, SINGLE_NODE).install();

    List<Installed> again = new TemplateInstaller(client, SINGLE_NODE).install();
    assertThat(again).extracting(Installed::status).containsOnly(Status.UNCHANGED).hasSize(3);

    List<Installed> changed =
        new TemplateInstaller(client, new IndexSettings(1, 0, Duration.ofSeconds(5))).install();
    assertThat(changed).extracting(Installed::status).containsOnly(Status.UPDATED);

    assertThat(new TemplateInstaller(client, SINGLE_NODE).install())
        .extracting(Installed::status)
        .containsOnly(Status.UPDATED);
  }

  @Test
  void anEventsIndexGetsTheCanonicalMappingAndJoinsTheAlias() throws IOException {
    new TemplateInstaller(client, SINGLE_NODE).install();
    String index = "vigil-events-secret-2031.01";
    client.indices().create(c -> c.index(index));

    JsonNode properties = get("/" + index + "/_mapping").path(index).path("mappings");
    assertThat(properties.path("dynamic").asText()).isEqualTo("strict");
    JsonNode fields = properties.path("properties");
    assertThat(type(fields, "event_id")).isEqualTo("keyword");
    assertThat(type(fields, "time")).isEqualTo("date");
    assertThat(type(fields, "denied")).isEqualTo("boolean");
    assertThat(type(fields, "ocsf_class_uid")).isEqualTo("integer");
    assertThat(type(fields.path("actor").path("properties"), "id")).isEqualTo("keyword");
    assertThat(type(fields.path("actor").path("properties"), "root")).isEqualTo("boolean");
    assertThat(type(fields.path("src").path("properties"), "ip")).isEqualTo("ip");
    assertThat(type(fields.path("target").path("properties"), "resource")).isEqualTo("keyword");
    JsonNode raw = fields.path("raw");
    assertThat(raw.path("index").asBoolean(true)).as("raw is not indexed").isFalse();
    assertThat(raw.path("doc_values").asBoolean(true)).as("raw has no doc values").isFalse();

    JsonNode aliases = get("/" + index + "/_alias").path(index).path("aliases");
    assertThat(aliases.has(IndexContract.EVENTS_ALIAS)).isTrue();
    JsonNode settings = get("/" + index + "/_settings").path(index).path("settings").path("index");
    assertThat(settings.path("number_of_replicas").asText()).isEqualTo("0");
    assertThat(settings.path("codec").asText()).isEqualTo("best_compression");
  }

  @Test
  void alertAndDeadLetterIndicesGetTheirMappings() throws IOException {
    new TemplateInstaller(client, SINGLE_NODE).install();
    client.indices().create(c -> c.index("vigil-alerts-2031.01"));
    client.indices().create(c -> c.index("vigil-deadletters-2031.01"));

    JsonNode alerts =
        get("/vigil-alerts-2031.01/_mapping").path("vigil-alerts-2031.01").path("mappings");
    assertThat(type(alerts.path("properties"), "alert_id")).isEqualTo("keyword");
    assertThat(type(alerts.path("properties"), "window_start")).isEqualTo("date");
    assertThat(type(alerts.path("properties"), "event_count")).isEqualTo("long");
    JsonNode group = alerts.path("properties").path("group");
    assertThat(group.path("dynamic").asText()).isEqualTo("true");
    assertThat(type(group.path("properties").path("actor").path("properties"), "id"))
        .as("group.actor is an object, group.actor.id a keyword")
        .isEqualTo("keyword");
    assertThat(type(alerts.path("properties"), "severity_rank")).isEqualTo("integer");
    assertThat(type(alerts.path("properties"), "indexed_at")).isEqualTo("date");
    JsonNode deadLetters =
        get("/vigil-deadletters-2031.01/_mapping")
            .path("vigil-deadletters-2031.01")
            .path("mappings");
    assertThat(type(deadLetters.path("properties"), "reason")).isEqualTo("keyword");
    assertThat(type(deadLetters.path("properties"), "received_at")).isEqualTo("date");
    assertThat(
            get("/vigil-alerts-2031.01/_alias")
                .path("vigil-alerts-2031.01")
                .path("aliases")
                .has(IndexContract.ALERTS_ALIAS))
        .isTrue();
  }

  /**
   * What an analyst asks of alerts (review 4, #1, #12, #16): alerts per actor, a leading wildcard
   * typed in Discover, the group fields in the field list, severity in order, what arrived lately.
   * Alert documents as the sink writes them: {@code group} with dotted keys ({@code AlertJson}).
   */
  @Test
  void alertsAggregateByGroupFieldsAndRangeBySeverityRankAndIndexedAt() throws IOException {
    new TemplateInstaller(client, SINGLE_NODE).install();
    String index = "vigil-alerts-2031.02";
    String root = "arn:aws:iam::123456789012:root";
    String mallory = "arn:aws:iam::123456789012:user/mallory";
    String now = Instant.now().toString();
    index(index, "g1", alert("g1", "high", 4, now, "{\"actor.id\":\"" + root + "\"}"));
    index(
        index,
        "g2",
        alert(
            "g2",
            "critical",
            5,
            now,
            "{\"actor.id\":\"" + root + "\",\"src.ip\":\"198.51.100.7\"}"));
    index(
        index,
        "g3",
        alert("g3", "medium", 3, "2025-02-01T00:00:00.000Z", "{\"actor.id\":\"" + mallory + "\"}"));
    // A custom rule's raw-path keys, and values that are not strings, then strings for the same.
    index(
        index,
        "g4",
        alert(
            "g4",
            "low",
            2,
            now,
            "{\"userIdentity.arn\":\""
                + mallory
                + "\",\"requestParameters.count\":3,\"flag\":true}"));
    index(
        index,
        "g5",
        alert("g5", "low", 2, now, "{\"requestParameters.count\":\"many\",\"flag\":\"maybe\"}"));
    refresh(index);

    JsonNode buckets =
        search(index, "{\"size\":0,\"aggs\":{\"g\":{\"terms\":{\"field\":\"group.actor.id\"}}}}")
            .path("aggregations")
            .path("g")
            .path("buckets");
    assertThat(buckets)
        .extracting(b -> b.path("key").asText() + "=" + b.path("doc_count").asInt())
        .containsExactly(root + "=2", mallory + "=1");
    assertThat(count(index, "group.actor.id:*root")).as("leading wildcard").isEqualTo(2);
    assertThat(count(index, "group.src.ip:\"198.51.100.7\"")).isEqualTo(1);
    assertThat(count(index, "group.userIdentity.arn:*mallory")).isEqualTo(1);
    assertThat(count(index, "group.flag:true OR group.flag:maybe")).isEqualTo(2);
    assertThat(count(index, "group.requestParameters.count:3")).isEqualTo(1);

    JsonNode caps = get("/" + index + "/_field_caps?fields=group.*").path("fields");
    for (String field :
        List.of(
            "group.actor.id",
            "group.src.ip",
            "group.target.resource",
            "group.userIdentity.arn",
            "group.requestParameters.count",
            "group.flag")) {
      JsonNode keyword = caps.path(field).path("keyword");
      assertThat(keyword.path("aggregatable").asBoolean()).as(field).isTrue();
    }

    assertThat(count(index, "severity_rank:>=4")).as("high and critical").isEqualTo(2);
    JsonNode bySeverity =
        search(
            index,
            "{\"size\":5,\"sort\":[{\"severity_rank\":\"desc\"}],\"_source\":[\"severity\"]}");
    assertThat(bySeverity.path("hits").path("hits"))
        .extracting(hit -> hit.path("_source").path("severity").asText())
        .containsExactly("critical", "high", "medium", "low", "low");
    assertThat(count(index, "indexed_at:>now-1h")).isEqualTo(4);
  }

  /**
   * Events as an analyst searches them (review 4, #10, #11): a word of an operation or a resource
   * in any case, and one Azure operation that its records spell three ways, as one value.
   */
  @Test
  void eventsMatchOperationsAndResourcesByWordAndWithoutCase() throws IOException {
    new TemplateInstaller(client, SINGLE_NODE).install();
    IndexContract contract = IndexContract.builtIn();
    List<AuditEvent> events =
        List.of(
            Events.event(
                "2031-03-01T00:00:01Z",
                "source=AZURE_MONITOR",
                "operation=MICROSOFT.AUTHORIZATION/LOCKS/DELETE",
                "target.resource=/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.AUTHORIZATION/LOCKS/L1"),
            Events.event(
                "2031-03-01T00:00:02Z",
                "source=AZURE_MONITOR",
                "operation=Microsoft.Authorization/locks/delete",
                "target.resource=/subscriptions/0000/resourceGroups/rg1/providers/Microsoft.Authorization/locks/l1"),
            Events.event(
                "2031-03-01T00:00:03Z",
                "source=AZURE_MONITOR",
                "operation=microsoft.authorization/locks/delete"),
            Events.event(
                "2031-03-01T00:00:04Z",
                "source=AWS_CLOUDTRAIL",
                "operation=GetSecretValue",
                "target.resource=prod/payments/db",
                "actor.name=break-glass-admin/bob-incident-4411"));
    String index = contract.eventIndex(events.get(0));
    for (AuditEvent event : events) {
      index(contract.eventIndex(event), event.getEventId(), EventJson.toJson(event));
    }
    refresh(index);

    assertThat(count(index, "operation.text:getsecretvalue")).isEqualTo(1);
    assertThat(count(index, "target.resource.text:payments")).isEqualTo(1);
    assertThat(count(index, "actor.name.text:bob")).isEqualTo(1);
    assertThat(count(index, "operation.text:locks AND operation.text:delete")).isEqualTo(3);
    assertThat(count(index, "operation.lower:\"microsoft.authorization/locks/delete\""))
        .isEqualTo(3);
    assertThat(
            count(
                index,
                "target.resource.lower:\"/subscriptions/0000/resourcegroups/rg1/providers/microsoft.authorization/locks/l1\""))
        .isEqualTo(2);
    assertThat(count(index, "operation:\"Microsoft.Authorization/locks/delete\""))
        .as("the keyword itself stays exact")
        .isEqualTo(1);
    JsonNode buckets =
        search(
                index,
                "{\"size\":0,\"query\":{\"term\":{\"source\":\"AZURE_MONITOR\"}},"
                    + "\"aggs\":{\"o\":{\"terms\":{\"field\":\"operation.lower\"}}}}")
            .path("aggregations")
            .path("o")
            .path("buckets");
    assertThat(buckets)
        .extracting(b -> b.path("key").asText() + "=" + b.path("doc_count").asInt())
        .containsExactly("microsoft.authorization/locks/delete=3");
  }

  /**
   * An upgrade over indices the previous template made: the changed template is reinstalled (its
   * digest differs), and this month's alerts index, which the sink goes on writing to, gets the
   * fields the new sink writes; its other fields keep their mapping until the next index.
   */
  @Test
  void reinstallingOverTheOldTemplateGivesExistingIndicesTheNewFields() throws IOException {
    ObjectNode old = TemplateInstaller.render("vigil-alerts", SINGLE_NODE);
    ObjectNode oldMappings = (ObjectNode) old.path("template").path("mappings");
    oldMappings.remove("dynamic_templates");
    ObjectNode oldProperties = (ObjectNode) oldMappings.path("properties");
    oldProperties.remove(List.of("indexed_at", "severity_rank"));
    oldProperties.putObject("group").put("type", "flat_object");
    ObjectNode oldMeta = (ObjectNode) old.path("_meta");
    oldMeta.remove(TemplateInstaller.DIGEST_KEY);
    oldMeta.put(TemplateInstaller.DIGEST_KEY, TemplateInstaller.sha256(old));
    put("/_index_template/vigil-alerts", JSON.writeValueAsString(old));
    String current = "vigil-alerts-2029.11";
    client.indices().create(c -> c.index(current));

    List<Installed> installed = new TemplateInstaller(client, SINGLE_NODE).install();

    Installed alerts =
        installed.stream().filter(i -> i.name().equals("vigil-alerts")).findFirst().orElseThrow();
    assertThat(alerts.status()).isEqualTo(Status.UPDATED);
    assertThat(alerts.extendedIndices()).contains(current);
    JsonNode properties =
        get("/" + current + "/_mapping").path(current).path("mappings").path("properties");
    assertThat(type(properties, "indexed_at")).isEqualTo("date");
    assertThat(type(properties, "severity_rank")).isEqualTo("integer");
    assertThat(type(properties, "group")).as("until the next index").isEqualTo("flat_object");
    assertThat(properties.path("group").has("properties")).isFalse();
    index(
        current,
        "upgraded",
        alert("upgraded", "high", 4, Instant.now().toString(), "{\"actor.id\":\"a\"}"));

    assertThat(new TemplateInstaller(client, SINGLE_NODE).install())
        .allSatisfy(again -> assertThat(again.status()).isEqualTo(Status.UNCHANGED))
        .allSatisfy(again -> assertThat(again.extendedIndices()).isEmpty());
    String next = "vigil-alerts-2029.12";
    client.indices().create(c -> c.index(next));
    JsonNode nextGroup =
        get("/" + next + "/_mapping").path(next).path("mappings").path("properties").path("group");
    assertThat(type(nextGroup.path("properties").path("actor").path("properties"), "id"))
        .isEqualTo("keyword");
  }

  /** An alert document as {@code AlertJson} writes it and the sink adds to it. */
  private static String alert(
      String id, String severity, int rank, String indexedAt, String groupJson) {
    return "{\"alert_id\":\""
        + id
        + "\",\"rule_id\":\"r\",\"rule_name\":\"r\",\"rule_title\":\"R\",\"rule_version\":1,"
        + "\"rule_author\":\"Vigil\",\"detection\":\"d\",\"severity\":\""
        + severity
        + "\",\"time\":\"2031-02-01T00:00:00Z\",\"window_start\":\"2031-02-01T00:00:00Z\","
        + "\"window_end\":\"2031-02-01T00:00:00Z\",\"group\":"
        + groupJson
        + ",\"sources\":[\"AWS_CLOUDTRAIL\"],\"event_ids\":[\"e\"],\"event_count\":1,"
        + "\"summary\":\"s\",\"tags\":[],\"severity_rank\":"
        + rank
        + ",\"indexed_at\":\""
        + indexedAt
        + "\"}";
  }

  private static void index(String index, String id, String json) throws IOException {
    JsonNode answer = put("/" + index + "/_doc/" + id, json);
    assertThat(answer.path("result").asText()).as(answer.toString()).isIn("created", "updated");
  }

  private static void refresh(String index) throws IOException {
    client.indices().refresh(r -> r.index(index));
  }

  private static long count(String index, String query) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("query").putObject("query_string").put("query", query);
    return send("POST", "/" + index + "/_count", JSON.writeValueAsString(body))
        .path("count")
        .asLong();
  }

  private static JsonNode search(String index, String body) throws IOException {
    return send("POST", "/" + index + "/_search", body);
  }

  private static JsonNode put(String path, String body) throws IOException {
    return send("PUT", path, body);
  }

  private static JsonNode send(String method, String path, String body) throws IOException {
    try (Response response =
        client
            .generic()
            .execute(Requests.builder().method(method).endpoint(path).json(body).build())) {
      String answer = response.getBody().map(Body::bodyAsString).orElse("");
      assertThat(response.getStatus()).as(method + " " + path + ": " + answer).isLessThan(300);
      return JSON.readTree(answer);
    }
  }

  private static String type(JsonNode properties, String field) {
    return properties.path(field).path("type").asText();
  }

  private static JsonNode get(String path) throws IOException {
    try (Response response =
        client.generic().execute(Requests.builder().method("GET").endpoint(path).build())) {
      assertThat(response.getStatus()).as("GET " + path).isEqualTo(200);
      return JSON.readTree(response.getBody().map(Body::bodyAsString).orElseThrow());
    }
  }
}
