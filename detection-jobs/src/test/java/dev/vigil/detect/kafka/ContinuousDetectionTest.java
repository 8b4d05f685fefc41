package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
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
    assertThat(flink.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isZero();
  }

  @Test
  void tolerableCheckpointFailuresReachFlink() {
    Configuration flink =
        ContinuousDetection.flinkConfiguration(
            VigilConfigLoader.parse("vigil.yaml", "checkpoints: {tolerable_failures: 3}\n", dir));
    assertThat(flink.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
  }

  @Test
  void aTakenMetricsPortIsOneLineBeforeAnythingIsContacted() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      VigilConfig config =
          VigilConfigLoader.parse(
              "vigil.yaml",
              // No broker listens here: the port is checked before Kafka is asked.
              "kafka: {bootstrap_servers: '127.0.0.1:1'}\nmetrics:\n  prometheus: {port: "
                  + taken.getLocalPort()
                  + "}\n",
              dir);

      assertThatThrownBy(() -> ContinuousDetection.start(config, Optional.empty()))
          .isInstanceOf(ContinuousDetection.EmbeddedClusterException.class)
          .hasMessage(
              "cannot serve metrics on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (metrics.prometheus in vigil.yaml): address already in use; choose another"
                  + " port, or a host of this machine");
    }
  }
}
