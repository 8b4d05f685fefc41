package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil dashboards install} on a real OpenSearch node; OpenSearch Dashboards cannot run
 * here, so its import API is a loopback server answering the way Dashboards does.
 */
@RealOpenSearch
class DashboardsCommandITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static String url;

  @BeforeAll
  static void endpoint(OpenSearchEndpoint openSearch) {
    url = openSearch.url().toString();
  }

  @Test
  void installsTheTemplatesWithTheGivenSettingsAndASecondRunChangesNothing() throws Exception {
    CliRun.Result first =
        cli().execute("dashboards", "install", "--opensearch", url, "--replicas", "0");

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdoutLines())
        .hasSize(3)
        .allMatch(line -> line.matches("index template vigil-(events|alerts|deadletters): \\w+"));
    assertThat(first.stderr()).contains("give --dashboards URL");
    JsonNode events = get("/_index_template/vigil-events").path("index_templates").path(0);
    assertThat(
            events
                .path("index_template")
                .path("template")
                .path("settings")
                .path("index")
                .path("number_of_replicas")
                .asText())
        .isEqualTo("0");

    CliRun.Result second =
        cli().execute("dashboards", "install", "--opensearch", url, "--replicas", "0");

    assertThat(second.stdoutLines())
        .containsExactly(
            "index template vigil-events: UNCHANGED",
            "index template vigil-alerts: UNCHANGED",
            "index template vigil-deadletters: UNCHANGED");
  }

  /**
   * An upgrade over this month's alerts index, made by the previous template (no {@code
   * indexed_at}, {@code severity_rank}): the changed template is put again, and the index is given
   * the fields the upgraded sink writes, by name.
   */
  @Test
  void anUpgradeGivesTheIndexOfThisMonthTheNewFieldsAndSaysWhich() throws Exception {
    ObjectNode old =
        TemplateInstaller.render("vigil-alerts", new IndexSettings(1, 0, Duration.ofSeconds(1)));
    ObjectNode mappings = (ObjectNode) old.path("template").path("mappings");
    mappings.remove("dynamic_templates");
    ((ObjectNode) mappings.path("properties")).remove(List.of("indexed_at", "severity_rank"));
    ((ObjectNode) mappings.path("properties")).putObject("group").put("type", "flat_object");
    ((ObjectNode) old.path("_meta")).put("vigil_content_sha256", "the previous version's");
    send("PUT", "/_index_template/vigil-alerts", old.toString());
    send("PUT", "/vigil-alerts-2030.01", "{}");

    CliRun.Result upgrade =
        cli().execute("dashboards", "install", "--opensearch", url, "--replicas", "0");

    assertThat(upgrade.exitCode()).as(upgrade.stderr()).isZero();
    assertThat(upgrade.stdoutLines())
        .contains("index template vigil-alerts: UPDATED; new fields added to vigil-alerts-2030.01");
    assertThat(
            get("/vigil-alerts-2030.01/_mapping/field/indexed_at")
                .at("/vigil-alerts-2030.01/mappings/indexed_at/mapping/indexed_at/type")
                .asText())
        .isEqualTo("date");
  }

  @Test
  void importsTheSavedObjectsIntoDashboardsAfterTheTemplates() throws IOException {
    AtomicReference<String> requested = new AtomicReference<>();
    HttpServer dashboards =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    dashboards.createContext(
        "/",
        exchange -> {
          requested.set(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          exchange.getRequestBody().readAllBytes();
          byte[] body = "{\"successCount\":10,\"success\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    dashboards.start();
    try {
      CliRun.Result result =
          cli()
              .execute(
                  "dashboards",
                  "install",
                  "--opensearch",
                  url,
                  "--replicas",
                  "0",
                  "--dashboards",
                  "http://127.0.0.1:" + dashboards.getAddress().getPort());

      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdoutLines())
          .hasSize(4)
          .endsWith("saved objects: 10 imported into OpenSearch Dashboards");
      assertThat(requested.get()).isEqualTo("POST /api/saved_objects/_import?overwrite=true");
    } finally {
      dashboards.stop(0);
    }
  }

  @Test
  void anUnreachableDashboardsFailsTheCommandAfterTheTemplatesAreInstalled() {
    CliRun.Result result =
        cli()
            .execute(
                "dashboards",
                "install",
                "--opensearch",
                url,
                "--replicas",
                "0",
                "--dashboards",
                "http://127.0.0.1:9");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stdoutLines()).hasSize(3);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil dashboards install: importing the saved objects into OpenSearch Dashboards at"
                + " http://127.0.0.1:9 failed: ");
  }

  private static CliRun cli() {
    return new CliRun(dir, List.of());
  }

  private static void send(String method, String path, String body) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + path))
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(200);
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }
}
