package dev.vigil.detect.kafka;

import dev.vigil.detect.EmbeddedFlink;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.metrics.PrometheusEndpoint;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.model.Durations;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs the detection job ({@link ContinuousDetection}) on a Flink MiniCluster inside this JVM, for
 * {@code vigil run} on a laptop or a single container: {@link #start} returns a {@link Running}
 * handle, {@link #run} holds the calling thread until the job ends or the JVM is asked to stop, and
 * {@link #startBounded} reads a fixed range of offsets and finishes by itself (the stack demo, the
 * end-to-end benchmark). A real cluster runs the same job through the job jar instead ({@code flink
 * run vigil-detection-jobs.jar --config vigil.yaml}, restoring there with {@code flink run -s}).
 *
 * <p>Design note. A start goes through fixed steps, each of which can refuse it with one line
 * before the next touches anything: {@link JobPreflight#check} (no network), the REST and metrics
 * ports ({@link JobPreflight#checkPorts}: Flink would only log a taken metrics port and run without
 * the reporter), {@link JobPreflight#prepare} (topics, index templates), then the job graph with
 * {@link FlinkSettings} and the restore settings, and only then the cluster and the submission. A
 * cluster that started is closed again whenever a later step fails; a bind failure on a fixed
 * {@code job.rest_port} is told apart from other failures (it is the user's to fix) by walking the
 * causes.
 *
 * <p>Resuming: {@code vigil run} restores from the newest {@link ResumePoint} under the checkpoint
 * storage: the final savepoint of a run that was stopped, or the checkpoint retained by a run that
 * was cancelled or crashed, with its Kafka offsets and rule state. Flink restores the state while
 * the job is INITIALIZING, so {@link #run} polls until the job is past that before it reports a
 * start: a job that cannot take its saved state fails there, and its result says why.
 *
 * <p>Stopping: {@link Running#stop} is Flink's stop-with-savepoint, without draining, bounded by
 * {@code checkpoints.final_savepoint_timeout}, asked for once every task runs (Flink refuses it
 * before, and a stop soon after the start would otherwise lose the savepoint); the savepoint is
 * what keeps a restart from paging twice, since nothing the stopped run did is after it, while
 * everything after the last checkpoint is done again. A savepoint that fails or is late falls back
 * to a cancel ({@link Stop.Cancelled} says whether a checkpoint was retained). {@link #run} stops
 * from a JVM shutdown hook (Ctrl-C, SIGTERM; {@link ShutdownStop}, installed before the start's
 * checks so that a signal during them is reported too) while its own thread may be closing the same
 * handle as the job ends, so {@code stop} and {@code close} are synchronized and {@code close} is
 * idempotent; waits are bounded so a stuck job cannot hold the JVM, whose exit ends the cluster's
 * threads in the end.
 */
public final class EmbeddedJobRunner {

  private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);
  // How often a start or a stop asks the cluster whether the job (or each of its tasks) runs yet.
  private static final Duration POLL = Duration.ofMillis(50);

  private EmbeddedJobRunner() {}

  /**
   * Starts the job on a MiniCluster in this JVM, resuming from {@code restoreFrom} when given, its
   * REST API on {@code job.rest_port} of the loopback interface ({@link Running#restAddress}).
   */
  public static Running start(VigilConfig config, Optional<String> restoreFrom)
      throws RuleException {
    return start(config, JobPreflight.check(config), restoreFrom);
  }

  /**
   * As {@link #start(VigilConfig, Optional)}, with the rules {@link JobPreflight#check} returned.
   */
  public static Running start(VigilConfig config, RuleSet rules, Optional<String> restoreFrom)
      throws RuleException {
    return start(config, rules, restoreFrom, false);
  }

  /**
   * As {@link #start(VigilConfig, RuleSet, Optional)}; with {@code allowDroppedState}, the state in
   * {@code restoreFrom} of operators the job no longer has (a removed sink or {@code notify:}) is
   * left behind instead of failing the restore.
   */
  public static Running start(
      VigilConfig config, RuleSet rules, Optional<String> restoreFrom, boolean allowDroppedState)
      throws RuleException {
    return start(config, rules, restoreFrom, allowDroppedState, line -> {});
  }

  private static Running start(
      VigilConfig config,
      RuleSet rules,
      Optional<String> restoreFrom,
      boolean allowDroppedState,
      Consumer<String> onPrepared)
      throws RuleException {
    return start(
        config,
        rules,
        KafkaConnectors.rawSource(config.kafka()),
        restoreFrom.map(path -> SavepointRestoreSettings.forPath(path, allowDroppedState)),
        config.job().restPort(),
        config.metrics().prometheus(),
        UnaryOperator.identity(),
        onPrepared);
  }

  static Running start(
      VigilConfig config,
      Optional<String> restoreFrom,
      UnaryOperator<DataStream<RawRecord>> afterSource)
      throws RuleException {
    return start(
        config,
        JobPreflight.check(config),
        KafkaConnectors.rawSource(config.kafka()),
        restoreFrom.map(path -> SavepointRestoreSettings.forPath(path, false)),
        config.job().restPort(),
        config.metrics().prometheus(),
        afterSource,
        line -> {});
  }

  /**
   * Starts the job on a MiniCluster in this JVM over the raw records between two sets of offsets
   * ({@link KafkaConnectors#rawSource(VigilConfig.Kafka, Map, Map)}): the job finishes by itself
   * once every record of the range is through and every sink has flushed, so {@link
   * Running#result()} completes. Never restores from a checkpoint: the range says what to read. Its
   * REST API takes any free port of the loopback interface, not {@code job.rest_port}, and it
   * serves no {@code metrics.prometheus}: a {@code vigil run} of the same file may hold those.
   */
  public static Running startBounded(
      VigilConfig config, Map<TopicPartition, Long> from, Map<TopicPartition, Long> until)
      throws RuleException {
    return startBounded(config, JobPreflight.check(config), from, until);
  }

  /**
   * As {@link #startBounded(VigilConfig, Map, Map)}, with the rules {@link JobPreflight#check}
   * returned: for a caller that checks before it writes the records to read.
   */
  public static Running startBounded(
      VigilConfig config,
      RuleSet rules,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> until)
      throws RuleException {
    return start(
        config,
        rules,
        KafkaConnectors.rawSource(config.kafka(), from, until),
        Optional.empty(),
        EmbeddedFlink.ANY_FREE_PORT,
        Optional.empty(),
        UnaryOperator.identity(),
        line -> {});
  }

  private static Running start(
      VigilConfig config,
      RuleSet rules,
      KafkaSource<RawRecord> source,
      Optional<SavepointRestoreSettings> restoreFrom,
      int restPort,
      Optional<VigilConfig.Prometheus> metrics,
      UnaryOperator<DataStream<RawRecord>> afterSource,
      Consumer<String> onPrepared)
      throws RuleException {
    // Before anything is prepared: a taken port is a mistake to fix, found before topics or
    // templates are touched (vigil run checks earlier still, before it prunes old states).
    JobPreflight.checkPorts(config.file(), restPort, metrics);
    OutputRecordLimits limits = JobPreflight.prepare(config, onPrepared);
    Configuration flink = FlinkSettings.from(config);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(flink);
    ContinuousDetection.build(env, config, rules, limits, source, afterSource);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(config.job().name());
    restoreFrom.ifPresent(graph::setSavepointRestoreSettings);

    Configuration clusterSettings = new Configuration(flink);
    metrics.ifPresent(
        endpoint -> PrometheusEndpoint.addTo(clusterSettings, endpoint.host(), endpoint.port()));
    MiniCluster cluster =
        EmbeddedFlink.cluster(clusterSettings, config.job().parallelism(), restPort);
    try {
      cluster.start();
      JobID job = cluster.submitJob(graph).get().getJobID();
      return new Running(cluster, job, config.checkpoints());
    } catch (Exception e) {
      closeQuietly(cluster);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (restPort != EmbeddedFlink.ANY_FREE_PORT && causedBy(e, BindException.class)) {
        // Taken between the preflight's probe and the cluster's start.
        throw new EmbeddedClusterException(JobPreflight.restPortTaken(restPort, config.file()), e);
      }
      throw new EmbeddedClusterException(
          "the embedded Flink cluster could not start the job: " + IoProblems.innermost(e), e);
    }
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs on a MiniCluster until the job ends or the JVM is asked to stop (Ctrl-C, SIGTERM), which
   * stops the job with a final savepoint ({@link Running#stop}) and tells the hook's listener; a
   * stop before the job runs only tells it so ({@link StopListener#stoppedBeforeStart}).
   *
   * @param rules what {@link JobPreflight#check} returned
   * @param resumeFrom the checkpoint or savepoint to resume from: {@link ResumePoint#latest} of
   *     {@code checkpoints.storage} for {@code vigil run}
   * @param allowDroppedState leave behind the state of operators the job no longer has
   * @param onStart told once the job is past its restore, which then runs, with the address of the
   *     cluster's REST API ({@link Running#restAddress}); a job that cannot take its saved state
   *     fails before that, and its result says why
   * @param onStatus told, one line each, of the existing indices the OpenSearch index templates
   *     gave new fields before the start ({@link JobPreflight#prepare(VigilConfig, Consumer)}),
   *     then of failed checkpoints, failures, restarts and recoveries while the job runs ({@link
   *     JobWatch}), until it is stopped
   * @param shutdownStop the hook the caller installed before its own checks, so that a signal
   *     during them is reported too: it stops the job once it runs, and is closed (removed) when
   *     the job has ended
   * @return the job's result
   * @throws EmbeddedClusterException when the embedded cluster cannot start or take the job
   */
  public static JobResult run(
      VigilConfig config,
      RuleSet rules,
      Optional<String> resumeFrom,
      boolean allowDroppedState,
      Consumer<URI> onStart,
      Consumer<String> onStatus,
      ShutdownStop shutdownStop)
      throws RuleException, InterruptedException {
    try (Running running = start(config, rules, resumeFrom, allowDroppedState, onStatus);
        JobWatch watch =
            JobWatch.start(running.cluster(), running.jobId(), config.checkpoints(), onStatus)) {
      if (pastRestore(running)) {
        shutdownStop.jobRuns(running, watch);
        onStart.accept(running.restAddress());
      }
      try {
        return running.result().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "the job's result is unknown: " + IoProblems.innermost(e), e);
      } finally {
        // Before the cluster is closed: a signal while it closes need not wait for that.
        shutdownStop.close();
      }
    }
  }

  /**
   * The JVM shutdown hook of a run (Ctrl-C, SIGTERM), from {@link #install} until {@link #close}.
   * Until {@link #run} has handed it the running job, a shutdown only tells the listener that no
   * job started ({@link StopListener#stoppedBeforeStart}): the JVM's exit ends whatever the start
   * had begun (the brokers' wait, the cluster's start, the restore), and no job had read a record.
   * Then it stops the job with a final savepoint ({@link Running#stop}) and closes the cluster.
   */
  public static final class ShutdownStop implements AutoCloseable {
    private final StopListener listener;
    private final Thread hook;
    private Running running;
    private JobWatch watch;

    private ShutdownStop(StopListener listener) {
      this.listener = listener;
      this.hook = new Thread(this::onShutdown, "vigil-run-shutdown");
    }

    /** Installs the hook, which tells {@code listener} what a shutdown does. */
    public static ShutdownStop install(StopListener listener) {
      ShutdownStop stop = new ShutdownStop(listener);
      Runtime.getRuntime().addShutdownHook(stop.hook);
      return stop;
    }

    synchronized void jobRuns(Running job, JobWatch jobWatch) {
      this.running = job;
      this.watch = jobWatch;
    }

    private void onShutdown() {
      Running job;
      JobWatch jobWatch;
      synchronized (this) {
        job = running;
        jobWatch = watch;
      }
      if (job == null) {
        listener.stoppedBeforeStart();
        return;
      }
      try {
        jobWatch.close();
        job.stop(listener);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        job.close();
      }
    }

    /** Removes the hook; nothing when it is running (the JVM is stopping) or already removed. */
    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it stops the job and closes the cluster, or says none ran.
      }
    }
  }

  /**
   * Waits while the job initializes, which is when its JobMaster restores the saved state: whether
   * it then still runs (false: it failed, for instance on state it cannot map).
   */
  private static boolean pastRestore(Running running) throws InterruptedException {
    while (!running.result().isDone()) {
      JobStatus status;
      try {
        status = running.cluster().getJobStatus(running.jobId()).get();
      } catch (ExecutionException e) {
        return !running.result().isDone();
      }
      if (status != JobStatus.INITIALIZING) {
        return !status.isGloballyTerminalState();
      }
      Thread.sleep(POLL.toMillis());
    }
    return false;
  }

  private static void closeQuietly(MiniCluster cluster) {
    try {
      cluster.closeAsync().get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Nothing more to do: the cluster's threads end with the JVM.
    }
  }

  /**
   * Why a final savepoint failed, for the line that says the job was cancelled instead. A job that
   * fails while the savepoint is under way (a sink giving up on OpenSearch, for instance) aborts
   * it, and Flink's reason is then only that its checkpoint coordinator is suspending: the job's
   * own failure is what the reader must act on.
   */
  static String noSavepointReason(Throwable savepointFailure, Optional<Throwable> jobFailure) {
    for (Throwable cause = savepointFailure; cause != null; cause = cause.getCause()) {
      if (JobHealth.abortedByFailover(cause.getMessage())) {
        return "the job failed while it was being taken"
            + jobFailure.map(failure -> ": " + JobFailure.describe(failure)).orElse("");
      }
    }
    return IoProblems.innermost(savepointFailure);
  }

  /** The embedded cluster could not start, or could not take the job. */
  public static final class EmbeddedClusterException extends RuntimeException {
    EmbeddedClusterException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** How a job was stopped. */
  public sealed interface Stop {
    /** Stopped with its final savepoint, at {@code path} (a {@code file:} URI when local). */
    record WithSavepoint(String path) implements Stop {}

    /**
     * Cancelled, because no final savepoint could be taken ({@code reason}): the next run resumes
     * from the last checkpoint, when {@code checkpoints.retain_on_cancel} kept it.
     */
    record Cancelled(String reason, boolean checkpointRetained) implements Stop {}

    /** The job had already ended (failed, or stopped before): there was nothing to stop. */
    record AlreadyEnded() implements Stop {}
  }

  /** Told, as it happens, what stopping a job does: a stop may wait for its savepoint. */
  public interface StopListener {
    /**
     * The JVM is being stopped (Ctrl-C, SIGTERM) before the job ran: during the start's checks (the
     * brokers, OpenSearch), the cluster's start or the job's restore. No job read a record, so
     * there is nothing to savepoint, and the saved state is as it was.
     */
    default void stoppedBeforeStart() {}

    /** The final savepoint has been asked for; the stop waits for it at most {@code timeout}. */
    void savepointRequested(Duration timeout);

    /** The job has ended, as {@code stop} says. */
    void stopped(Stop stop);
  }

  /**
   * A job running on an embedded MiniCluster: {@link #stop} ends it with a final savepoint, closing
   * it cancels the job (if still running) and stops the cluster.
   */
  public static final class Running implements AutoCloseable {
    private final MiniCluster cluster;
    private final JobID job;
    private final VigilConfig.Checkpoints checkpoints;
    private boolean closed;

    Running(MiniCluster cluster, JobID job, VigilConfig.Checkpoints checkpoints) {
      this.cluster = cluster;
      this.job = job;
      this.checkpoints = checkpoints;
    }

    public JobID jobId() {
      return job;
    }

    public MiniCluster cluster() {
      return cluster;
    }

    /**
     * The cluster's REST API, {@code http://127.0.0.1:<port>/}: the job's status, checkpoints,
     * exceptions and metrics ({@code jobs/<job id>}); it listens on the loopback interface only.
     */
    public URI restAddress() throws InterruptedException {
      return EmbeddedFlink.restAddress(cluster);
    }

    /** Completes when the job ends (it does not, unless cancelled or failed beyond restarts). */
    public java.util.concurrent.CompletableFuture<JobResult> result() {
      return cluster.requestJobResult(job);
    }

    /**
     * Stops the job with a final savepoint under {@link ResumePoint#savepointDirectory} (Flink's
     * stop-with-savepoint, without draining: open windows stay open in the savepoint, and the sinks
     * commit what they wrote before it), waiting at most {@code
     * checkpoints.final_savepoint_timeout}: first, if need be, for every task to run (Flink takes
     * no savepoint while a task is still being deployed or initialized, as soon after the start),
     * then for the savepoint. A job that ends meanwhile is {@link Stop.AlreadyEnded}. A savepoint
     * that fails or does not complete in time leaves the job running; it is then cancelled, as
     * {@link #cancel} does. This is what the shutdown hook of {@link EmbeddedJobRunner#run} calls
     * on Ctrl-C and SIGTERM.
     *
     * @return how the job ended, as also told to {@code listener}
     */
    public synchronized Stop stop(StopListener listener) throws InterruptedException {
      if (closed || result().isDone()) {
        Stop ended = new Stop.AlreadyEnded();
        listener.stopped(ended);
        return ended;
      }
      Duration timeout = checkpoints.finalSavepointTimeout();
      long deadline = System.nanoTime() + timeout.toNanos();
      listener.savepointRequested(timeout);
      if (!awaitEveryTaskRunning(deadline)) {
        Stop stop;
        if (result().isDone()) {
          stop = new Stop.AlreadyEnded();
        } else {
          cancel();
          stop =
              new Stop.Cancelled(
                  "not every task of the job was running within "
                      + Durations.format(timeout)
                      + " (checkpoints.final_savepoint_timeout), and Flink takes a savepoint"
                      + " only of a job whose tasks all run",
                  checkpoints.retainOnCancel());
        }
        listener.stopped(stop);
        return stop;
      }
      Stop stop;
      try {
        String location =
            cluster
                .stopWithSavepoint(
                    job,
                    ResumePoint.savepointDirectory(checkpoints.storage()),
                    false,
                    SavepointFormatType.CANONICAL)
                .get(remaining(deadline), TimeUnit.NANOSECONDS);
        stop = new Stop.WithSavepoint(ResumePoint.display(location));
        awaitEnd();
      } catch (TimeoutException e) {
        cancel();
        stop =
            new Stop.Cancelled(
                "it was not taken within "
                    + Durations.format(timeout)
                    + " (checkpoints.final_savepoint_timeout)",
                checkpoints.retainOnCancel());
      } catch (ExecutionException e) {
        String reason = noSavepointReason(e.getCause(), jobFailure());
        cancel();
        stop = new Stop.Cancelled(reason, checkpoints.retainOnCancel());
      }
      listener.stopped(stop);
      return stop;
    }

    /**
     * Waits, until {@code deadline} ({@link System#nanoTime}), for the job and every one of its
     * tasks to run ({@link JobHealth#everyTaskRunning}): a stop soon after the start (or during a
     * restart) finds tasks still being deployed or initialized, the exactly-once alerts sink's
     * transactional producer for instance, and Flink refuses a savepoint until they run. Whether
     * they all run; false too when the job ended meanwhile.
     */
    private boolean awaitEveryTaskRunning(long deadline) throws InterruptedException {
      while (!result().isDone()) {
        try {
          if (JobHealth.everyTaskRunning(
              cluster.getExecutionGraph(job).get(remaining(deadline), TimeUnit.NANOSECONDS))) {
            return true;
          }
        } catch (ExecutionException e) {
          // Not answered this time (the job's JobManager still being created): asked again.
        } catch (TimeoutException e) {
          return false;
        }
        if (remaining(deadline) <= 0) {
          return false;
        }
        Thread.sleep(Math.min(POLL.toMillis(), TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
      }
      return false;
    }

    private static long remaining(long deadline) {
      return Math.max(0, deadline - System.nanoTime());
    }

    /** The job's latest failure, when it has one and the cluster answers. */
    private Optional<Throwable> jobFailure() throws InterruptedException {
      try {
        ErrorInfo failure =
            cluster
                .getExecutionGraph(job)
                .get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .getFailureInfo();
        return failure == null
            ? Optional.empty()
            : Optional.of(
                failure.getException().deserializeError(EmbeddedJobRunner.class.getClassLoader()));
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        return Optional.empty();
      }
    }

    /**
     * Cancels the job and waits until it has ended. Its last completed checkpoint outlives it only
     * when {@code checkpoints.retain_on_cancel} is set (as {@link Stop.Cancelled} reports).
     */
    public void cancel() throws InterruptedException {
      try {
        cluster.cancelJob(job).get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // Closing the cluster ends the job's tasks whatever state they are in.
      }
      awaitEnd();
    }

    private void awaitEnd() throws InterruptedException {
      try {
        result().get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // Closing the cluster ends the job's tasks whatever state they are in.
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (!result().isDone()) {
          cancel();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(cluster);
      }
    }
  }
}
