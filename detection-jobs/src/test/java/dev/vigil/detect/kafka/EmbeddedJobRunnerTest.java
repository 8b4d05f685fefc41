package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
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

  @Test
  void aFinalSavepointAbortedByTheJobFailingNamesTheJobsFailure() {
    // Seen stopping vigil run while OpenSearch was down: the sink gave up on its batch during the
    // stop, and the line read "no final savepoint (checkpoint Coordinator is suspending.)".
    Throwable aborted =
        new CompletionException(
            new CheckpointException(CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND));
    IOException gaveUp =
        new IOException(
            "OpenSearch at http://127.0.0.1:9200 did not take a batch of 280 documents for"
                + " vigil-events-secret-2027.01 in 25537 ms (give_up_after 20000 ms); last"
                + " problem: connection refused");

    assertThat(EmbeddedJobRunner.noSavepointReason(aborted, Optional.of(gaveUp)))
        .isEqualTo(
            "the job failed while it was being taken: OpenSearch at http://127.0.0.1:9200 did"
                + " not take a batch of 280 documents for vigil-events-secret-2027.01 in 25537 ms"
                + " (give_up_after 20000 ms); last problem: connection refused (IOException)");
    assertThat(EmbeddedJobRunner.noSavepointReason(aborted, Optional.empty()))
        .isEqualTo("the job failed while it was being taken");
  }

  @Test
  void aFinalSavepointThatFailsOnItsOwnKeepsItsReason() {
    Throwable full = new CompletionException(new IOException("No space left on device"));

    assertThat(EmbeddedJobRunner.noSavepointReason(full, Optional.of(new IOException("other"))))
        .isEqualTo("no space left on device");
  }
}
