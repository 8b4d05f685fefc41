package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkSettingsTest {

  @TempDir Path dir;

  private Configuration flinkFor(String yaml) {
    return FlinkSettings.from(VigilConfigLoader.parse("vigil.yaml", yaml, dir));
  }

  @Test
  void vigilYamlBecomesFlinkConfiguration() {
    Configuration flink = flinkFor("job: {parallelism: 3}\ncheckpoints: {interval: 7s}\n");
    assertThat(flink.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(3);
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(flink.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isZero();
  }

  @Test
  void tolerableCheckpointFailuresReachFlink() {
    Configuration flink = flinkFor("checkpoints: {tolerable_failures: 3}\n");
    assertThat(flink.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
  }

  @Test
  void jobSettingsNameParallelismAndKeyGroups() {
    Configuration flink =
        flinkFor("job: {name: audit-detect, parallelism: 4, max_parallelism: 256}\n");
    assertThat(flink.get(PipelineOptions.NAME)).isEqualTo("audit-detect");
    assertThat(flink.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(4);
    assertThat(flink.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(256);
  }

  @Test
  void jobDefaults() {
    Configuration flink = flinkFor("");
    assertThat(flink.get(PipelineOptions.NAME)).isEqualTo("vigil-detection");
    assertThat(flink.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
    assertThat(flink.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(128);
  }

  @Test
  void checkpointSettingsReachFlink() {
    Configuration flink =
        flinkFor(
            "checkpoints: {interval: 30s, mode: at_least_once, timeout: 2m, min_pause: 5s,"
                + " storage: 's3://bucket/vigil', retain_on_cancel: false}\n");
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.AT_LEAST_ONCE);
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT))
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(flink.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("s3://bucket/vigil");
    assertThat(flink.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .isEqualTo(ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
  }

  @Test
  void checkpointDefaultsAreExactlyOnceRetainedUnderTheConfigDirectory() {
    Configuration flink = flinkFor("");
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo(dir.resolve(".vigil/checkpoints").toUri().toString());
    assertThat(flink.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
  }

  @Test
  void restartsAreCountedInARowWithAFixedDelay() {
    Configuration flink =
        flinkFor(
            "checkpoints: {restart_attempts: 4, restart_delay: 3s, restart_reset_after: 20m}\n");
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(4);
    assertThat(
            flink.get(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
        .isEqualTo(Duration.ofMinutes(20));
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .as("the delay does not grow")
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR))
        .isZero();
  }

  @Test
  void restartsByDefaultAreTenInARowResetAfterAnHour() {
    Configuration flink = flinkFor("");
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(10);
    assertThat(
            flink.get(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
        .isEqualTo(Duration.ofHours(1));
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aZeroRestartDelayIsTheShortestFlinkTakes() {
    Configuration flink = flinkFor("checkpoints: {restart_delay: 0s}\n");
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void zeroRestartAttemptsDisableRestarts() {
    Configuration flink = flinkFor("checkpoints: {restart_attempts: 0}\n");
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("disable");
    assertThat(flink.contains(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isFalse();
  }
}
