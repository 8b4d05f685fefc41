package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.kafka.ResumePoint;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run} as a user runs it: the CLI jar in its own JVM against a real broker, stopped by
 * real signals. Exit codes, what it prints, and that stderr holds its own lines only (no stack
 * trace, from Vigil or Flink) on every way a stop can go, and when the embedded Flink cannot start.
 */
@RealKafka
class RunCommandITCase {

  private static final Path JAR = Path.of("target", "vigil-cli.jar");
  private static final Pattern REST_ADDRESS =
      Pattern.compile(
          "; status and metrics: (http://127\\.0\\.0\\.1:\\d+/)jobs/overview \\(Flink REST API,");
  private static final String FALLBACK_END =
      "); cancelled the job instead, so the next vigil run resumes from its last checkpoint and"
          + " repeats what followed it";

  @TempDir Path dir;

  /** What {@link #writeConfig} named the job, its topics and its consumer group by. */
  private String prefix;

  /** Every run this test started: none outlives it, whatever failed. */
  private final List<VigilRun> started = new ArrayList<>();

  @AfterEach
  void killWhatIsLeft() throws InterruptedException {
    for (VigilRun run : started) {
      if (run.process().isAlive()) {
        run.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Timeout(600)
  void signalsStopWithASavepointThatTheNextRunResumesFrom(KafkaEndpoint kafka) throws Exception {
    Path storage = dir.resolve("checkpoints");
    int metricsPort = freePort();
    writeConfig(kafka, "", "metrics:\n  prometheus:\n    port: " + metricsPort + "\n");
    String storageUri = storage.toUri().toString();

    VigilRun first = start(List.of());
    Optional<ResumePoint> checkpoint =
        awaitResumePoint(storageUri, point -> point.kind() == ResumePoint.Kind.CHECKPOINT);
    assertThat(checkpoint).as("the first run checkpoints, so its job is running").isPresent();
    // The start line names the REST API, on the loopback interface, where the job's status is.
    URI rest = first.restAddress();
    assertThat(rest.getHost()).isEqualTo("127.0.0.1");
    HttpResponse<String> overview =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(rest.resolve("jobs/overview")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("\"name\":\"run-it-", "\"state\":\"RUNNING\"");
    URI metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
    assertThat(first.startLine()).contains("; Prometheus metrics: " + metrics + "; Ctrl-C");
    // A stray HTTP probe of every other port it listens on (the blob server's answers "Unknown
    // operation 71", 'G'): not a line on the terminal, let alone a stack trace.
    probeListeningPortsExcept(first.process().pid(), rest.getPort());
    // A file where a coming checkpoint's folder goes (one a second): that checkpoint fails, which
    // Flink tolerates none of, so the job restarts from the previous one and checkpoints again.
    ResumePoint newest = ResumePoint.latest(storageUri).orElseThrow();
    Path jobFolder = Path.of(URI.create(newest.path())).getParent();
    long blocked = checkpointNumber(newest) + 3;
    Files.writeString(jobFolder.resolve("chk-" + blocked), "");
    String checkpointFailed =
        first.awaitLineStartingWith("vigil run: checkpoint " + blocked + " failed: ");
    String restarting =
        first.awaitLineStartingWith(
            "vigil run: the job failed: checkpoint " + blocked + " failed; restarting from");
    String recovered = first.awaitLineStartingWith("vigil run: the job recovered: ");
    String checkpointsBack =
        first.awaitLineStartingWith("vigil run: checkpoint " + (blocked + 1) + " completed: ");
    assertThat(checkpointFailed)
        .isEqualTo(
            "vigil run: checkpoint "
                + blocked
                + " failed: its files could not be written to checkpoints.storage ("
                + storageUri
                + ")");
    assertThat(restarting)
        .isEqualTo(
            "vigil run: the job failed: checkpoint "
                + blocked
                + " failed; restarting from checkpoint "
                + (blocked - 1)
                + " in 1s (checkpoints.restart_delay)");
    assertThat(recovered)
        .isEqualTo(
            "vigil run: the job recovered: all its tasks run again from checkpoint "
                + (blocked - 1)
                + " (restart 1 in a row of at most 10, checkpoints.restart_attempts)");
    // The restart is in the metrics Prometheus scrapes, on the loopback interface.
    assertThat(
            HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body())
        .containsPattern("\nflink_jobmanager_job_numRestarts\\{[^}]*job_name=\"run-it-[^}]*\\} 1\n")
        .containsPattern("\nflink_taskmanager_job_task_operator_recordsIn\\{[^}]*\\} \\d+\n");
    assertThat(checkpointsBack)
        .isEqualTo(
            "vigil run: checkpoint "
                + (blocked + 1)
                + " completed: checkpointing works again after 1 failed checkpoint");
    first.signal("INT");

    assertThat(first.awaitExit()).isEqualTo(130);
    ResumePoint savepoint = ResumePoint.latest(storageUri).orElseThrow();
    assertThat(savepoint.kind()).isEqualTo(ResumePoint.Kind.SAVEPOINT);
    assertThat(first.stderrLines())
        .containsExactly(
            freshStartLine(),
            checkingLine(kafka),
            first.startLine(),
            checkpointFailed,
            restarting,
            recovered,
            checkpointsBack,
            "vigil run: stopping the job with a final savepoint (waiting at most 30s)",
            "vigil run: stopped with the savepoint "
                + savepoint.path()
                + "; the next vigil run resumes from it");

    VigilRun second = start(List.of());
    // Resumed, running, and checkpointing after the savepoint, which the checkpoint supersedes.
    assertThat(awaitResumePoint(storageUri, point -> point.kind() == ResumePoint.Kind.CHECKPOINT))
        .isPresent();
    // A file where the savepoints go: the stop's savepoint fails, and the job is cancelled.
    Files.move(storage.resolve(ResumePoint.SAVEPOINTS), dir.resolve("savepoints-kept"));
    Path blocker = Files.writeString(storage.resolve(ResumePoint.SAVEPOINTS), "");
    second.signal("TERM");

    assertThat(second.awaitExit()).isEqualTo(143);
    assertThat(second.stderrLines())
        .containsExactly(
            "vigil run: resuming from the savepoint " + savepoint.path(),
            checkingLine(kafka),
            second.startLine(),
            "vigil run: stopping the job with a final savepoint (waiting at most 30s)",
            "vigil run: no final savepoint (already exists as a file: " + blocker + FALLBACK_END);
    ResumePoint kept = ResumePoint.latest(storageUri).orElseThrow();
    assertThat(kept.kind())
        .as("the cancelled run's last checkpoint is kept")
        .isEqualTo(ResumePoint.Kind.CHECKPOINT);

    // One state retained: the next start keeps the cancelled run's checkpoint, and deletes the
    // first run's savepoint and the folder its job left (Flink's empty shared/ and taskowned/),
    // once its job runs.
    Files.delete(blocker);
    Files.move(dir.resolve("savepoints-kept"), storage.resolve(ResumePoint.SAVEPOINTS));
    VigilRun third = start(List.of());
    String pruned =
        "vigil run: removed 1 older savepoint and the checkpoints of 1 older run"
            + " (checkpoints.retained_states: 1)";
    third.awaitLine(pruned);
    third.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    assertThat(third.stderrLines())
        .startsWith(
            "vigil run: resuming from " + kept.describe(),
            checkingLine(kafka),
            third.startLine(),
            pruned);
    assertThat(storage.resolve(ResumePoint.SAVEPOINTS)).isEmptyDirectory();
    Path firstRunFolder = Path.of(URI.create(checkpoint.orElseThrow().path())).getParent();
    assertThat(firstRunFolder).doesNotExist();
    assertThat(Path.of(URI.create(kept.path())).resolve("_metadata")).isRegularFile();
  }

  @Test
  @Timeout(300)
  void anEmbeddedFlinkThatCannotStartIsOneLine(KafkaEndpoint kafka) throws Exception {
    writeConfig(kafka);
    // The embedded cluster's working directory goes under java.io.tmpdir: here under a file.
    Path file = Files.writeString(dir.resolve("not-a-directory"), "");

    VigilRun run = start(List.of("-Djava.io.tmpdir=" + file.resolve("tmp")));

    assertThat(run.awaitExit()).isEqualTo(VigilCommand.EXIT_ERROR);
    // The job never ran: no line says it does.
    assertThat(run.stderrLines()).hasSize(3).startsWith(freshStartLine(), checkingLine(kafka));
    assertThat(run.stderrLines())
        .last()
        .asString()
        .startsWith(
            "vigil run: the embedded Flink cluster could not start the job: could not create the"
                + " working directory "
                + file.resolve("tmp"));
  }

  @Test
  @Timeout(300)
  void aTakenRestPortIsOneLineNamingTheKey(KafkaEndpoint kafka) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      writeConfig(kafka, "\n  rest_port: " + taken.getLocalPort());

      VigilRun run = start(List.of());

      assertThat(run.awaitExit()).isEqualTo(VigilCommand.EXIT_ERROR);
      // Found before the brokers are tried: no topic is created for a run that cannot start.
      assertThat(run.stderrLines())
          .containsExactly(
              "vigil run: the embedded Flink cluster could not listen on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (job.rest_port in vigil.yaml): the port is taken; choose another, or 0 for a"
                  + " free one");
    }
  }

  @Test
  @Timeout(300)
  void aSignalDuringTheBrokerCheckSaysTheJobNeverStartedAndPrunesNothing() throws Exception {
    // A loopback port nothing listens on: the brokers refuse, which the check retries for 30 s.
    String noBrokers = "127.0.0.1:" + freePort();
    writeConfig(noBrokers, "", "");
    List<Path> states = twoStates();
    String resuming = "vigil run: resuming from the checkpoint " + states.get(1).toUri();

    for (String signal : List.of("TERM", "INT")) {
      VigilRun run = start(List.of());
      run.awaitLine(checkingLine(noBrokers));
      run.signal(signal);

      assertThat(run.awaitExit()).isEqualTo(signal.equals("TERM") ? 143 : 130);
      assertThat(run.stderrLines())
          .containsExactly(
              resuming,
              checkingLine(noBrokers),
              "vigil run: stopped before the job started: no record was read and"
                  + " checkpoints.storage is as it was, so there is nothing to savepoint");
      assertThat(states).allMatch(Files::isDirectory);
    }
  }

  /**
   * An older savepoint and a newer checkpoint under {@code checkpoints}: a start that keeps one
   * state (as {@link #writeConfig} says) would prune the savepoint, which Flink never reads here.
   */
  private List<Path> twoStates() throws IOException {
    Path olderSavepoint = dir.resolve("checkpoints/savepoints/savepoint-5f0e4c-0a0b0c0d0e0f");
    Path checkpoint = dir.resolve("checkpoints/5f0e4c3b2a1d00112233445566778899/chk-7");
    for (Path folder : List.of(olderSavepoint, checkpoint)) {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve("_metadata"), "");
    }
    Files.setLastModifiedTime(
        olderSavepoint.resolve("_metadata"), FileTime.from(Instant.parse("2026-11-01T00:00:00Z")));
    return List.of(olderSavepoint, checkpoint);
  }

  @Test
  @Timeout(300)
  void aBatchOpenSearchDidNotTakeIsTheJobsFailureLineNotAlsoAnError(KafkaEndpoint kafka)
      throws Exception {
    String openSearch = "http://127.0.0.1:" + freePort();
    writeConfig(
        kafka,
        "",
        """
        opensearch:
          url: %s
          connect_timeout: 1s
          bulk:
            max_backoff: 200ms
            give_up_after: 1s
        sinks:
          opensearch:
            install_templates: false
        """
            .formatted(openSearch));
    VigilRun run = start(List.of());
    run.awaitLineStartingWith("vigil run: job " + prefix + " is running");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  prefix + ".raw.vault",
                  """
                  {"time":"2026-11-20T10:20:14.003Z","type":"response","auth":{"client_token":"hmac-sha256:aa","accessor":"hmac-sha256:bb","display_name":"root","policies":["root"],"token_policies":["root"],"token_type":"service"},"request":{"id":"7c0e9a0e-1111-2222-3333-444455556666","operation":"update","mount_type":"system","namespace":{"id":"root"},"path":"sys/policies/acl/ops-admin","remote_address":"10.20.0.5"},"response":{"mount_type":"system"}}"""))
          .get();
    }

    String failed =
        run.awaitLineStartingWith("vigil run: the job failed: OpenSearch at " + openSearch);
    run.signal("TERM");
    run.awaitExit();

    assertThat(failed).contains(" did not take a batch of ");
    // The sink's own ERROR line said the same, once more: vigil run's line is the one to read.
    assertThat(run.stderrLines()).noneMatch(line -> line.startsWith("[ERROR]"));
  }

  private VigilRun start(List<String> jvmOptions) throws IOException {
    VigilRun run = VigilRun.start(dir, jvmOptions);
    started.add(run);
    return run;
  }

  /**
   * Fresh topics, one partition each, and checkpoints every second under {@code checkpoints}, of
   * which a start keeps one state.
   */
  private static String checkingLine(KafkaEndpoint kafka) {
    return checkingLine(kafka.bootstrapServers());
  }

  private static String checkingLine(String bootstrapServers) {
    return "vigil run: checking the Kafka brokers at " + bootstrapServers + " (up to 30s)";
  }

  /** What a first start says: nothing to resume from in its storage, and where it reads from. */
  private String freshStartLine() {
    return "vigil run: no checkpoint or savepoint to resume from under file://"
        + dir.resolve("checkpoints")
        + ", so the job starts with empty rule state, reading from the earliest offsets"
        + " (kafka.starting_offsets: earliest)";
  }

  private void writeConfig(KafkaEndpoint kafka) throws IOException {
    writeConfig(kafka, "");
  }

  /** As {@link #writeConfig(KafkaEndpoint)}, with {@code jobKeys} added to {@code job}. */
  private void writeConfig(KafkaEndpoint kafka, String jobKeys) throws IOException {
    writeConfig(kafka, jobKeys, "");
  }

  /** As {@link #writeConfig(KafkaEndpoint, String)}, with {@code sections} at the end. */
  private void writeConfig(KafkaEndpoint kafka, String jobKeys, String sections)
      throws IOException {
    writeConfig(kafka.bootstrapServers(), jobKeys, sections);
  }

  /**
   * As {@link #writeConfig(KafkaEndpoint, String, String)}, with the brokers at {@code servers}.
   */
  private void writeConfig(String servers, String jobKeys, String sections) throws IOException {
    prefix = "run-it-" + UUID.randomUUID().toString().substring(0, 8);
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        job:
          name: %1$s
          parallelism: 1%3$s
        kafka:
          bootstrap_servers: %2$s
          group_id: %1$s
          transactional_id_prefix: %1$s-alerts
          starting_offsets: earliest
          create_topics:
            partitions: 1
          topics:
            raw:
              %1$s.raw.vault: vault
            events: %1$s.events
            dead_letter: %1$s.deadletter
            alerts: %1$s.alerts
        checkpoints:
          interval: 1s
          timeout: 30s
          storage: checkpoints
          retained_states: 1
          restart_delay: 1s
        %4$s"""
            .formatted(prefix, servers, jobKeys, sections));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  /** {@code n} of a checkpoint's {@code .../chk-<n>/}. */
  private static long checkpointNumber(ResumePoint checkpoint) {
    String folder = Path.of(URI.create(checkpoint.path())).getFileName().toString();
    return Long.parseLong(folder.substring("chk-".length()));
  }

  /**
   * Sends an HTTP GET to every TCP port process {@code pid} listens on but {@code except}, as a
   * port scanner or a mistyped URL would, from the kernel's socket table and the process's fds.
   */
  private static void probeListeningPortsExcept(long pid, int except) throws IOException {
    List<String> inodes = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // An fd closed while listed is no listening socket.
        }
      }
    }
    int probed = 0;
    // Java's sockets are IPv6 ones (127.0.0.1 as ::ffff:127.0.0.1) unless IPv4 is preferred.
    List<String> table = new ArrayList<>();
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(file));
      table.addAll(lines.subList(1, lines.size()));
    }
    for (String line : table) {
      String[] fields = line.trim().split("\\s+");
      boolean listening = fields[3].equals("0A");
      int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16);
      if (listening && inodes.contains(fields[9]) && port != except) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          socket
              .getOutputStream()
              .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          socket.setSoTimeout(2_000);
          socket.getInputStream().read();
        } catch (IOException closedByTheServer) {
          // What the server does with the probe is its own business; its log is the point.
        }
        probed++;
      }
    }
    assertThat(probed).as("ports of the embedded Flink besides its REST API").isPositive();
  }

  private static Optional<ResumePoint> awaitResumePoint(
      String storage, Predicate<ResumePoint> wanted) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      Optional<ResumePoint> point = ResumePoint.latest(storage).filter(wanted);
      if (point.isPresent()) {
        return point;
      }
      Thread.sleep(200);
    }
    return Optional.empty();
  }

  /** One {@code vigil run --config vigil.yaml} process, its stderr in a file. */
  private record VigilRun(Process process, Path stderr) {

    static VigilRun start(Path dir, List<String> jvmOptions) throws IOException {
      assertThat(JAR).as("the CLI jar, built in the package phase").isRegularFile();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(
          List.of("-jar", JAR.toAbsolutePath().toString(), "run", "--config", "vigil.yaml"));
      Path stderr = Files.createTempFile(dir, "vigil-run-", ".stderr");
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(stderr.toFile())
              .start();
      return new VigilRun(process, stderr);
    }

    void signal(String name) throws IOException, InterruptedException {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
          .as("kill -" + name)
          .isTrue();
    }

    /** The exit code; a run still alive after three minutes is killed and fails the test. */
    int awaitExit() throws InterruptedException {
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("vigil run did not end within 3 minutes");
      }
      return process.exitValue();
    }

    List<String> stderrLines() throws IOException {
      return Files.readAllLines(stderr);
    }

    /** Waits for {@code line} on stderr, at most three minutes, while the run lives. */
    void awaitLine(String line) throws IOException, InterruptedException {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      while (!stderrLines().contains(line)) {
        assertThat(process.isAlive() && Instant.now().isBefore(deadline))
            .as("vigil run printed %s; it printed %s", line, stderrLines())
            .isTrue();
        Thread.sleep(100);
      }
    }

    /** Waits for a line starting with {@code prefix} (as {@link #awaitLine}), and returns it. */
    String awaitLineStartingWith(String prefix) throws IOException, InterruptedException {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      while (true) {
        Optional<String> line =
            stderrLines().stream().filter(l -> l.startsWith(prefix)).findFirst();
        if (line.isPresent()) {
          return line.get();
        }
        assertThat(process.isAlive() && Instant.now().isBefore(deadline))
            .as("vigil run printed a line starting %s; it printed %s", prefix, stderrLines())
            .isTrue();
        Thread.sleep(100);
      }
    }

    /** The line saying the job runs: its name, topics and brokers. */
    String startLine() throws IOException {
      List<String> lines = stderrLines();
      return lines.stream()
          .filter(line -> line.startsWith("vigil run: job run-it-"))
          .filter(
              line -> line.contains(" is running, reading ") && line.endsWith("; Ctrl-C stops it"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no start line in " + lines));
    }

    /** The REST API's address, as the start line names it. */
    URI restAddress() throws IOException {
      Matcher rest = REST_ADDRESS.matcher(startLine());
      assertThat(rest.find()).as("the start line names the REST API: %s", startLine()).isTrue();
      return URI.create(rest.group(1));
    }
  }
}
