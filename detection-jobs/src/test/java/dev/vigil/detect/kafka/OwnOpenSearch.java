package dev.vigil.detect.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.stack.Component;
import dev.vigil.stack.LocalStack;
import dev.vigil.stack.StackConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.ScrollResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * A real OpenSearch node of one test class's own, through the stack module: on fixed loopback
 * ports, so that it comes back where the job expects it after {@link #stop()} and {@link #start()},
 * and with indices no other test writes to (the index names are fixed by the contract, so a shared
 * node would mix the documents of several tests).
 */
final class OwnOpenSearch implements AutoCloseable {

  private final Path stateDir;
  private final LocalStack stack;
  private final URI url;
  private final OpenSearchConnection connection;

  private OwnOpenSearch(Path stateDir, LocalStack stack, URI url) {
    this.stateDir = stateDir;
    this.stack = stack;
    this.url = url;
    this.connection = OpenSearchConnection.open(OpenSearchConfig.local(url));
  }

  static OwnOpenSearch launch() throws IOException {
    // Readable and searchable by others: as root, OpenSearch runs as an unprivileged user.
    Path stateDir =
        Files.createTempDirectory(
            "vigil-own-opensearch-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    StackConfig config =
        StackConfig.forTests(stateDir).toBuilder()
            .components(Set.of(Component.OPENSEARCH))
            .openSearchHttpPort(freePort())
            .openSearchTransportPort(freePort())
            .build();
    LocalStack stack = new LocalStack(config);
    try {
      URI url = stack.up().openSearch().orElseThrow().url();
      return new OwnOpenSearch(stateDir, stack, url);
    } catch (RuntimeException e) {
      stack.down();
      deleteRecursively(stateDir);
      throw e;
    }
  }

  /**
   * Launches a node in the background (it takes a while to boot) while the test prepares the rest;
   * {@link Launching#get()} waits for it, {@link Launching#close()} stops it whatever happened.
   */
  static Launching launchInBackground() {
    return new Launching(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return launch();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }));
  }

  /** A node being launched; closing it closes the node once it is up. */
  record Launching(CompletableFuture<OwnOpenSearch> node) implements AutoCloseable {
    OwnOpenSearch get() throws Exception {
      return node.get(5, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws Exception {
      OwnOpenSearch launched;
      try {
        launched = node.get(5, TimeUnit.MINUTES);
      } catch (ExecutionException e) {
        return; // it never came up; launch() cleaned up after itself
      }
      launched.close();
    }
  }

  URI url() {
    return url;
  }

  OpenSearchClient client() {
    return connection.client();
  }

  /** Stops the node's process (SIGTERM); its data stays. */
  void stop() {
    stack.down(EnumSet.of(Component.OPENSEARCH));
  }

  /** Starts the node again on its data and ports, and waits until it answers. */
  void start() {
    stack.up(EnumSet.of(Component.OPENSEARCH));
  }

  boolean running() {
    return stack.status().isRunning(Component.OPENSEARCH);
  }

  /** Documents in the indices matching {@code pattern}, after a refresh. */
  long count(String pattern) throws IOException {
    client().indices().refresh(r -> r.index(pattern).ignoreUnavailable(true));
    return client().count(c -> c.index(pattern).ignoreUnavailable(true)).count();
  }

  /** Every document in the indices matching {@code pattern}, after a refresh. */
  List<Hit<ObjectNode>> all(String pattern) throws IOException {
    client().indices().refresh(r -> r.index(pattern).ignoreUnavailable(true));
    List<Hit<ObjectNode>> hits = new ArrayList<>();
    SearchResponse<ObjectNode> first =
        client()
            .search(
                s -> s.index(pattern).ignoreUnavailable(true).size(1000).scroll(t -> t.time("1m")),
                ObjectNode.class);
    hits.addAll(first.hits().hits());
    String scrollId = first.scrollId();
    List<Hit<ObjectNode>> page = first.hits().hits();
    while (!page.isEmpty() && scrollId != null) {
      String id = scrollId;
      ScrollResponse<ObjectNode> next =
          client().scroll(r -> r.scrollId(id).scroll(t -> t.time("1m")), ObjectNode.class);
      page = next.hits().hits();
      hits.addAll(page);
      scrollId = next.scrollId();
    }
    if (scrollId != null) {
      String id = scrollId;
      client().clearScroll(c -> c.scrollId(id));
    }
    return hits;
  }

  @Override
  public void close() throws IOException {
    try {
      connection.close();
    } finally {
      stack.down();
      deleteRecursively(stateDir);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
