package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContinuousDetectionTest {

  @TempDir Path dir;

  @Test
  void vigilYamlBecomesFlinkConfiguration() {
    Configuration flink =
        ContinuousDetection.flinkConfiguration(
            VigilConfigLoader.parse(
                "vigil.yaml", "job: {parallelism: 3}\ncheckpoints: {interval: 7s}\n", dir));
    assertThat(flink.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(3);
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(7));
  }
}
