package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import java.time.Duration;
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
   * Flink's exponential-delay strategy requires a multiplier above 1; with the longest delay equal
   * to the first it never takes effect, and every restart waits {@code restart_delay}.
   */
  private static final double UNUSED_BACKOFF_MULTIPLIER = 2.0;

  /**
   * {@code checkpoints.restart_attempts}, {@code restart_delay} and {@code restart_reset_after}:
   * restarts from the last checkpoint, at most {@code restart_attempts} in a row, or none at all
   * for 0 attempts.
   *
   * <p>Flink's fixed-delay strategy counts every restart of the job's life, so a job that rides out
   * a broker blip now and then would end after the tenth. The exponential-delay strategy counts
   * only restarts in a row: its count goes back to zero at a failure that comes {@code
   * restart_reset_after} or more after the previous restart (Flink 2.2's {@code
   * reset-backoff-threshold}, measured from the moment of that restart). Its delay is held fixed at
   * {@code restart_delay} (longest delay = first delay, no jitter): the sinks and clients already
   * back off while a broker or OpenSearch is away, and a growing wait between restarts would only
   * lengthen the time without alerts once it is back.
   */
  private static void restarts(VigilConfig.Checkpoints checkpoints, Configuration flink) {
    if (checkpoints.restartAttempts() == 0) {
      flink.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
      return;
    }
    // Flink refuses a delay below 1 ms, which restart_delay: 0s means in effect.
    Duration delay =
        checkpoints.restartDelay().isZero() ? Duration.ofMillis(1) : checkpoints.restartDelay();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    flink.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
        checkpoints.restartAttempts());
    flink.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
        checkpoints.restartResetAfter());
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, delay);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, delay);
    flink.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
        UNUSED_BACKOFF_MULTIPLIER);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.0);
  }
}
