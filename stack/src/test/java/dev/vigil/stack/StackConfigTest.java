package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackConfigTest {
  @TempDir Path stateDir;

  @Test
  void defaultsRunBothComponentsOnTheUsualPortsDetached() {
    StackConfig config = StackConfig.defaults(stateDir);
    assertThat(config.components()).containsExactlyInAnyOrder(Component.values());
    assertThat(config.kafkaPort()).isEqualTo(9092);
    assertThat(config.kafkaSaslPort()).as("no test login on a user's stack").isEmpty();
    assertThat(config.openSearchHttpPort()).isEqualTo(9200);
    assertThat(config.lifetime()).isEqualTo(Lifetime.DETACHED);
    assertThat(config.pidFile(Component.KAFKA)).isEqualTo(stateDir.resolve("kafka/kafka.pid"));
    assertThat(config.logDir(Component.OPENSEARCH)).isEqualTo(stateDir.resolve("opensearch/logs"));
  }

  @Test
  void testsUseFreePortsAndProcessesBoundToTheJvm() {
    StackConfig config = StackConfig.forTests(stateDir);
    assertThat(config.kafkaPort()).isZero();
    assertThat(config.kafkaSaslPort()).hasValue(0);
    assertThat(config.openSearchHttpPort()).isZero();
    assertThat(config.lifetime()).isEqualTo(Lifetime.BOUND_TO_THIS_JVM);
  }

  @Test
  void rejectsWhatCannotWork() {
    assertThatThrownBy(() -> StackConfig.builder(stateDir).kafkaPort(70000).build())
        .hasMessageContaining("not a TCP port");
    assertThatThrownBy(() -> StackConfig.builder(stateDir).openSearchHeap("lots").build())
        .hasMessageContaining("heap");
    assertThatThrownBy(() -> StackConfig.builder(stateDir).openSearchUser("Root; rm").build())
        .hasMessageContaining("user name");
    assertThatThrownBy(() -> StackConfig.builder(stateDir).components(Set.of()).build())
        .hasMessageContaining("at least one component");
  }

  @Test
  void upNamesAPortTakenByAnotherProcessAndStartsNothing() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      LocalStack stack =
          new LocalStack(
              StackConfig.forTests(stateDir).toBuilder()
                  .components(Set.of(Component.KAFKA))
                  .kafkaPort(taken.getLocalPort())
                  .build());
      assertThatThrownBy(stack::up)
          .isInstanceOf(StackException.class)
          .hasMessage(
              "cannot start: a port in use on 127.0.0.1: Kafka broker "
                  + taken.getLocalPort()
                  + " (held by another process). Stop what holds it ('ss -ltnp' names it), or"
                  + " give this stack other ports: vigil stack up --kafka-port PORT.");
      assertThat(stack.status().isRunning(Component.KAFKA)).isFalse();
    }
  }

  @Test
  void aTakenKafkaPortStartsNotEvenOpenSearch() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      List<String> progress = new ArrayList<>();
      LocalStack stack =
          new LocalStack(
              StackConfig.forTests(stateDir).toBuilder().kafkaPort(taken.getLocalPort()).build(),
              progress::add);

      assertThatThrownBy(stack::up)
          .isInstanceOf(StackException.class)
          .hasMessageContaining("Kafka broker " + taken.getLocalPort() + " (held by another");
      // OpenSearch launches first; the taken port must stop the start before it does.
      assertThat(progress).isEmpty();
      assertThat(stack.status().isRunning(Component.OPENSEARCH)).isFalse();
    }
  }

  @Test
  void upNamesEveryTakenPortOfEveryComponent() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket kafka = new ServerSocket(0, 1, loopback);
        ServerSocket controller = new ServerSocket(0, 1, loopback);
        ServerSocket http = new ServerSocket(0, 1, loopback)) {
      LocalStack stack =
          new LocalStack(
              StackConfig.forTests(stateDir).toBuilder()
                  .kafkaPort(kafka.getLocalPort())
                  .kafkaControllerPort(controller.getLocalPort())
                  .openSearchHttpPort(http.getLocalPort())
                  .build());
      assertThatThrownBy(stack::up)
          .isInstanceOf(StackException.class)
          .hasMessageStartingWith("cannot start: 3 ports in use on 127.0.0.1: ")
          .hasMessageContaining("OpenSearch HTTP " + http.getLocalPort() + " (held by another")
          .hasMessageContaining("Kafka broker " + kafka.getLocalPort() + " (held by another")
          .hasMessageContaining(
              "Kafka controller " + controller.getLocalPort() + " (held by another")
          .hasMessageEndingWith(
              "give this stack other ports: vigil stack up --opensearch-port PORT --kafka-port"
                  + " PORT --kafka-controller-port PORT.");
    }
  }

  @Test
  void upNamesTheStateDirectoryOfAnotherStackHoldingThePort(@TempDir Path otherStack)
      throws Exception {
    // Another stack's component: a JVM marked with its directory, its PID file there naming its
    // endpoint (what KafkaBroker and OpenSearchNode launch and record).
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Path componentDir = otherStack.resolve("kafka");
      Files.createDirectories(componentDir);
      Process holder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  ProcessRecord.stateDirMarker(componentDir),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Sleeper.class.getName())
              .start();
      try {
        // Until the JVM has replaced the launcher's helper, whose command line is not the JVM's.
        Path cmdline = Path.of("/proc", Long.toString(holder.pid()), "cmdline");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(cmdline).contains(ProcessRecord.stateDirMarker(componentDir))
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        ProcessRecord.of(
                holder.toHandle(), Map.of("bootstrap.servers", "127.0.0.1:" + taken.getLocalPort()))
            .write(componentDir.resolve("kafka.pid"));
        LocalStack stack =
            new LocalStack(
                StackConfig.forTests(stateDir).toBuilder()
                    .components(Set.of(Component.KAFKA))
                    .kafkaPort(taken.getLocalPort())
                    .build());
        assertThatThrownBy(stack::up)
            .hasMessageContaining(
                "Kafka broker "
                    + taken.getLocalPort()
                    + " (held by the vigil stack in "
                    + otherStack
                    + ")");
      } finally {
        holder.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void theFixedPortsAreRecordedAndReadBackButNotTheFreeOnes() {
    StackConfig moved =
        StackConfig.builder(stateDir)
            .kafkaPort(29092)
            .kafkaControllerPort(29093)
            .openSearchHttpPort(29200)
            .openSearchTransportPort(0)
            .build();
    assertThat(StackPorts.read(stateDir)).isEmpty();
    StackPorts.of(moved).write(stateDir);

    StackPorts recorded = StackPorts.read(stateDir).orElseThrow();
    assertThat(recorded.openSearchTransport()).isEmpty();
    StackConfig reused = recorded.applyTo(StackConfig.defaults(stateDir));
    assertThat(reused.kafkaPort()).isEqualTo(29092);
    assertThat(reused.kafkaControllerPort()).isEqualTo(29093);
    assertThat(reused.openSearchHttpPort()).isEqualTo(29200);
    assertThat(reused.openSearchTransportPort()).as("not recorded: the default").isEqualTo(9300);
  }

  @Test
  void aDamagedPortsFileIsNamed() throws Exception {
    Files.writeString(stateDir.resolve("ports.properties"), "kafka.port=lots\n");
    assertThatThrownBy(() -> StackPorts.read(stateDir))
        .isInstanceOf(StackException.class)
        .hasMessage(
            stateDir.resolve("ports.properties")
                + ": kafka.port is not a TCP port (lots); fix or delete the file");
  }

  @Test
  void theControllerPortOfAFormattedStorageCannotChange() throws Exception {
    StackPorts.of(StackConfig.builder(stateDir).kafkaControllerPort(29093).build()).write(stateDir);
    Files.createDirectories(stateDir.resolve("kafka/data"));
    Files.writeString(stateDir.resolve("kafka/data/meta.properties"), "node.id=1\n");
    LocalStack stack =
        new LocalStack(
            StackConfig.forTests(stateDir).toBuilder()
                .components(Set.of(Component.KAFKA))
                .kafkaControllerPort(39093)
                .build());
    assertThatThrownBy(stack::up)
        .isInstanceOf(StackException.class)
        .hasMessage(
            "Kafka's storage in "
                + stateDir
                + " was formatted with controller port 29093, which cannot change: keep"
                + " --kafka-controller-port 29093, or use a fresh state directory");
  }

  /** A process that waits to be killed. */
  public static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(120_000);
    }
  }
}
