package dev.vigil.detect;

import dev.vigil.detect.file.FileOutputs;
import dev.vigil.detect.file.RawFiles;
import dev.vigil.detect.kafka.JobFailure;
import dev.vigil.ingest.RawRecord;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.model.RuleMeta;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Runs the detection job bounded, over files, on a Flink MiniCluster inside this JVM: {@code vigil
 * detect} and {@code vigil rules backtest}.
 *
 * <p>Design: the cluster is owned here, not by Flink's local executor, so every exit path closes it
 * (a failed or hung job must not keep the JVM alive): the job is awaited with the run's timeout,
 * cancelled when it expires, and the cluster is shut down in {@code finally}. Restarts are disabled
 * (a bounded run that fails is reported, and its file outputs, written whole at the end, are not
 * left half done). A failure is worded as {@code vigil run} words it ({@link JobFailure#describe}):
 * the innermost reason and the root cause's type, leaving out a message that may quote a record's
 * value. The summary comes from the job's accumulators.
 *
 * <p>The files are read by one reader in path order, and the job is wired for that ordered input
 * ({@link JobOptions#orderedInput}): the same files with the same options give the same alerts on
 * every run; only detection runs in {@code parallelism} subtasks.
 */
public final class EmbeddedDetection {

  private static final Duration CANCEL_WAIT = Duration.ofSeconds(30);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

  private EmbeddedDetection() {}

  /**
   * Runs the job to the end of its input.
   *
   * @throws RuleException when a rule does not load or compile (nothing ran)
   * @throws IOException when an input does not exist (nothing ran)
   * @throws DetectionFailedException when the job failed or timed out
   */
  public static DetectSummary run(DetectOptions options)
      throws RuleException, IOException, DetectionFailedException {
    RuleSet rules = options.rules().isEmpty() ? RuleSet.builtIn() : RuleSet.load(options.rules());
    Configuration configuration = new Configuration();
    configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(configuration);
    env.setParallelism(options.parallelism());
    // One reader, files in path order: the job sees one fixed sequence of records, and so gives
    // the same alerts on every run (see JobOptions#orderedInput).
    DataStream<RawRecord> raw =
        env.fromSource(
                RawFiles.source(options.inputs(), options.inputNames()),
                WatermarkStrategy.noWatermarks(),
                "raw-files")
            .setParallelism(1)
            .uid("raw-files");
    DetectionJob.build(
        env,
        raw,
        FileOutputs.singleFiles(options.alertsOut(), options.eventsOut(), options.deadLetterOut()),
        JobOptions.builder(rules)
            .setMaxOutOfOrderness(options.maxOutOfOrderness())
            .setNormalizer(options.normalizer())
            .setOrderedInput(true)
            .build());
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName("vigil-detect");

    long started = System.nanoTime();
    MiniCluster cluster =
        EmbeddedFlink.cluster(configuration, options.parallelism(), EmbeddedFlink.ANY_FREE_PORT);
    try {
      cluster.start();
      JobID job = cluster.submitJob(graph).get().getJobID();
      JobResult result = await(cluster, job, options, started);
      DetectSummary summary =
          DetectSummary.fromSerialized(result.getAccumulatorResults(), since(started))
              .withRuleTitles(titlesOfUnnamedRules(rules.compiled()));
      if (!result.isSuccess()) {
        Throwable cause =
            result
                .getSerializedThrowable()
                .map(t -> t.deserializeError(EmbeddedDetection.class.getClassLoader()))
                .orElse(null);
        throw new DetectionFailedException(
            "the detection job failed: " + JobFailure.describe(cause), cause);
      }
      return summary;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DetectionFailedException("interrupted while the detection job ran", e);
    } catch (ExecutionException e) {
      throw new DetectionFailedException(
          "the detection job could not run: " + JobFailure.describe(e.getCause()), e.getCause());
    } catch (DetectionFailedException e) {
      throw e;
    } catch (Exception e) {
      throw new DetectionFailedException(
          "the embedded Flink cluster failed: " + JobFailure.describe(e), e);
    } finally {
      try {
        cluster.closeAsync().get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // Nothing more to do: the run's result stands, and the cluster's threads end with the JVM.
      }
    }
  }

  /**
   * The titles of the rules whose alerts' detection is their id (see {@link RuleMeta#detection}).
   */
  private static Map<String, String> titlesOfUnnamedRules(CompiledPack pack) {
    Map<String, String> titles = new HashMap<>();
    Stream.concat(
            pack.rules().stream().map(rule -> rule.rule().meta()),
            pack.correlations().stream().map(correlation -> correlation.rule().meta()))
        .filter(meta -> meta.detection().equals(meta.id()))
        .forEach(meta -> titles.put(meta.id(), meta.title()));
    return titles;
  }

  private static JobResult await(
      MiniCluster cluster, JobID job, DetectOptions options, long started)
      throws InterruptedException, ExecutionException, DetectionFailedException {
    CompletableFuture<JobResult> result = cluster.requestJobResult(job);
    long deadline = started + options.timeout().toNanos();
    long interval =
        options.progress() == null ? Long.MAX_VALUE : options.progressInterval().toNanos();
    while (true) {
      long wait = Math.min(deadline - System.nanoTime(), interval);
      if (wait <= 0) {
        cancel(cluster, job);
        throw new DetectionFailedException(
            "the detection job did not finish within " + options.timeout() + "; it was cancelled",
            null);
      }
      try {
        return result.get(wait, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        if (options.progress() != null && System.nanoTime() < deadline) {
          reportProgress(cluster, job, options, started);
        }
      }
    }
  }

  private static void reportProgress(
      MiniCluster cluster, JobID job, DetectOptions options, long started) {
    try {
      options
          .progress()
          .accept(
              DetectSummary.fromSerialized(
                  cluster
                      .getExecutionGraph(job)
                      .get(5, TimeUnit.SECONDS)
                      .getAccumulatorsSerialized(),
                  since(started)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Progress is best effort: the job may be finishing while we ask.
    }
  }

  private static void cancel(MiniCluster cluster, JobID job) throws InterruptedException {
    try {
      cluster.cancelJob(job).get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      cluster.requestJobResult(job).get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The cluster is closed next, which ends the job's tasks whatever state they are in.
    }
  }

  private static Duration since(long started) {
    return Duration.ofNanos(System.nanoTime() - started);
  }
}
