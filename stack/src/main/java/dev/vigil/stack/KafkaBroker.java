package dev.vigil.stack;

import dev.vigil.ingest.io.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka (broker and controller in one JVM) on loopback, run from Kafka's own
 * jars with {@code kafka.Kafka}.
 *
 * <p>Design: the storage is formatted once ({@code kafka.tools.StorageTool format --standalone}, a
 * one-voter dynamic quorum) and kept across restarts, so topics survive {@code down}/{@code up}.
 * Replication factors and ISR minimums are 1 because there is one broker; the group rebalance delay
 * is 0 so a consumer in a test gets its partitions at once. Readiness is the broker listing itself
 * in a {@code describeCluster} answer, which needs the quorum up and the broker registered, not
 * just an open port.
 *
 * <p>Transactions use protocol version 1 ({@code transaction.version=1}), not the version 2 that
 * Kafka 4 finalizes on a new cluster: version 2 bumps the producer epoch at every commit, and
 * Flink's Kafka sink, restored from a checkpoint, commits that checkpoint's transaction again with
 * the epoch it stored; version 1 accepts that as a retry, version 2 refuses it as fenced and the
 * sink logs it as a likely data loss. A storage formatted before this setting is brought down to
 * version 1 when the broker is ready.
 */
final class KafkaBroker implements ManagedComponent {
  static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  static final String CONTROLLER = "controller";
  static final String SASL_PLAIN_BOOTSTRAP_SERVERS = "sasl-plain.bootstrap.servers";

  /** The SASL/PLAIN test listener's one login: loopback only, in test stacks only. */
  static final String SASL_PLAIN_USER = "vigil";

  static final String SASL_PLAIN_PASSWORD = "vigil-test-login";

  private static final int NODE_ID = 1;
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(5);
  static final String TRANSACTION_VERSION_FEATURE = "transaction.version";
  static final short TRANSACTION_VERSION = 1;

  private final StackConfig config;
  private final ComponentArtifacts artifacts;
  private final Path directory;

  KafkaBroker(StackConfig config, ComponentArtifacts artifacts) {
    this.config = config;
    this.artifacts = artifacts;
    this.directory = config.componentDir(Component.KAFKA);
  }

  @Override
  public Component component() {
    return Component.KAFKA;
  }

  @Override
  public Path directory() {
    return directory;
  }

  private Path logsDir() {
    return config.logDir(component());
  }

  private Path dataDir() {
    return config.dataDir(component());
  }

  @Override
  public List<Path> logFiles() {
    return List.of(
        logsDir().resolve("server.log"),
        logsDir().resolve("kafka.out"),
        logsDir().resolve("format.log"));
  }

  /** The broker's ports {@code config} fixes (not those it leaves to the system). */
  static List<Ports.FixedPort> fixedPorts(StackConfig config) {
    return Ports.fixed(
        new Ports.FixedPort("Kafka broker", config.kafkaPort(), "--kafka-port"),
        new Ports.FixedPort(
            "Kafka controller", config.kafkaControllerPort(), "--kafka-controller-port"),
        new Ports.FixedPort("Kafka SASL/PLAIN listener", config.kafkaSaslPort().orElse(0), null));
  }

