package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.TemplateInstaller.Installed;
import dev.vigil.dashboards.index.TemplateInstaller.Status;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.time.Duration;
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
    assertThat(type(alerts.path("properties"), "group")).isEqualTo("flat_object");
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
