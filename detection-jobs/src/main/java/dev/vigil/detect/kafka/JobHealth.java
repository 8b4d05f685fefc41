package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.rules.model.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointFailureManager;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecution;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;

/**
 * What happened to a running job since it was last looked at, as status lines for on-call: a
 * checkpoint that failed, checkpoints completing again, the job failing and restarting, and the job
 * running again after a restart. {@link JobWatch} feeds it a {@link Snapshot} per poll.
 *
 * <p>Design: every event is detected by a value that only grows (the id of the newest failed and
 * completed checkpoint, the time of the latest failure, the time every task last started running),
 * never by the job status seen at a poll: with region failover the job stays RUNNING through a
 * restart, and a restart shorter than the poll interval would be missed. So each event is one line
 * however often the job is polled, and a poll that comes late still reports it, merged ("3
 * checkpoints failed"). The watch starts with the job, so the first snapshot is compared with a job
 * that has done nothing yet: a failure or a failed checkpoint before the first poll (within the
 * first second, or while the job was still being created) is reported like any other; what a
 * resumed job brings with it (the checkpoint it restored) is not news. A job that failed for good
 * (FAILING, FAILED) is left to the caller, which reports how the job ended.
 */
final class JobHealth {

  /**
   * The facts of one poll.
   *
   * @param failedCheckpoints checkpoints that failed since the job started
   * @param latestFailed the newest failed checkpoint's id, or -1
   * @param latestFailure why it failed, Flink's words
   * @param completedCheckpoints checkpoints that completed since the job started
   * @param latestCompleted the newest completed checkpoint's id, or -1
   * @param restored the checkpoint the job last restored, or -1
   * @param failedAt when the job's latest failure happened (epoch ms), or -1
   * @param failure the latest failure, or null
   * @param runningSince when the last of its tasks started running (epoch ms), or -1 while any is
   *     not running
   * @param restarts how often the job's tasks have been restarted
   */
  record Snapshot(
      JobStatus status,
      long failedCheckpoints,
      long latestFailed,
      String latestFailure,
      long completedCheckpoints,
      long latestCompleted,
      long restored,
      long failedAt,
      Throwable failure,
      long runningSince,
      int restarts) {

    static Snapshot of(AccessExecutionGraph graph, ClassLoader classLoader) {
      CheckpointStatsSnapshot checkpoints = graph.getCheckpointStatsSnapshot();
      long failed = 0;
      long completed = 0;
      long latestFailed = -1;
      String latestFailure = null;
      long latestCompleted = -1;
      long restored = -1;
      if (checkpoints != null) {
        failed = checkpoints.getCounts().getNumberOfFailedCheckpoints();
        completed = checkpoints.getCounts().getNumberOfCompletedCheckpoints();
        FailedCheckpointStats failedStats = checkpoints.getHistory().getLatestFailedCheckpoint();
        if (failedStats != null) {
          latestFailed = failedStats.getCheckpointId();
          latestFailure = failedStats.getFailureMessage();
        }
        AbstractCheckpointStats completedStats =
            checkpoints.getHistory().getLatestCompletedCheckpoint();
        latestCompleted = completedStats == null ? -1 : completedStats.getCheckpointId();
        RestoredCheckpointStats restoredStats = checkpoints.getLatestRestoredCheckpoint();
        restored = restoredStats == null ? -1 : restoredStats.getCheckpointId();
      }
      ErrorInfo failure = graph.getFailureInfo();
      int restarts = 0;
      for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
        restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
      }
      return new Snapshot(
          graph.getState(),
          failed,
          latestFailed,
          latestFailure,
          completed,
          latestCompleted,
          restored,
          failure == null ? -1 : failure.getTimestamp(),
          failure == null ? null : failure.getException().deserializeError(classLoader),
          JobHealth.runningSince(graph),
          restarts);
    }
  }

  /**
   * When the last of the job's tasks started running (epoch ms), or -1 while any is not running
   * (being deployed, initializing, restarting); 0 for a graph without tasks.
   */
  static long runningSince(AccessExecutionGraph graph) {
    long since = 0;
    for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
      AccessExecution execution = vertex.getCurrentExecutionAttempt();
      if (execution.getState() != ExecutionState.RUNNING) {
        return -1;
      }
      since = Math.max(since, execution.getStateTimestamp(ExecutionState.RUNNING));
    }
    return since;
  }

  /**
   * Whether the job runs and so does every one of its tasks: what Flink needs before it takes a
   * checkpoint or savepoint (until then it refuses one, "Not all required tasks are currently
   * running").
   */
  static boolean everyTaskRunning(AccessExecutionGraph graph) {
    return graph.getState() == JobStatus.RUNNING && runningSince(graph) >= 0;
  }

  /**
   * The reasons Flink's CheckpointFailureManager counts against the tolerated failures (its
   * checkFailureCounter, Flink 2.2); it ignores every other.
   */
  private static final List<CheckpointFailureReason> COUNTED =
      List.of(
          CheckpointFailureReason.IO_EXCEPTION,
          CheckpointFailureReason.CHECKPOINT_ASYNC_EXCEPTION,
          CheckpointFailureReason.CHECKPOINT_DECLINED,
          CheckpointFailureReason.CHECKPOINT_EXPIRED,
          CheckpointFailureReason.FINALIZE_CHECKPOINT_FAILURE);

  /** The reasons a checkpoint fails for when the job's failure aborts it. */
  private static final List<CheckpointFailureReason> ABORTED_BY_FAILOVER =
      List.of(
          CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND,
          CheckpointFailureReason.CHECKPOINT_COORDINATOR_SHUTDOWN,
          CheckpointFailureReason.JOB_FAILOVER_REGION,
          CheckpointFailureReason.TASK_FAILURE);

  /**
   * The reasons a task gives when it declines a checkpoint because it does not run (any more): a
   * task that fails declines every checkpoint whose trigger waited behind the record it failed on
   * (a sink blocked on OpenSearch, for instance), and Flink may record those declines a poll before
   * the failure itself. Reported then, they would read as the cause ("5 checkpoints failed ...
   * tasks not ready; the job keeps running") a line before the real one.
   */
  private static final List<CheckpointFailureReason> DECLINED_BY_A_STOPPED_TASK =
      List.of(
          CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_NOT_READY,
          CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING);

  /**
   * What the first snapshot is compared with: a job just submitted, no checkpoint, no failure, no
   * task running, none restarted.
   */
  private static final Snapshot NOTHING_YET =
      new Snapshot(JobStatus.CREATED, 0, -1, null, 0, -1, -1, -1, null, -1, 0);

  private final VigilConfig.Checkpoints settings;
  private Snapshot seen;
  // The snapshot before a checkpoint that a stopped task declined, held back for one poll to see
  // whether the job failure it is part of follows; null when nothing is held.
  private Snapshot heldDecline;
  private long failedInARow;
  private long unrecoveredFailureAt = -1;
  // Restarts in a row, counted as Flink's restart strategy counts them (see FlinkSettings): a
  // failure restart_reset_after or more past the previous restart starts a new row.
  private long previousRestartAt = -1;
  private int restartsBeforeRow;

  JobHealth(VigilConfig.Checkpoints settings) {
    this.settings = settings;
  }

  /** The lines for what changed since the previous snapshot (for the first, since the start). */
  List<String> observe(Snapshot now) {
    List<String> lines = new ArrayList<>();
    if (seen == null) {
      seen = NOTHING_YET;
    }
    if (now.status() == JobStatus.FAILING || now.status().isGloballyTerminalState()) {
      seen = now;
      heldDecline = null;
      return lines;
    }
    boolean newJobFailure = now.failedAt() > seen.failedAt();
    // A checkpoint a failing job aborts is part of that failure, already reported with it; one that
    // fails in the same poll may have caused it, and is reported. A trigger refused before the
    // checkpoint got an id (tasks still starting) is counted by Flink but is no event.
    // A checkpoint declined by a task that stopped running waits one poll: the failure that
    // stopped the task makes it part of that failure; without one, it is reported then, merged
    // with any checkpoint that failed in the meantime.
    boolean restarting = unrecoveredFailureAt >= 0;
    Snapshot checkpointsBefore = heldDecline != null ? heldDecline : seen;
    boolean held = heldDecline != null;
    heldDecline = null;
    if (now.latestFailed() > checkpointsBefore.latestFailed()
        && !restarting
        && !(newJobFailure && partOfTheFailure(now.latestFailure()))) {
      if (!held && !newJobFailure && declinedByAStoppedTask(now.latestFailure())) {
        heldDecline = checkpointsBefore;
      } else {
        long count = Math.max(1, now.failedCheckpoints() - checkpointsBefore.failedCheckpoints());
        failedInARow += count;
        lines.add(checkpointFailed(now, count, newJobFailure));
      }
    }
    if (newJobFailure) {
      unrecoveredFailureAt = now.failedAt();
      if (previousRestartAt < 0
          || now.failedAt() - previousRestartAt >= settings.restartResetAfter().toMillis()) {
        restartsBeforeRow = seen.restarts();
      }
      previousRestartAt = now.failedAt() + settings.restartDelay().toMillis();
      lines.add(
          "the job failed: "
              + jobFailure(now)
              + "; restarting "
              + from(now)
              + " in "
              + Durations.format(settings.restartDelay())
              + " (checkpoints.restart_delay)");
    }
    if (unrecoveredFailureAt >= 0 && now.runningSince() > unrecoveredFailureAt) {
      unrecoveredFailureAt = -1;
      lines.add(
          "the job recovered: all its tasks run again"
              + (now.restored() >= 0
                  ? " from checkpoint " + now.restored()
                  : ", from its starting offsets (no checkpoint yet)")
              + " (restart "
              + (now.restarts() - restartsBeforeRow)
              + " in a row of at most "
              + settings.restartAttempts()
              + ", checkpoints.restart_attempts)");
    }
    if (failedInARow > 0
        && now.completedCheckpoints() > seen.completedCheckpoints()
        && now.latestCompleted() > now.latestFailed()) {
      lines.add(
          "checkpoint "
              + now.latestCompleted()
              + " completed: checkpointing works again after "
              + plural(failedInARow, "failed checkpoint"));
      failedInARow = 0;
    }
    seen = now;
    return lines;
  }

  private String checkpointFailed(Snapshot now, long count, boolean jobFailedToo) {
    String cause = checkpointCause(now.latestFailure());
    String what =
        count == 1
            ? "checkpoint " + now.latestFailed() + " failed: " + cause
            : count + " checkpoints failed, the latest (" + now.latestFailed() + "): " + cause;
    if (jobFailedToo) {
      return what;
    }
    if (failsTheJob(now.latestFailure()) && settings.tolerableFailures() == 0) {
      // Flink fails the job a moment later, which the next line reports.
      return what + "; the job restarts from its last completed checkpoint";
    }
    return what
        + "; the job keeps running and tries again within "
        + Durations.format(settings.interval())
        + " (checkpoints.interval)";
  }

  /**
   * Whether a checkpoint that failed so was aborted by the job's failure ("Checkpoint Coordinator
   * is suspending", "Task has failed."): in the poll that sees the failure too, it is a
   * consequence, not a cause, and its line would read as the reason.
   */
  static boolean abortedByFailover(String message) {
    return ABORTED_BY_FAILOVER.stream().anyMatch(reason -> reason.message().equals(message));
  }

  /** Whether a checkpoint that failed so belongs to a job failure seen in the same poll. */
  private static boolean partOfTheFailure(String message) {
    return abortedByFailover(message) || declinedByAStoppedTask(message);
  }

  private static boolean declinedByAStoppedTask(String message) {
    return DECLINED_BY_A_STOPPED_TASK.stream().anyMatch(reason -> reason.message().equals(message));
  }

  /**
   * Whether Flink counts a checkpoint that failed so against the failures it tolerates: a failure
   * to write or finalize the checkpoint or of a task's snapshot, a decline, a timeout; not a
   * trigger refused for the moment (tasks not all running) or a checkpoint aborted by a failover.
   */
  private static boolean failsTheJob(String message) {
    return COUNTED.stream().anyMatch(reason -> reason.message().equals(message));
  }

  /**
   * Why the job failed. Flink fails a job whose checkpoint fails (none is tolerated) with a message
   * about its web UI's checkpoint history, which the CLI has not: the failed checkpoint is the
   * reason, and its own line says why it failed.
   */
  private static String jobFailure(Snapshot now) {
    String message = now.failure() == null ? null : now.failure().getMessage();
    if (message != null
        && message.startsWith(
            CheckpointFailureManager.EXCEEDED_CHECKPOINT_TOLERABLE_FAILURE_MESSAGE)) {
      return now.latestFailed() >= 0
          ? "checkpoint " + now.latestFailed() + " failed"
          : "a checkpoint failed";
    }
    return JobFailure.describe(now.failure());
  }

  /**
   * Flink's reason, as part of a sentence: the two an operator acts on in Vigil's words with the
   * key to look at (Flink's own says "An Exception occurred ... IO-problem detected" for a storage
   * it cannot write), the others in Flink's ("checkpoint was declined").
   */
  private String checkpointCause(String message) {
    if (message == null || message.isBlank()) {
      return "no cause was reported";
    }
    if (message.equals(CheckpointFailureReason.IO_EXCEPTION.message())) {
      return "its files could not be written to checkpoints.storage (" + settings.storage() + ")";
    }
    if (message.equals(CheckpointFailureReason.CHECKPOINT_EXPIRED.message())) {
      return "it did not complete within checkpoints.timeout ("
          + Durations.format(settings.timeout())
          + "): an operator or a sink is stuck or slow";
    }
    String words = IoProblems.words(message);
    return words.endsWith(".") ? words.substring(0, words.length() - 1) : words;
  }

  /** Where the restart resumes: the newest completed checkpoint, else what the job restored. */
  private static String from(Snapshot now) {
    OptionalLong checkpoint =
        now.latestCompleted() >= 0
            ? OptionalLong.of(now.latestCompleted())
            : now.restored() >= 0 ? OptionalLong.of(now.restored()) : OptionalLong.empty();
    return checkpoint.isPresent()
        ? "from checkpoint " + checkpoint.getAsLong()
        : "from its starting offsets (no checkpoint yet)";
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
