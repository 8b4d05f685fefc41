package dev.vigil.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.io.OwnerOnlyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A single-node OpenSearch on loopback, from the integ-test-zip distribution (no security plugin,
 * so plain HTTP without credentials).
 *
 * <p>Design: the distribution is unpacked once per state directory into {@code home/} and its
 * configuration rewritten there; data and logs live beside it, outside the distribution. OpenSearch
 * refuses to run as root, so as root the node's directory is given to an unprivileged system user
 * and the process starts as that user. It needs a JDK 21+ while Vigil runs on 17: {@link
 * JavaRuntimes} finds one and the start script gets it as {@code OPENSEARCH_JAVA_HOME}. Disk
 * watermarks are off: a nearly full laptop or CI disk must not turn every index read-only.
 */
final class OpenSearchNode implements ManagedComponent {
  static final String URL = "url";
  static final String TRANSPORT = "transport";

  private static final int MINIMUM_JDK = 21;
  private static final String CLUSTER_NAME = "vigil-local";
  private static final String UNPACKED_MARKER = ".vigil-unpacked-from";
  private static final Duration HEALTH_CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StackConfig config;
  private final ComponentArtifacts artifacts;
  private final Path directory;

  OpenSearchNode(StackConfig config, ComponentArtifacts artifacts) {
    this.config = config;
    this.artifacts = artifacts;
    this.directory = config.componentDir(Component.OPENSEARCH);
  }

  @Override
  public Component component() {
    return Component.OPENSEARCH;
  }

  @Override
  public Path directory() {
    return directory;
  }

  private Path home() {
    return directory.resolve("home");
  }

  private Path logsDir() {
    return config.logDir(component());
  }

  private Path dataDir() {
    return config.dataDir(component());
  }

  @Override
  public List<Path> logFiles() {
    return List.of(logsDir().resolve(CLUSTER_NAME + ".log"), logsDir().resolve("opensearch.out"));
  }

  /** The node's ports {@code config} fixes (not those it leaves to the system). */
  static List<Ports.FixedPort> fixedPorts(StackConfig config) {
    return Ports.fixed(
        new Ports.FixedPort("OpenSearch HTTP", config.openSearchHttpPort(), "--opensearch-port"),
        new Ports.FixedPort(
            "OpenSearch transport",
            config.openSearchTransportPort(),
            "--opensearch-transport-port"));
  }

  @Override
  public Launched launch() {
    String what = "OpenSearch " + artifacts.openSearchVersion();
    Path javaHome = JavaRuntimes.find(MINIMUM_JDK, config.openSearchJavaHome(), what);
    int[] ports = Ports.resolve(config.openSearchHttpPort(), config.openSearchTransportPort());
    int httpPort = ports[0];
    int transportPort = ports[1];
    if (httpPort == transportPort) {
      throw new StackException("the OpenSearch HTTP and transport ports must differ: " + httpPort);
    }
    Optional<SystemUser> runAs =
        SystemUser.runningAsRoot()
            ? Optional.of(SystemUser.ensure(config.openSearchUser()))
            : Optional.empty();
    try {
      unpackDistribution();
      Path tmp = directory.resolve("tmp");
      for (Path dir : List.of(logsDir(), tmp)) {
        Files.createDirectories(dir);
      }
      // The indices hold every event with its raw record: owner-only, whatever the umask (the
      // node's user, when it runs as one, becomes the owner below).
      OwnerOnlyFiles.ownDirectory(dataDir());
      Files.writeString(
          home().resolve("config/opensearch.yml"), openSearchYml(httpPort, transportPort));
      Files.writeString(
          home().resolve("config/jvm.options.d/vigil.options"),
          String.join(
              "\n",
              ProcessRecord.stateDirMarker(directory),
              "-Xms" + config.openSearchHeap(),
              "-Xmx" + config.openSearchHeap(),
              ""));
      if (runAs.isPresent()) {
        runAs.get().requireReachable(directory);
        runAs.get().own(directory);
      }
      Map<String, String> environment = new LinkedHashMap<>();
      environment.put("OPENSEARCH_JAVA_HOME", javaHome.toString());
      environment.put("OPENSEARCH_PATH_CONF", home().resolve("config").toString());
      environment.put("OPENSEARCH_TMPDIR", tmp.toString());
      Process process =
          ProcessLauncher.launch(
              List.of(home().resolve("bin/opensearch").toString()),
              environment,
              home(),
              logsDir().resolve("opensearch.out"),
              config.lifetime(),
              runAs);
      Map<String, String> endpoints = new LinkedHashMap<>();
      endpoints.put(URL, "http://" + Ports.LOOPBACK + ":" + httpPort);
      endpoints.put(TRANSPORT, Ports.LOOPBACK + ":" + transportPort);
      return new Launched(process, ProcessRecord.of(process.toHandle(), endpoints));
    } catch (IOException e) {
      throw StackException.io("cannot prepare OpenSearch under " + directory, e);
    }
  }

