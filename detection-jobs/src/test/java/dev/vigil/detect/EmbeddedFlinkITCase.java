package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.junit.jupiter.api.Test;

/**
 * The embedded cluster listens on the loopback interface only: its REST API and blob server, as the
 * started cluster reports them, refuse connections made to this machine under any other address.
 *
 * <p>The other address is 127.0.0.2: on Linux all of 127.0.0.0/8 reaches the loopback interface, so
 * a socket listening on every interface accepts a connection to it and one bound to 127.0.0.1
 * refuses it, without the test needing a network interface. The first test checks that premise.
 */
class EmbeddedFlinkITCase {

  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  @Test
  void aSocketOnEveryInterfaceIsReachedThroughAnotherLoopbackAddress() throws IOException {
    try (ServerSocket everyInterface = new ServerSocket(0)) {
      assertThat(reachable(otherAddress(), everyInterface.getLocalPort())).isTrue();
    }
  }

  @Test
  void everyListenerBindsLoopbackOnly() throws Exception {
    MiniCluster cluster =
        EmbeddedFlink.cluster(new Configuration(), 1, EmbeddedFlink.ANY_FREE_PORT);
    try {
      cluster.start();
      URI rest = EmbeddedFlink.restAddress(cluster);
      int blobPort = cluster.getClusterInformation().getBlobServerPort();

      assertThat(rest.getScheme()).isEqualTo("http");
      assertThat(rest.getHost()).isEqualTo("127.0.0.1");
      assertThat(rest.getPath()).isEqualTo("/");
      assertThat(rest.getPort()).isPositive();
      assertListensOnLoopbackOnly(rest.getPort());
      assertListensOnLoopbackOnly(blobPort);
    } finally {
      cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void theRestApiTakesTheGivenPort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    MiniCluster cluster = EmbeddedFlink.cluster(new Configuration(), 1, port);
    try {
      cluster.start();
      assertThat(EmbeddedFlink.restAddress(cluster))
          .isEqualTo(URI.create("http://127.0.0.1:" + port + "/"));
      assertListensOnLoopbackOnly(port);
    } finally {
      cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
  }

  private static void assertListensOnLoopbackOnly(int port) throws IOException {
    assertThat(reachable(InetAddress.getByName("127.0.0.1"), port))
        .as("port %d answers on 127.0.0.1", port)
        .isTrue();
    assertThat(reachable(otherAddress(), port))
        .as("port %d answers on 127.0.0.2, so it listens beyond 127.0.0.1", port)
        .isFalse();
  }

  private static InetAddress otherAddress() throws IOException {
    return InetAddress.getByName("127.0.0.2");
  }

  private static boolean reachable(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }
}