  @Override
  public Launched launch() {
    int[] ports =
        config.kafkaSaslPort().isPresent()
            ? Ports.resolve(
                config.kafkaPort(), config.kafkaControllerPort(), config.kafkaSaslPort().getAsInt())
            : Ports.resolve(config.kafkaPort(), config.kafkaControllerPort());
    int port = ports[0];
    int controllerPort = ports[1];
    if (port == controllerPort) {
      throw new StackException("the Kafka client and controller ports must differ: " + port);
    }
    OptionalInt saslPort = ports.length > 2 ? OptionalInt.of(ports[2]) : OptionalInt.empty();
    try {
      Files.createDirectories(logsDir());
      // The raw topics hold audit records as they came: owner-only, whatever the umask.
      OwnerOnlyFiles.ownDirectory(dataDir());
      Path serverProperties = directory.resolve("server.properties");
      Files.writeString(serverProperties, serverProperties(port, controllerPort, saslPort));
      Path log4jConfig = directory.resolve("log4j2.properties");
      Files.writeString(log4jConfig, log4jConfig());
      if (!Files.exists(dataDir().resolve("meta.properties"))) {
        format(serverProperties, log4jConfig);
      }
      List<String> command = javaCommand(log4jConfig, "kafka.Kafka");
      command.add(serverProperties.toString());
      Process process =
          ProcessLauncher.launch(
              command,
              Map.of(),
              directory,
              logsDir().resolve("kafka.out"),
              config.lifetime(),
              Optional.empty());
      Map<String, String> endpoints = new LinkedHashMap<>();
      endpoints.put(BOOTSTRAP_SERVERS, Ports.LOOPBACK + ":" + port);
      endpoints.put(CONTROLLER, Ports.LOOPBACK + ":" + controllerPort);
      saslPort.ifPresent(
          sasl -> endpoints.put(SASL_PLAIN_BOOTSTRAP_SERVERS, Ports.LOOPBACK + ":" + sasl));
      return new Launched(process, ProcessRecord.of(process.toHandle(), endpoints));
    } catch (IOException e) {
      throw StackException.io("cannot prepare Kafka under " + directory, e);
    }
  }

  private void format(Path serverProperties, Path log4jConfig) {
    List<String> command = javaCommand(log4jConfig, "kafka.tools.StorageTool");
    command.addAll(
        List.of(
            "format",
            "--config",
            serverProperties.toString(),
            "--cluster-id",
            Uuid.randomUuid().toString(),
            "--standalone",
            "--feature",
            TRANSACTION_VERSION_FEATURE + "=" + TRANSACTION_VERSION));
    Commands.Result result = Commands.run(command, FORMAT_TIMEOUT);
    try {
      Files.writeString(logsDir().resolve("format.log"), result.output() + "\n");
    } catch (IOException e) {
      throw StackException.io("cannot write " + logsDir().resolve("format.log"), e);
    }
    if (!result.succeeded()) {
      throw new StackException("formatting Kafka's storage failed:\n" + result.output());
    }
  }

