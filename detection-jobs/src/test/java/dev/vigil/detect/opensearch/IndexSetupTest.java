package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.ingest.yaml.InvalidConfigException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
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
  void anUnreachableNodeIsNamedByItsUrlAsTheCliNamesIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OpenSearchConfig config = OpenSearchConfig.local(URI.create("http://127.0.0.1:" + closedPort));

    assertThatThrownBy(() -> IndexSetup.prepare(config, true, Map.<String, String>of()::get))
        .isInstanceOf(IndexSetup.IndexSetupException.class)
        .hasMessage(
            "installing the index templates failed on OpenSearch at http://127.0.0.1:"
                + closedPort
                + ": connection refused");
  }
}
