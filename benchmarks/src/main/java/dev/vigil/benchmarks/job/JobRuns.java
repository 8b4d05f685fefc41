package dev.vigil.benchmarks.job;

import com.sun.management.OperatingSystemMXBean;
import dev.vigil.detect.DetectionJob;
import dev.vigil.detect.EmbeddedFlink;
import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.file.RawFiles;
import dev.vigil.ingest.RawRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Runs either job of the benchmark, bounded, over the same files, on one MiniCluster shared by all
 * runs (started once, so no run pays for a cluster start): {@link Job#VIGIL} is {@link
 * DetectionJob#build} with the built-in pack, {@link Job#BASELINE} is {@link BaselineDetectionJob}.
 * Both read with Vigil's file source and normalize with Vigil's normalize step; only the alerts are
 * kept (the events and dead-letter outputs are not attached in either).
 */
public final class JobRuns implements AutoCloseable {

  /** The two jobs. */
  public enum Job {
    VIGIL,
    BASELINE
  }

  /**
   * One run: wall time from submission to the job's end, the CPU time the JVM spent meanwhile (the
   * MiniCluster runs in this JVM, so that is the job's, plus a little idle housekeeping), and the
   * alerts it raised.
   */
  public record Run(Job job, long records, long nanos, long cpuNanos, List<FoundAlert> alerts) {

    public double recordsPerSecond() {
      return records * 1e9 / nanos;
    }

    public double recordsPerCpuSecond() {
      return records * 1e9 / cpuNanos;
    }
  }

  private static final Duration TIMEOUT = Duration.ofMinutes(30);
  private static final OperatingSystemMXBean PROCESS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final MiniCluster cluster;
  private final Configuration configuration;
  private final int parallelism;
  private final JobOptions options;

  public JobRuns(int parallelism) throws Exception {
    this.parallelism = parallelism;
    this.options = JobOptions.builder(RuleSet.builtIn()).build();
    configuration = new Configuration();
    configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
    cluster = EmbeddedFlink.cluster(configuration, parallelism, EmbeddedFlink.ANY_FREE_PORT);
    cluster.start();
  }

  /** Runs {@code job} over {@code files} ({@code records} raw records in all) to the end. */
  public Run run(Job job, List<Path> files, long records) throws Exception {
    String name = job.name().toLowerCase() + "-" + UUID.randomUUID();
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(configuration);
    env.setParallelism(parallelism);
    DataStream<RawRecord> raw =
        env.fromSource(RawFiles.source(files), WatermarkStrategy.noWatermarks(), "raw-files");
    switch (job) {
      case VIGIL ->
          DetectionJob.build(raw, options)
              .alerts()
              .sinkTo(
                  new CollectingSink<>(
                      name,
                      alert ->
                          new FoundAlert(
                              AlertKeys.ofVigilAlert(alert.json), alert.detection, alert.time)))
              .name("collect-alerts");
      case BASELINE ->
          BaselineDetectionJob.build(raw, options)
              .sinkTo(new CollectingSink<>(name, FoundAlert::ofBaseline))
              .name("collect-alerts");
    }
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(name);
    // Every run starts on a collected heap: the previous run's state (Vigil's held events, the
    // hand-written job's windows) is garbage by now, and collecting it inside this run would
    // charge one job for the other's memory.
    System.gc();
    long started = System.nanoTime();
    long cpuStarted = PROCESS.getProcessCpuTime();
    var submitted = cluster.submitJob(graph).get(1, TimeUnit.MINUTES);
    JobResult result =
        cluster
            .requestJobResult(submitted.getJobID())
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    long nanos = System.nanoTime() - started;
    long cpuNanos = PROCESS.getProcessCpuTime() - cpuStarted;
    List<FoundAlert> alerts = CollectingSink.take(name);
    if (!result.isSuccess()) {
      Throwable cause =
          result
              .getSerializedThrowable()
              .map(t -> t.deserializeError(JobRuns.class.getClassLoader()))
              .orElse(null);
      throw new IllegalStateException("the " + job + " job failed", cause);
    }
    return new Run(job, records, nanos, cpuNanos, alerts);
  }

  @Override
  public void close() throws Exception {
    cluster.closeAsync().get(1, TimeUnit.MINUTES);
  }
}
