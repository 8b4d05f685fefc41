package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code vigil stack status} says of a component that does not run, from the state directory
 * alone (no process is started): never started, or stopped with its data kept, as {@code down}
 * leaves it. Running and stopping real processes: LocalStackITCase.
 */
class LocalStackStatusTest {

  @TempDir Path stateDir;

  @Test
  void aStackThatNeverRanIsNotStarted() {
    StackStatus status = new LocalStack(StackConfig.forTests(stateDir)).status();

    assertThat(status.components())
        .allSatisfy(component -> assertThat(component.change()).isEqualTo("not started"));
    assertThat(status.component(Component.KAFKA).describe())
        .isEqualTo("Kafka      not running  (not started)");
  }

  @Test
  void aStoppedStackKeepsItsDataAndSaysSo() throws Exception {
    // What down leaves: the data, no PID file.
    Path kafkaData = Files.createDirectories(stateDir.resolve("kafka/data"));
    Files.writeString(kafkaData.resolve("meta.properties"), "node.id=1\n");
    Path openSearchData = Files.createDirectories(stateDir.resolve("opensearch/data"));

    StackStatus status = new LocalStack(StackConfig.forTests(stateDir)).status();

    assertThat(status.component(Component.KAFKA).change())
        .isEqualTo("stopped; its data is kept in " + kafkaData + " for the next up");
    assertThat(status.component(Component.OPENSEARCH).change())
        .isEqualTo("stopped; its data is kept in " + openSearchData + " for the next up");
    assertThat(status.components()).noneMatch(ComponentStatus::running);
  }
}
