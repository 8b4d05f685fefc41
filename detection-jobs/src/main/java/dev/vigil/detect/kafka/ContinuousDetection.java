package dev.vigil.detect.kafka;

import dev.vigil.detect.DetectionJob;
import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.ConfigException;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.notify.NotifyConfigException;
import dev.vigil.detect.opensearch.IndexSetup;
import dev.vigil.ingest.RawRecord;
import dev.vigil.rules.RuleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code vigil run --config vigil.yaml}: the detection job, unbounded, from the raw Kafka topics to
 * the Kafka, OpenSearch, pager and file outputs vigil.yaml selects ({@link KafkaJobSinks}), with
 * the same operators as the bounded file run.
 *
 * <p>Two ways to run it. {@link #start} runs it on a Flink MiniCluster inside this JVM (a laptop, a
 * single container) and returns a {@link Running} handle whose {@link Running#close()} cancels the
 * job and stops the cluster. {@link #main} is the entry point of the shaded job jar: {@code flink
 * run vigil-detection-jobs.jar --config vigil.yaml} builds the same job on the submitting machine
 * and hands it to the cluster (restore from a checkpoint there with {@code flink run -s <path>}).
 *
 * <p>Design: vigil.yaml's checkpointing, restart and parallelism settings become Flink
 * configuration ({@link #flinkConfiguration}), so both ways behave alike; checkpoints are retained
 * on cancellation by default, so a cancelled or crashed embedded run resumes from {@link
 * #latestCheckpoint} with its Kafka offsets and rule state. Topics, index templates and credentials
 * are made ready before the job is built ({@link #prepare}): a missing topic or an unreadable
 * password is a message here, not a failing task.
 */
public final class ContinuousDetection {

  private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

  private ContinuousDetection() {}

  /** vigil.yaml's job settings as Flink configuration. */
  public static Configuration flinkConfiguration(VigilConfig config) {
    VigilConfig.Checkpoints checkpoints = config.checkpoints();
    Configuration flink = new Configuration();
    flink.set(CoreOptions.DEFAULT_PARALLELISM, config.job().parallelism());
    flink.set(PipelineOptions.MAX_PARALLELISM, config.job().maxParallelism());
    flink.set(PipelineOptions.NAME, config.job().name());
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
    return flink;
  }

  /** Wires the job into {@code env}: Kafka source, the detection job, the configured sinks. */
  public static void build(StreamExecutionEnvironment env, VigilConfig config)
      throws RuleException {
    build(env, config, UnaryOperator.identity());
  }

  /**
   * As {@link #build(StreamExecutionEnvironment, VigilConfig)}, with a stage between the source and
   * the job (tests inject failures there).
   */
  static void build(
      StreamExecutionEnvironment env,
      VigilConfig config,
      UnaryOperator<DataStream<RawRecord>> afterSource)
      throws RuleException {
    build(env, config, KafkaConnectors.rawSource(config.kafka()), afterSource);
  }

  private static void build(
      StreamExecutionEnvironment env,
      VigilConfig config,
      KafkaSource<RawRecord> source,
      UnaryOperator<DataStream<RawRecord>> afterSource)
      throws RuleException {
    RuleSet rules =
        config.rulesPath().isPresent()
            ? RuleSet.load(List.of(config.rulesPath().get()))
            : RuleSet.builtIn();
    JobOptions options =
        JobOptions.defaults(rules)
            .withMaxOutOfOrderness(config.watermarks().outOfOrderness())
            .withIdleness(config.watermarks().idleness())
            .withSourceHints(SourceHints.of(config.kafka().topics().raw()));
    // No watermarks at the source: event time exists only after normalization, where the job
    // assigns it per Kafka partition (see PartitionWatermarks).
    DataStream<RawRecord> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "raw-kafka").uid("raw-kafka");
    DetectionJob.build(
        env, afterSource.apply(raw), new KafkaJobSinks(config, rules.pack()), options);
  }

  /**
   * Makes the outside world ready for the job, before it is built: the Kafka topics (checked, and
   * created when allowed), the OpenSearch index templates (when configured) and the readability of
   * every credential the sinks will read on the task managers. A problem is one message here
   * instead of a job that fails and restarts.
   *
   * @throws TopicSetup.TopicSetupException when a topic is missing or the brokers do not answer
   * @throws IndexSetup.IndexSetupException when OpenSearch refuses the templates or its password
   *     cannot be read
   * @throws NotifyConfigException when a destination's secret cannot be read
   */
  public static void prepare(VigilConfig config) {
    // The pager's secrets first: reading them is local and instant, while an unreachable broker
    // costs the Kafka check's whole timeout before its message.
    config
        .notifications()
        .ifPresent(
            notify ->
                notify
                    .destinations()
                    .values()
                    .forEach(destination -> destination.secret().resolve(System::getenv)));
    TopicSetup.ensureTopics(config.kafka());
    config
        .openSearch()
        .ifPresent(
            cluster ->
                IndexSetup.prepare(
                    cluster, config.sinks().openSearch().installTemplates(), System::getenv));
  }

  /** Starts the job on a MiniCluster in this JVM, resuming from {@code restoreFrom} when given. */
  public static Running start(VigilConfig config, Optional<String> restoreFrom)
      throws RuleException {
    return start(config, restoreFrom, UnaryOperator.identity());
  }

  static Running start(
      VigilConfig config,
      Optional<String> restoreFrom,
      UnaryOperator<DataStream<RawRecord>> afterSource)
      throws RuleException {
    return start(config, KafkaConnectors.rawSource(config.kafka()), restoreFrom, afterSource);
  }

  /**
   * Starts the job on a MiniCluster in this JVM over the raw records between two sets of offsets
   * ({@link KafkaConnectors#rawSource(VigilConfig.Kafka, Map, Map)}): the job finishes by itself
   * once every record of the range is through and every sink has flushed, so {@link
   * Running#result()} completes. Never restores from a checkpoint: the range says what to read.
   */
  public static Running startBounded(
      VigilConfig config, Map<TopicPartition, Long> from, Map<TopicPartition, Long> until)
      throws RuleException {
    return start(
        config,
        KafkaConnectors.rawSource(config.kafka(), from, until),
        Optional.empty(),
        UnaryOperator.identity());
  }

  private static Running start(
      VigilConfig config,
      KafkaSource<RawRecord> source,
      Optional<String> restoreFrom,
      UnaryOperator<DataStream<RawRecord>> afterSource)
      throws RuleException {
    prepare(config);
    Configuration flink = flinkConfiguration(config);
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(flink);
    build(env, config, source, afterSource);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(config.job().name());
    restoreFrom.ifPresent(
        path -> graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(path, false)));

    Configuration clusterConfiguration = new Configuration(flink);
    // Any free port: a Flink (or another run) may hold the default 8081.
    clusterConfiguration.set(RestOptions.BIND_PORT, "0");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConfiguration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(config.job().parallelism())
                .build());
    try {
      cluster.start();
      JobID job = cluster.submitJob(graph).get().getJobID();
      return new Running(cluster, job);
    } catch (Exception e) {
      closeQuietly(cluster);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(
          "the embedded Flink cluster could not start the job: " + e.getMessage(), e);
    }
  }

  /**
   * Runs on a MiniCluster until the job ends or the JVM is asked to stop (Ctrl-C, SIGTERM), which
   * cancels the job, retaining its last checkpoint.
   *
   * @param resumeFrom the checkpoint (or savepoint) to resume from: {@link #latestCheckpoint} of
   *     {@code checkpoints.storage} for {@code vigil run}
   * @return the job's result
   */
  public static JobResult run(VigilConfig config, Optional<String> resumeFrom)
      throws RuleException, InterruptedException {
    try (Running running = start(config, resumeFrom)) {
      Thread stopper = new Thread(running::close, "vigil-run-shutdown");
      Runtime.getRuntime().addShutdownHook(stopper);
      try {
        return running.result().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("the job's result is unknown: " + e.getMessage(), e);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running: it closes the cluster.
        }
      }
    }
  }

  /**
   * The newest completed checkpoint under {@code storage} (a local directory or {@code file:} URI),
   * of any earlier run: {@code <storage>/<job id>/chk-<n>} holding {@code _metadata}.
   */
  public static Optional<String> latestCheckpoint(String storage) {
    URI uri = URI.create(storage);
    if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
      return Optional.empty();
    }
    Path root = uri.getScheme() == null ? Path.of(storage) : Path.of(uri);
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> jobs = Files.list(root)) {
      return jobs.filter(Files::isDirectory)
          .flatMap(ContinuousDetection::completedCheckpoints)
          .max(Comparator.comparing(ContinuousDetection::modified))
          .map(path -> path.toUri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints under " + root, e);
    }
  }

  private static Stream<Path> completedCheckpoints(Path jobDirectory) {
    try {
      return Files.list(jobDirectory)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + jobDirectory, e);
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path checkpoint) {
    try {
      return Files.getLastModifiedTime(checkpoint.resolve("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The shaded job jar's entry point: {@code flink run vigil-detection-jobs.jar --config
   * vigil.yaml}. A mistake in the file ends the submission with its message.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[0].equals("--config")) {
      System.err.println("usage: flink run vigil-detection-jobs.jar --config vigil.yaml");
      System.exit(2);
      return;
    }
    VigilConfig config;
    StreamExecutionEnvironment env;
    try {
      config = VigilConfigLoader.load(Path.of(args[1]));
      prepare(config);
      env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
      build(env, config);
    } catch (ConfigException
        | TopicSetup.TopicSetupException
        | IndexSetup.IndexSetupException
        | NotifyConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (RuleException e) {
      e.errors().forEach(System.err::println);
      System.exit(2);
      return;
    }
    env.execute(config.job().name());
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

  /** A job running on an embedded MiniCluster; closing it cancels the job and stops the cluster. */
  public static final class Running implements AutoCloseable {
    private final MiniCluster cluster;
    private final JobID job;
    private boolean closed;

    Running(MiniCluster cluster, JobID job) {
      this.cluster = cluster;
      this.job = job;
    }

    public JobID jobId() {
      return job;
    }

    public MiniCluster cluster() {
      return cluster;
    }

    /** Completes when the job ends (it does not, unless cancelled or failed beyond restarts). */
    public java.util.concurrent.CompletableFuture<JobResult> result() {
      return cluster.requestJobResult(job);
    }

    /** Cancels the job and waits until it has ended; its last checkpoint is retained. */
    public void cancel() throws InterruptedException {
      try {
        cluster.cancelJob(job).get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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
