package dev.vigil.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU nanoseconds the benchmark's worker threads spent per operation ({@code cpu.worker}), for a
 * machine shared with other work.
 *
 * <p>Design: on a busy machine wall-clock throughput falls whenever a neighbour takes the core, and
 * falls by a different amount for each benchmark, so a ratio of two throughputs measured a minute
 * apart mostly measures the neighbours. The CPU time the worker thread itself consumed per
 * operation barely moves with them. Only the JMH worker threads count: the JIT compiler threads,
 * which on a starved machine are still compiling long into the measurement, would otherwise swamp
 * the figure. Garbage collection threads are left out too, so the figure slightly flatters the
 * benchmark that allocates more; read it next to the throughput, not instead of it.
 *
 * <p>Use: {@code -prof dev.vigil.benchmarks.WorkerCpuTimeProfiler}.
 */
public final class WorkerCpuTimeProfiler implements InternalProfiler {

  private static final String WORKER_NAME = "jmh-worker";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long cpuBefore;

  @Override
  public String getDescription() {
    return "CPU time of the benchmark's worker threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuBefore = workerCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = workerCpuNanos() - cpuBefore;
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : (double) cpu / ops;
    return List.of(new ScalarResult("cpu.worker", perOp, "ns/op", AggregationPolicy.AVG));
  }

  /** The CPU time of every live JMH worker thread (they persist across a fork's iterations). */
  private long workerCpuNanos() {
    long total = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().contains(WORKER_NAME)) {
        long cpu = threads.getThreadCpuTime(thread.getId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }
}
