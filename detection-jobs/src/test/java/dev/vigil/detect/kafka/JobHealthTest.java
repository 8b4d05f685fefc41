package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;

/** The status lines of a watched job, from the snapshots a poll would see. */
class JobHealthTest {

  private static final VigilConfig.Checkpoints SETTINGS =
      new VigilConfig.Checkpoints(
          Duration.ofSeconds(10),
          VigilConfig.CheckpointMode.EXACTLY_ONCE,
          Duration.ofMinutes(2),
          Duration.ZERO,
          "file:///state",
          true,
          0,
          3,
          Duration.ofSeconds(5),
          Duration.ofMinutes(1),
          Duration.ofSeconds(30),
          OptionalInt.empty());

  /** A running job at t=1000 with 4 completed checkpoints, the newest 4, and no failure. */
  private static final S HEALTHY =
      new S(new JobHealth.Snapshot(JobStatus.RUNNING, 0, -1, null, 4, 4, -1, -1, null, 1_000, 0));

  @Test
  void theFirstSnapshotIsTheBaselineEvenWithTheCheckpointAResumedJobRestored() {
    JobHealth health = new JobHealth(SETTINGS);

    assertThat(observe(health, HEALTHY.withRestored(3))).isEmpty();
    assertThat(observe(health, HEALTHY.withRestored(3))).isEmpty();
  }

  @Test
  void aFailureBeforeTheFirstPollIsReportedLikeAnyOther() {
    // The job failed and restarted before the watch first saw it (within its first second, or
    // while the job was still being created): the first snapshot already holds the failure.
    JobHealth health = new JobHealth(SETTINGS);

    S failedEarly =
        HEALTHY
            .withCompleted(0, -1)
            .withFailure(500, new IllegalStateException("injected failure"))
            .notAllRunning();
    assertThat(observe(health, failedEarly))
        .containsExactly(
            "the job failed: injected failure (IllegalStateException); restarting from its"
                + " starting offsets (no checkpoint yet) in 5s (checkpoints.restart_delay)");
    assertThat(observe(health, failedEarly.runningSince(5_600, 1)))
        .containsExactly(
            "the job recovered: all its tasks run again, from its starting offsets (no checkpoint"
                + " yet) (restart 1 in a row of at most 3, checkpoints.restart_attempts)");
  }

  @Test
  void aCheckpointThatFailedBeforeTheFirstPollIsReported() {
    JobHealth health = new JobHealth(tolerating(5));

    assertThat(
            observe(
                health,
                HEALTHY
                    .withCompleted(0, -1)
                    .withFailedCheckpoints(1, 1, "Checkpoint was declined.")))
        .containsExactly(
            "checkpoint 1 failed: checkpoint was declined; the job keeps running and tries again"
                + " within 10s (checkpoints.interval)");
  }

