package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedJobRunnerTest {

  @TempDir Path dir;

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

      assertThatThrownBy(() -> EmbeddedJobRunner.start(config, Optional.empty()))
          .isInstanceOf(EmbeddedJobRunner.EmbeddedClusterException.class)
          .hasMessage(
              "cannot serve metrics on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (metrics.prometheus in vigil.yaml): address already in use; choose another"
                  + " port, or a host of this machine");
    }
  }
}
