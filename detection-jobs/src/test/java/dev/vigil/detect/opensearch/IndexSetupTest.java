package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.ingest.yaml.InvalidConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code vigil run} says when OpenSearch is not ready for the job. */
class IndexSetupTest {

  @TempDir Path dir;

  @Test
  void aBrokenRetentionFileIsAMistakeOfItsKeyBeforeAnythingIsAsked() throws IOException {
    Path retention = dir.resolve("retention.yaml");
    Files.writeString(retention, "classes: []\n");
    OpenSearchConfig local = OpenSearchConfig.local(URI.create("http://127.0.0.1:9"));
    OpenSearchConfig config =
        new OpenSearchConfig(
            local.urls(),
            null,
            null,
            local.tls(),
            local.connectTimeout(),
            local.responseTimeout(),
            retention.toString(),
            local.index(),
            local.bulk());

    // Both ways of starting: no node is asked, so nothing waits for one.
    for (boolean installTemplates : new boolean[] {false, true}) {
      assertThatThrownBy(
              () -> IndexSetup.prepare(config, installTemplates, Map.<String, String>of()::get))
          .isInstanceOfSatisfying(
              InvalidConfigException.class,
              e -> assertThat(e.key()).isEqualTo("opensearch.retention_file"))
          .hasMessage(
              "opensearch.retention_file: " + retention + ": 'classes' must be a non-empty list");
    }
  }

  @Test
  void anUnreachableNodeIsNamedByItsUrlWithTheWayToStartWithoutIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    OpenSearchConfig config = OpenSearchConfig.local(URI.create("http://127.0.0.1:" + closedPort));

    assertThatThrownBy(() -> IndexSetup.prepare(config, true, Map.<String, String>of()::get))
        .isInstanceOf(IndexSetup.IndexSetupException.class)
        .hasMessage(
            "installing the index templates failed on OpenSearch at http://127.0.0.1:"
                + closedPort
                + ": connection refused; check that it runs and answers from this machine"
                + " (opensearch.url), or turn sinks.opensearch.install_templates off to start"
                + " without it (its sinks retry their writes until it answers; then run vigil"
                + " dashboards install)");
  }

  @Test
  void withoutTemplatesAnUnreachableNodeIsAWarningNamingItsUrlAndWhy() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    OpenSearchConfig config = OpenSearchConfig.local(URI.create("http://127.0.0.1:" + closedPort));

    // Nothing asks the node when no templates are installed: the start goes on.
    assertThat(IndexSetup.prepare(config, false, Map.<String, String>of()::get)).isEmpty();
    assertThat(IndexSetup.unreachableWarning(config, Map.<String, String>of()::get))
        .contains(
            "OpenSearch at http://127.0.0.1:"
                + closedPort
                + " does not answer: connection refused; the job starts all the same"
                + " (sinks.opensearch.install_templates is off, so it needs nothing from OpenSearch"
                + " to start), and its OpenSearch sinks retry their writes until it answers"
                + " (opensearch.bulk.give_up_after)");
  }

  @Test
  void aNodeThatAnswersIsNoWarning() throws IOException {
    HttpServer node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    node.createContext(
        "/",
        exchange -> {
          byte[] info =
              ("{\"name\":\"n\",\"cluster_name\":\"c\",\"cluster_uuid\":\"u\",\"version\":"
                      + "{\"distribution\":\"opensearch\",\"number\":\"3.3.0\","
                      + "\"build_type\":\"tar\",\"build_hash\":\"h\",\"build_date\":"
                      + "\"2025-01-01T00:00:00Z\",\"build_snapshot\":false,\"lucene_version\":"
                      + "\"10.0.0\",\"minimum_wire_compatibility_version\":\"2.19.0\","
                      + "\"minimum_index_compatibility_version\":\"2.0.0\"},"
                      + "\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, info.length);
          exchange.getResponseBody().write(info);
          exchange.close();
        });
    node.start();
    try {
      OpenSearchConfig config =
          OpenSearchConfig.local(URI.create("http://127.0.0.1:" + node.getAddress().getPort()));

      assertThat(IndexSetup.unreachableWarning(config, Map.<String, String>of()::get)).isEmpty();
    } finally {
      node.stop(0);
    }
  }
}