  @Test
  void aFailureWithoutAMessageNamesItsTypeAndWhereItHappened() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S failing =
        HEALTHY
            .withFailure(
                2_000,
                new RuntimeException(
                    "Could not forward element to next operator", new NullPointerException()))
            .notAllRunning();
    assertThat(observe(health, failing))
        .containsExactly(
            "the job failed: NullPointerException without a message (in: could not forward"
                + " element to next operator); restarting from checkpoint 4 in 5s"
                + " (checkpoints.restart_delay)");
  }

  @Test
  void aFailedCheckpointIsOneLineAndItsRecoveryAnother() {
    JobHealth health = new JobHealth(tolerating(5));
    observe(health, HEALTHY);

    S failed = HEALTHY.withFailedCheckpoints(1, 5, "Checkpoint expired before completing.");
    assertThat(observe(health, failed))
        .containsExactly(
            "checkpoint 5 failed: it did not complete within checkpoints.timeout (2m): an operator"
                + " or a sink is stuck or slow; the job keeps running and tries again within 10s"
                + " (checkpoints.interval)");
    assertThat(observe(health, failed)).as("polled again: nothing new").isEmpty();

    S twoMore = HEALTHY.withFailedCheckpoints(3, 7, "Checkpoint was declined.");
    assertThat(observe(health, twoMore))
        .containsExactly(
            "2 checkpoints failed, the latest (7): checkpoint was declined; the job keeps running"
                + " and tries again within 10s (checkpoints.interval)");

    S completed = twoMore.withCompleted(5, 8);
    assertThat(observe(health, completed))
        .containsExactly(
            "checkpoint 8 completed: checkpointing works again after 3 failed checkpoints");
    assertThat(observe(health, completed.withCompleted(6, 9))).isEmpty();
  }

  @Test
  void aStorageThatCannotBeWrittenIsNamed() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    assertThat(
            observe(
                health,
                HEALTHY.withFailedCheckpoints(
                    1,
                    5,
                    "An Exception occurred while triggering the checkpoint. IO-problem detected.")))
        .containsExactly(
            "checkpoint 5 failed: its files could not be written to checkpoints.storage"
                + " (file:///state); the job restarts from its last completed checkpoint");
  }

  @Test
  void aCheckpointFlinkDoesNotCountAgainstTheJobLeavesItRunning() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    assertThat(observe(health, HEALTHY.withFailedCheckpoints(1, 5, "Trigger checkpoint failure.")))
        .containsExactly(
            "checkpoint 5 failed: trigger checkpoint failure; the job keeps running and tries"
                + " again within 10s (checkpoints.interval)");
  }

  @Test
  void aCheckpointRefusedBeforeItHadAnIdIsNoEvent() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY.withCompleted(0, -1));

    // Flink counts the triggers refused while the tasks start, without a checkpoint to show.
    S starting = HEALTHY.withCompleted(0, -1).withFailedCheckpoints(2, -1, null);
    assertThat(observe(health, starting)).isEmpty();
    assertThat(observe(health, starting.withCompleted(1, 1))).isEmpty();
  }

  @Test
  void aFailureIsOneLineSayingWhereTheRestartResumesAndTheRecoveryAnother() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S failing =
        HEALTHY
            .withFailure(
                2_000, new IOException("wrapped", new ConnectException("Connection refused")))
            .notAllRunning();
    assertThat(observe(health, failing))
        .containsExactly(
            "the job failed: connection refused (ConnectException); restarting from checkpoint 4 in 5s"
                + " (checkpoints.restart_delay)");
    // The job stays RUNNING through a region failover: only its tasks say it is restarting.
    assertThat(observe(health, failing)).isEmpty();
    // The checkpoint the failure aborted belongs to the failure, already reported.
    S aborted = failing.withFailedCheckpoints(1, 5, "Task has failed.");
    assertThat(observe(health, aborted)).isEmpty();

    S recovered = aborted.runningSince(3_000, 1).withRestored(4);
    assertThat(observe(health, recovered))
        .containsExactly(
            "the job recovered: all its tasks run again from checkpoint 4 (restart 1 in a row of at most 3,"
                + " checkpoints.restart_attempts)");
    assertThat(observe(health, recovered)).isEmpty();
  }

  @Test
  void aCheckpointTheFailureAbortedInTheSamePollIsNotReportedAsItsCause() {
    // Seen with the brokers stopped: the alerts sink's producer times out, the job fails, and the
    // checkpoint under way is aborted because the coordinator suspends, all within one poll.
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S failing =
        HEALTHY
            .withFailedCheckpoints(1, 5, "Checkpoint Coordinator is suspending.")
            .withFailure(
                2_000,
                new org.apache.kafka.common.errors.TimeoutException(
                    "Timeout expired after 60000ms while awaiting InitProducerId"))
            .notAllRunning();
    assertThat(observe(health, failing))
        .containsExactly(
            "the job failed: timeout expired after 60000ms while awaiting InitProducerId"
                + " (TimeoutException); restarting from checkpoint 4 in 5s"
                + " (checkpoints.restart_delay)");
  }

  @Test
  void checkpointsTheFailingTaskDeclinedAreNotReportedAsTheCauseEvenAPollBeforeTheFailure() {
    // Seen with OpenSearch stopped under vigil run: the sink blocks the task, checkpoint triggers
    // queue behind it, and when its batch gives up the task declines them all as not ready; Flink
    // recorded the declines one poll before the failure, and the lines read "5 checkpoints
    // failed, the latest (9): checkpoint was declined (tasks not ready); the job keeps running".
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S declined = HEALTHY.withFailedCheckpoints(5, 9, "Checkpoint was declined (tasks not ready)");
    assertThat(observe(health, declined)).isEmpty();
    S failing =
        declined
            .withFailure(
                2_000,
                new IOException(
                    "OpenSearch at http://127.0.0.1:9200 did not take a batch of 22 documents"))
            .notAllRunning();
    assertThat(observe(health, failing))
        .containsExactly(
            "the job failed: OpenSearch at http://127.0.0.1:9200 did not take a batch of 22"
                + " documents (IOException); restarting from checkpoint 4 in 5s"
                + " (checkpoints.restart_delay)");
    assertThat(observe(health, failing.runningSince(8_000, 1).withRestored(4)))
        .containsExactly(
            "the job recovered: all its tasks run again from checkpoint 4 (restart 1 in a row of"
                + " at most 3, checkpoints.restart_attempts)");
  }

  @Test
  void checkpointsTheFailingTaskDeclinedInTheSamePollAreNotReportedAsTheCause() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S failing =
        HEALTHY
            .withFailedCheckpoints(5, 9, "Checkpoint was declined (tasks not ready)")
            .withFailure(2_000, new IOException("bulk request gave up"))
            .notAllRunning();
    assertThat(observe(health, failing))
        .containsExactly(
            "the job failed: bulk request gave up (IOException); restarting from checkpoint 4 in"
                + " 5s (checkpoints.restart_delay)");
  }

  @Test
  void aDeclineByATaskNotRunningWithoutAFailureIsReportedAPollLater() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S declined = HEALTHY.withFailedCheckpoints(1, 5, "Checkpoint was declined (tasks not ready)");
    assertThat(observe(health, declined)).isEmpty();
    S anotherDeclined = declined.withFailedCheckpoints(2, 6, declined.s().latestFailure());
    assertThat(observe(health, anotherDeclined))
        .containsExactly(
            "2 checkpoints failed, the latest (6): checkpoint was declined (tasks not ready); the"
                + " job keeps running and tries again within 10s (checkpoints.interval)");
    assertThat(observe(health, anotherDeclined.withCompleted(5, 7)))
        .containsExactly(
            "checkpoint 7 completed: checkpointing works again after 2 failed checkpoints");
  }

  @Test
  void aKafkaTimeoutOfTheSourceIsOneLineWithItsRootCause() {
    // What the Kafka source's enumerator fails the job with while the brokers are away; the CLI
    // keeps the ERROR and trace Flink logs for it off the console (simplelogger.properties).
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S failing =
        HEALTHY
            .withFailure(
                2_000,
                new RuntimeException(
                    "Failed to list subscribed topic partitions due to ",
                    new java.util.concurrent.ExecutionException(
                        new org.apache.kafka.common.errors.TimeoutException(
                            "Timed out waiting for a node assignment. Call: describeTopics"))))
            .notAllRunning();
    assertThat(observe(health, failing))
        .containsExactly(
            "the job failed: timed out waiting for a node assignment. Call: describeTopics"
                + " (TimeoutException); restarting from checkpoint 4 in 5s (checkpoints.restart_delay)");
  }

  @Test
  void aRestartFasterThanThePollIsStillAFailureAndARecovery() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S alreadyBack =
        HEALTHY
            .withFailure(2_000, new IllegalStateException("injected failure"))
            .runningSince(2_500, 1)
            .withRestored(4);

    assertThat(observe(health, alreadyBack))
        .containsExactly(
            "the job failed: injected failure (IllegalStateException); restarting from checkpoint 4"
                + " in 5s"
                + " (checkpoints.restart_delay)",
            "the job recovered: all its tasks run again from checkpoint 4 (restart 1 in a row of at most 3,"
                + " checkpoints.restart_attempts)");
  }

  @Test
  void theRecoveryCountsRestartsInARowAsFlinkDoesAndStartsAgainAfterAHealthyStretch() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);
    IllegalStateException broker = new IllegalStateException("broker blip");

    // Restarted at 7 s (5 s restart_delay); failing again within restart_reset_after (1m).
    S first = HEALTHY.withRestored(4).withFailure(2_000, broker).runningSince(7_500, 1);
    assertThat(observe(health, first))
        .endsWith(
            "the job recovered: all its tasks run again from checkpoint 4 (restart 1 in a row of at most 3,"
                + " checkpoints.restart_attempts)");
    S second = first.withFailure(66_999, broker).runningSince(72_500, 2);
    assertThat(observe(health, second))
        .endsWith(
            "the job recovered: all its tasks run again from checkpoint 4 (restart 2 in a row of at most 3,"
                + " checkpoints.restart_attempts)");
    // Restarted at 72 s, failing a full minute later: Flink counts from zero again.
    S third = second.withFailure(132_000, broker).runningSince(137_500, 3);
    assertThat(observe(health, third))
        .endsWith(
            "the job recovered: all its tasks run again from checkpoint 4 (restart 1 in a row of at most 3,"
                + " checkpoints.restart_attempts)");
  }

  @Test
  void aCheckpointFailureThatFailsTheJobSaysSoInTheNextLine() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY.withCompleted(0, -1));

    S both =
        HEALTHY
            .withCompleted(0, -1)
            .withFailedCheckpoints(1, 1, "Checkpoint expired before completing.")
            .withFailure(
                2_000,
                new IllegalStateException(
                    "Exceeded checkpoint tolerable failure threshold. The latest checkpoint failed"
                        + " due to Checkpoint expired before completing., view the Checkpoint"
                        + " History tab or the Job Manager log to find out why continuous"
                        + " checkpoints failed."))
            .notAllRunning();

    assertThat(observe(health, both))
        .containsExactly(
            "checkpoint 1 failed: it did not complete within checkpoints.timeout (2m): an operator"
                + " or a sink is stuck or slow",
            "the job failed: checkpoint 1 failed; restarting from its starting offsets (no"
                + " checkpoint yet) in 5s (checkpoints.restart_delay)");
    assertThat(observe(health, both.runningSince(3_000, 1)))
        .containsExactly(
            "the job recovered: all its tasks run again, from its starting offsets (no checkpoint"
                + " yet) (restart 1 in a row of at most 3, checkpoints.restart_attempts)");
  }

  /** {@link #SETTINGS} with {@code failures} checkpoints in a row tolerated. */
  private static VigilConfig.Checkpoints tolerating(int failures) {
    return new VigilConfig.Checkpoints(
        SETTINGS.interval(),
        SETTINGS.mode(),
        SETTINGS.timeout(),
        SETTINGS.minPause(),
        SETTINGS.storage(),
        SETTINGS.retainOnCancel(),
        failures,
        SETTINGS.restartAttempts(),
        SETTINGS.restartDelay(),
        SETTINGS.restartResetAfter(),
        SETTINGS.finalSavepointTimeout(),
        SETTINGS.retainedStates());
  }

  private static List<String> observe(JobHealth health, S snapshot) {
    return health.observe(snapshot.s());
  }

  /** A snapshot and the one-fact changes the tests make to it. */
  private record S(JobHealth.Snapshot s) {
    S withStatus(JobStatus status) {
      return new S(
          new JobHealth.Snapshot(
              status,
              s.failedCheckpoints(),
              s.latestFailed(),
              s.latestFailure(),
              s.completedCheckpoints(),
              s.latestCompleted(),
              s.restored(),
              s.failedAt(),
              s.failure(),
              s.runningSince(),
              s.restarts()));
    }

    S withFailedCheckpoints(long count, long latest, String why) {
      return new S(
          new JobHealth.Snapshot(
              s.status(),
              count,
              latest,
              why,
              s.completedCheckpoints(),
              s.latestCompleted(),
              s.restored(),
              s.failedAt(),
              s.failure(),
              s.runningSince(),
              s.restarts()));
    }

    S withCompleted(long count, long latest) {
      return new S(
          new JobHealth.Snapshot(
              s.status(),
              s.failedCheckpoints(),
              s.latestFailed(),
              s.latestFailure(),
              count,
              latest,
              s.restored(),
              s.failedAt(),
              s.failure(),
              s.runningSince(),
              s.restarts()));
    }

    S withRestored(long checkpoint) {
      return new S(
          new JobHealth.Snapshot(
              s.status(),
              s.failedCheckpoints(),
              s.latestFailed(),
              s.latestFailure(),
              s.completedCheckpoints(),
              s.latestCompleted(),
              checkpoint,
              s.failedAt(),
              s.failure(),
              s.runningSince(),
              s.restarts()));
    }

    S withFailure(long at, Throwable failure) {
      return new S(
          new JobHealth.Snapshot(
              s.status(),
              s.failedCheckpoints(),
              s.latestFailed(),
              s.latestFailure(),
              s.completedCheckpoints(),
              s.latestCompleted(),
              s.restored(),
              at,
              failure,
              s.runningSince(),
              s.restarts()));
    }

    S runningSince(long at, int restarts) {
      return new S(
          new JobHealth.Snapshot(
              s.status(),
              s.failedCheckpoints(),
              s.latestFailed(),
              s.latestFailure(),
              s.completedCheckpoints(),
              s.latestCompleted(),
              s.restored(),
              s.failedAt(),
              s.failure(),
              at,
              restarts));
    }

    S notAllRunning() {
      return runningSince(-1, s.restarts());
    }
  }

  @Test
  void aJobThatFailedForGoodIsLeftToTheCaller() {
    JobHealth health = new JobHealth(SETTINGS);
    observe(health, HEALTHY);

    S failed =
        HEALTHY.withFailure(2_000, new IllegalStateException("no restarts left")).notAllRunning();

    assertThat(observe(health, failed.withStatus(JobStatus.FAILING))).isEmpty();
    assertThat(observe(health, failed.withStatus(JobStatus.FAILED))).isEmpty();
  }
}