  private String openSearchYml(int httpPort, int transportPort) {
    return String.join(
            "\n",
            "# Written by vigil stack on every start; edits are overwritten.",
            "cluster.name: " + CLUSTER_NAME,
            "node.name: vigil-local-1",
            "discovery.type: single-node",
            "network.host: " + Ports.LOOPBACK,
            "http.port: " + httpPort,
            "transport.port: " + transportPort,
            "path.data: " + dataDir(),
            "path.logs: " + logsDir(),
            "cluster.routing.allocation.disk.threshold_enabled: false")
        + "\n";
  }

  /**
   * Unpacks the distribution zip into {@code home/} unless this zip is already there. Unpacks into
   * a sibling first and renames, so an interrupted unpack never looks complete.
   */
  private void unpackDistribution() throws IOException {
    Path marker = home().resolve(UNPACKED_MARKER);
    String source = artifacts.openSearchZip().toString();
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(source)) {
      return;
    }
    Path staging = directory.resolve("home.unpacking");
    deleteRecursively(staging);
    deleteRecursively(home());
    Files.createDirectories(staging);
    try (ZipFile zip = new ZipFile(artifacts.openSearchZip().toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        // Entries sit under one top-level "opensearch-<version>/" folder; drop it.
        String name = entry.getName();
        int slash = name.indexOf('/');
        if (slash < 0 || slash == name.length() - 1) {
          continue;
        }
        Path target = staging.resolve(name.substring(slash + 1)).normalize();
        if (!target.startsWith(staging)) {
          throw new StackException("the OpenSearch zip has an entry outside its folder: " + name);
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        // java.util.zip does not carry Unix modes; only the scripts in bin/ need to execute.
        if (target.getParent().equals(staging.resolve("bin"))) {
          target.toFile().setExecutable(true, false);
        }
      }
    }
    Files.createDirectories(staging.resolve("config/jvm.options.d"));
    pointJvmFilesOutOfHome(staging.resolve("config/jvm.options"));
    Files.writeString(staging.resolve(UNPACKED_MARKER), source);
    Files.move(staging, home(), StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The stock jvm.options writes the GC log, fatal-error logs and heap dumps relative to the home
   * directory; they belong with the node's other logs and data.
   */
  private void pointJvmFilesOutOfHome(Path jvmOptions) throws IOException {
    String options = Files.readString(jvmOptions);
    Files.writeString(
        jvmOptions,
        options
            .replace("file=logs/", "file=" + logsDir() + "/")
            .replace("ErrorFile=logs/", "ErrorFile=" + logsDir() + "/")
            .replace("HeapDumpPath=data", "HeapDumpPath=" + dataDir()));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Override
  public void awaitReady(Launched launched, Instant deadline) {
    URI health =
        URI.create(
            launched.record().endpoints().get(URL)
                + "/_cluster/health?wait_for_status=yellow&timeout=2s");
    HttpClient client = HttpClient.newBuilder().connectTimeout(HEALTH_CALL_TIMEOUT).build();
    Readiness.await(this, launched.process(), deadline, () -> healthy(client, health));
  }

  private static boolean healthy(HttpClient client, URI health) {
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(health).timeout(HEALTH_CALL_TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return false;
      }
      JsonNode status = JSON.readTree(response.body()).path("status");
      return status.asText().equals("green") || status.asText().equals("yellow");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for OpenSearch", e);
    }
  }
}
