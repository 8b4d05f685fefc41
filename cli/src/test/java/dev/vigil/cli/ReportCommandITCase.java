package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * {@code vigil report --opensearch} on a real node: an alert and an event indexed by the index
 * contract in February 2031 (a month no other test writes to) come back in the report.
 */
@RealOpenSearch
class ReportCommandITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void reportsAPeriodFromTheIndicesAndTheReportVerifies(OpenSearchEndpoint openSearch)
      throws IOException {
    IndexContract contract = IndexContract.builtIn();
    try (OpenSearchConnection connection =
        OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()))) {
      new TemplateInstaller(connection.client(), new IndexSettings(1, 0, Duration.ofSeconds(1)))
          .install();
      JsonNode alert =
          JSON.readTree(
              "{\"alert_id\":\"it-alert\",\"rule_id\":\"r\",\"rule_title\":\"Policy change\","
                  + "\"rule_version\":1,\"detection\":\"policy_change\",\"severity\":\"high\","
                  + "\"time\":\"2031-02-10T12:00:00Z\",\"window_start\":\"2031-02-10T12:00:00Z\","
                  + "\"window_end\":\"2031-02-10T12:00:00Z\",\"group\":{\"actor.id\":\"alice\"},"
                  + "\"sources\":[\"VAULT\"],\"event_ids\":[\"it-event\"],\"event_count\":1,"
                  + "\"summary\":\"alice changed a policy\",\"tags\":[\"compliance.soc2.cc6.3\"]}");
      JsonNode event =
          JSON.readTree(
              "{\"event_id\":\"it-event\",\"time\":\"2031-02-10T12:00:00.000Z\","
                  + "\"source\":\"VAULT\",\"category\":\"POLICY_CHANGE\",\"action\":\"update\","
                  + "\"operation\":\"sys/policies/acl/it\",\"ocsf_class_uid\":6003,"
                  + "\"outcome\":\"SUCCESS\",\"denied\":false,"
                  + "\"actor\":{\"id\":\"alice\",\"type\":\"USER\"},\"src\":{},\"target\":{},"
                  + "\"raw\":\"{}\",\"origin\":\"it:1\"}");
      index(
          connection,
          contract.alertIndex(Instant.parse("2031-02-10T12:00:00Z")),
          "it-alert",
          alert);
      index(connection, contract.eventIndex(EventJson.readEvent(event)), "it-event", event);
    }

    CliRun.Result report =
        new CliRun(dir, List.of())
            .execute(
                "report",
                "--period",
                "2031-02",
                "--opensearch",
                openSearch.url().toString(),
                "--out",
                "out");

    assertThat(report.exitCode()).as(report.stderr()).isZero();
    assertThat(report.stderrLines().get(0))
        .isEqualTo(
            "vigil report: 2031-02: 1 alert, 1 event, 0 dead letters, from OpenSearch at "
                + openSearch.url());
    JsonNode json = JSON.readTree(dir.resolve("out/report.json").toFile());
    assertThat(json.path("input").path("kind").asText()).isEqualTo("opensearch");
    assertThat(json.path("input").path("urls").path(0).asText())
        .isEqualTo(openSearch.url().toString());
    assertThat(json.path("input").path("aliases").path("dead_letters").asText())
        .isEqualTo("vigil-deadletters");
    assertThat(json.path("coverage").path("events_by_category").path("POLICY_CHANGE").asLong())
        .isEqualTo(1);
    assertThat(json.path("controls").findValuesAsText("tag")).contains("compliance.soc2.cc6.3");

    CliRun.Result verified = new CliRun(dir, List.of()).execute("report", "verify", "out");
    assertThat(verified.exitCode()).as(verified.stderr()).isZero();
  }

  private static void index(
      OpenSearchConnection connection, String index, String id, JsonNode document)
      throws IOException {
    try (Response response =
        connection
            .client()
            .generic()
            .execute(
                Requests.builder()
                    .method("PUT")
                    .endpoint("/" + index + "/_doc/" + id)
                    .query(Map.of("refresh", "true"))
                    .json(JSON.writeValueAsString(document))
                    .build())) {
      assertThat(response.getStatus()).as("indexing into %s", index).isLessThan(300);
    }
  }
}
