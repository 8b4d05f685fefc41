package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ComponentArtifactsTest {

  @Test
  void theBrokerClasspathIsKafkasOwnRuntimeAndNothingOfTheTests() {
    ComponentArtifacts artifacts = ComponentArtifacts.fromBuild();

    assertThat(artifacts.kafkaClasspath())
        .extracting(jar -> jar.getFileName().toString())
        .anyMatch(name -> name.startsWith("kafka_2.13-"))
        .anyMatch(name -> name.startsWith("kafka-clients-"))
        .anyMatch(name -> name.startsWith("zstd-jni-"))
        .anyMatch(name -> name.startsWith("scala-library-"))
        .anyMatch(name -> name.startsWith("log4j-slf4j2-impl-"))
        .noneMatch(name -> name.startsWith("junit-") || name.startsWith("assertj-"))
        .noneMatch(name -> name.endsWith(".zip"))
        .doesNotHaveDuplicates();
  }

  @Test
  void theOpenSearchDistributionIsTheResolvedZip() {
    ComponentArtifacts artifacts = ComponentArtifacts.fromBuild();

    assertThat(artifacts.openSearchZip()).isRegularFile();
    assertThat(artifacts.openSearchZip().getFileName()).isEqualTo(Path.of("opensearch-3.3.0.zip"));
    assertThat(artifacts.openSearchVersion()).isEqualTo("3.3.0");
  }
}
