package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
          .hasMessageContaining("port " + taken.getLocalPort())
          .hasMessageEndingWith(
              "is in use by another process; stop it first ('ss -ltnp' names it).");
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
          .hasMessageContaining("Kafka cannot start: the broker port " + taken.getLocalPort());
      // OpenSearch launches first; the taken port must stop the start before it does.
      assertThat(progress).isEmpty();
      assertThat(stack.status().isRunning(Component.OPENSEARCH)).isFalse();
    }
  }
}
