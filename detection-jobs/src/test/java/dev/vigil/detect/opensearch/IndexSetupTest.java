package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.dashboards.client.OpenSearchConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code vigil run} says when OpenSearch is not ready for the job. */
class IndexSetupTest {

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
