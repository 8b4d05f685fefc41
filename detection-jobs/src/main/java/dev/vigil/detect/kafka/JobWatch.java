package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * Tells on-call, one line per event, when the embedded job's checkpoints fail or work again, and
 * when the job fails, restarts and recovers ({@link JobHealth} words the lines).
 *
 * <p>Design: it polls the MiniCluster in this JVM for the job's execution graph (status, latest
 * failure, checkpoint statistics, task states) every {@link #EVERY}: the same facts the REST API
 * serves, without HTTP or JSON, and with no hook into Flink's internals (Flink has no public
 * listener for checkpoint failures or restarts of a job). Events are recognised by counters and
 * timestamps that only grow, so polling often costs nothing in repeated lines. A poll that fails
 * (the cluster shutting down) is skipped; the watch ends when closed, before the job is stopped, so
 * a failed final savepoint is reported by the stop and not as a failed checkpoint.
 */
public final class JobWatch implements AutoCloseable {

  /** How often the job is looked at: a restart is seen within this, and costs one RPC. */
  static final Duration EVERY = Duration.ofSeconds(1);

  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(10);

  private final ScheduledExecutorService poller;

  private JobWatch(ScheduledExecutorService poller) {
    this.poller = poller;
  }

  /**
   * Watches {@code job} on {@code cluster}, telling {@code report} each status line (without a
   * prefix), from a thread of its own, until closed.
   */
  public static JobWatch start(
      MiniCluster cluster, JobID job, VigilConfig.Checkpoints settings, Consumer<String> report) {
    return start(cluster, job, settings, report, EVERY);
  }

  static JobWatch start(
      MiniCluster cluster,
      JobID job,
      VigilConfig.Checkpoints settings,
      Consumer<String> report,
      Duration every) {
    JobHealth health = new JobHealth(settings);
    ClassLoader classLoader = JobWatch.class.getClassLoader();
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "vigil-job-watch");
              thread.setDaemon(true);
              return thread;
            });
    poller.scheduleWithFixedDelay(
        () -> {
          try {
            AccessExecutionGraph graph =
                cluster.getExecutionGraph(job).get(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            health.observe(JobHealth.Snapshot.of(graph, classLoader)).forEach(report);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // The cluster is busy or shutting down (a job that is gone has no graph): the next poll
            // sees what this one missed, as events are counted, not sampled. An exception would
            // end the schedule for good.
          }
        },
        0,
        every.toMillis(),
        TimeUnit.MILLISECONDS);
    return new JobWatch(poller);
  }

  /** Stops watching; a poll under way may still report its lines. */
  @Override
  public void close() {
    poller.shutdownNow();
  }
}
