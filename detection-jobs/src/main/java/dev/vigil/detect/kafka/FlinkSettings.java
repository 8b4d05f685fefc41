package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * vigil.yaml's job, checkpointing and restart settings as Flink configuration. Both ways of running
 * the job read them from here: the embedded MiniCluster ({@link EmbeddedJobRunner}) and the job
 * jar's {@code flink run} ({@code JobEntry}), so a setting means the same on a laptop and on a real
 * cluster.
 */
public final class FlinkSettings {

  private FlinkSettings() {}

  /** The Flink configuration {@code config} asks for; vigil.yaml's defaults are already in it. */
  public static Configuration from(VigilConfig config) {
    Configuration flink = new Configuration();
    job(config.job(), flink);
    checkpointing(config.checkpoints(), flink);
    restarts(config.checkpoints(), flink);
    return flink;
  }

  /** {@code job:} parallelism, max parallelism (the number of key groups) and name. */
  private static void job(VigilConfig.Job job, Configuration flink) {
    flink.set(CoreOptions.DEFAULT_PARALLELISM, job.parallelism());
    flink.set(PipelineOptions.MAX_PARALLELISM, job.maxParallelism());
    flink.set(PipelineOptions.NAME, job.name());
  }

  /** {@code checkpoints:} how often, how safely, where, and what a cancel leaves behind. */
  private static void checkpointing(VigilConfig.Checkpoints checkpoints, Configuration flink) {
    flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpoints.interval());
    flink.set(
        CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
        checkpoints.mode() == VigilConfig.CheckpointMode.EXACTLY_ONCE
            ? CheckpointingMode.EXACTLY_ONCE
            : CheckpointingMode.AT_LEAST_ONCE);
    flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpoints.timeout());
    flink.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, checkpoints.minPause());
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.storage());
    flink.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        checkpoints.retainOnCancel()
            ? ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION
            : ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION);
    flink.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, checkpoints.tolerableFailures());
  }

  /**
   * {@code checkpoints.restart_attempts} and {@code restart_delay}: a fixed-delay restart from the
   * last checkpoint, or none at all for 0 attempts.
   */
  private static void restarts(VigilConfig.Checkpoints checkpoints, Configuration flink) {
    if (checkpoints.restartAttempts() == 0) {
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
    } else {
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      flink.set(
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
          checkpoints.restartAttempts());
      flink.set(
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, checkpoints.restartDelay());
    }
  }
}