  private List<String> javaCommand(Path log4jConfig, String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            ProcessRecord.stateDirMarker(directory),
            "-Xms" + config.kafkaHeap(),
            "-Xmx" + config.kafkaHeap(),
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + log4jConfig,
            "-cp",
            artifacts.kafkaClasspathString(),
            mainClass));
    return command;
  }

  private String serverProperties(int port, int controllerPort, OptionalInt saslPort) {
    String controller = Ports.LOOPBACK + ":" + controllerPort;
    String clients = "PLAINTEXT://" + Ports.LOOPBACK + ":" + port;
    List<String> lines = new ArrayList<>();
    lines.addAll(
        List.of(
            "# Written by vigil stack on every start; edits are overwritten.",
            "process.roles=broker,controller",
            "node.id=" + NODE_ID,
            "controller.quorum.bootstrap.servers=" + controller,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT"));
    if (saslPort.isPresent()) {
      String sasl = "SASL_PLAINTEXT://" + Ports.LOOPBACK + ":" + saslPort.getAsInt();
      lines.addAll(
          List.of(
              "listeners=" + clients + "," + sasl + ",CONTROLLER://" + controller,
              "advertised.listeners=" + clients + "," + sasl,
              "listener.security.protocol.map="
                  + "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
              "sasl.enabled.mechanisms=PLAIN",
              "listener.name.sasl_plaintext.plain.sasl.jaas.config="
                  + "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                  + SASL_PLAIN_USER
                  + "=\""
                  + SASL_PLAIN_PASSWORD
                  + "\";"));
    } else {
      lines.addAll(
          List.of(
              "listeners=" + clients + ",CONTROLLER://" + controller,
              "advertised.listeners=" + clients,
              "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"));
    }
    lines.addAll(
        List.of(
            "log.dirs=" + dataDir(),
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true"));
    return String.join("\n", lines) + "\n";
  }

  private String log4jConfig() {
    Path log = logsDir().resolve("server.log");
    return String.join(
            "\n",
            "status = warn",
            "appender.file.type = RollingFile",
            "appender.file.name = file",
            "appender.file.fileName = " + log,
            "appender.file.filePattern = " + log + ".%i",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            "appender.file.policies.type = Policies",
            "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.file.policies.size.size = 10MB",
            "appender.file.strategy.type = DefaultRolloverStrategy",
            "appender.file.strategy.max = 5",
            "rootLogger.level = info",
            "rootLogger.appenderRef.file.ref = file")
        + "\n";
  }

  @Override
  public void awaitReady(Launched launched, Instant deadline) {
    String bootstrap = launched.record().endpoints().get(BOOTSTRAP_SERVERS);
    int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    // The port first: an admin client against a closed port only logs connection warnings.
    Readiness.await(this, launched.process(), deadline, () -> Ports.accepts(port));
    Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "vigil-stack-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) ADMIN_CALL_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) ADMIN_CALL_TIMEOUT.toMillis()));
    try {
      Readiness.await(this, launched.process(), deadline, () -> brokerRegistered(admin));
      settleTransactionVersion(admin, bootstrap);
    } finally {
      admin.close(ADMIN_CALL_TIMEOUT);
    }
  }

  /** Brings a storage formatted with a newer transaction protocol down to the one Vigil needs. */
  static void settleTransactionVersion(Admin admin, String bootstrap) {
    try {
      if (finalizedTransactionVersion(admin) <= TRANSACTION_VERSION) {
        return;
      }
      admin
          .updateFeatures(
              Map.of(
                  TRANSACTION_VERSION_FEATURE,
                  new FeatureUpdate(TRANSACTION_VERSION, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)),
              new UpdateFeaturesOptions())
          .all()
          .get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      // The controller has it; the broker that producers ask learns it from the metadata log a
      // moment later. Return only once the broker says so, or a producer made now still uses 2.
      long deadline = System.nanoTime() + ADMIN_CALL_TIMEOUT.toNanos();
      while (finalizedTransactionVersion(admin) > TRANSACTION_VERSION) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException();
        }
        Thread.sleep(100);
      }
    } catch (ExecutionException | TimeoutException e) {
      String reason =
          e instanceof ExecutionException ? e.getCause().getMessage() : "no answer in time";
      throw new StackException(
          "cannot set Kafka's "
              + TRANSACTION_VERSION_FEATURE
              + " to "
              + TRANSACTION_VERSION
              + " (run: kafka-features.sh --bootstrap-server "
              + bootstrap
              + " downgrade --feature "
              + TRANSACTION_VERSION_FEATURE
              + "="
              + TRANSACTION_VERSION
              + "): "
              + reason,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for Kafka", e);
    }
  }

  /** The finalized {@code transaction.version} the broker reports (0 when none is finalized). */
  private static short finalizedTransactionVersion(Admin admin)
      throws ExecutionException, TimeoutException, InterruptedException {
    FinalizedVersionRange finalized =
        admin
            .describeFeatures()
            .featureMetadata()
            .get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .finalizedFeatures()
            .get(TRANSACTION_VERSION_FEATURE);
    return finalized == null ? 0 : finalized.maxVersionLevel();
  }

  private static boolean brokerRegistered(Admin admin) {
    try {
      return !admin
          .describeCluster(
              new DescribeClusterOptions().timeoutMs((int) ADMIN_CALL_TIMEOUT.toMillis()))
          .nodes()
          .get(ADMIN_CALL_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS)
          .isEmpty();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for Kafka", e);
    }
  }
}
