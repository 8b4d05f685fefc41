package dev.vigil.benchmarks.job;

import dev.vigil.benchmarks.job.JobRuns.Job;
import dev.vigil.benchmarks.job.JobRuns.Run;
import dev.vigil.benchmarks.job.MixedAuditGenerator.Generated;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Bounded throughput of Vigil's detection job (built-in pack) against the hand-written baseline
 * ({@link BaselineDetectionJob}), over the same generated input, in the same JVM, on one
 * MiniCluster (docs/benchmarks.md, "Detection job throughput").
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.vigil.benchmarks.job.JobBenchmark \
 *     [--records 300000] [--warmups 2] [--pairs 3] [--parallelism 2] [--seed 20261120]
 *     [--dir DIR] [--only vigil|baseline]
 * </pre>
 *
 * <p>Method: the input is generated first ({@link MixedAuditGenerator}; into DIR, kept, or a
 * temporary directory, removed). Warm-up runs of each job, alternating (class loading, JIT: the
 * engine's generated code needs more than one run to reach its speed), the first of which gives the
 * correctness cross-check ({@link AlertComparison}). Then {@code pairs} measured pairs, alternating
 * which job goes first (V B, B V, ...), so drift in the machine's load hits both alike. A run is
 * timed from submission to the end of the job; its scores are raw records per second of wall time
 * and per second of the JVM's CPU time (the steadier one on a shared machine: a busy neighbour
 * stretches wall time, hardly CPU time). The report gives each job's medians, the wall-time min and
 * max, the ratios of each pair and of the medians, and the load average around each run.
 */
public final class JobBenchmark {

  private JobBenchmark() {}

  public static void main(String[] args) throws Exception {
    // Before any logger exists: Flink's INFO lines would bury the report (slf4j-simple reads this).
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    long records = 300_000;
    int warmups = 2;
    int pairs = 3;
    int parallelism = 2;
    long seed = MixedAuditGenerator.Config.of(1).seed();
    Path dir = null;
    Job only = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        usage(flag + " needs a value");
      }
      String value = args[++i];
      try {
        switch (flag) {
          case "--records" -> records = positive(flag, Long.parseLong(value));
          case "--warmups" -> warmups = (int) positive(flag, Integer.parseInt(value));
          case "--pairs" -> pairs = (int) positive(flag, Integer.parseInt(value));
          case "--parallelism" -> parallelism = (int) positive(flag, Integer.parseInt(value));
          case "--seed" -> seed = Long.parseLong(value);
          case "--dir" -> dir = Path.of(value);
          case "--only" -> only = Job.valueOf(value.toUpperCase(java.util.Locale.ROOT));
          default -> usage("unknown option " + flag);
        }
      } catch (NumberFormatException e) {
        usage("bad value for " + flag + ": " + value);
      } catch (IllegalArgumentException e) {
        usage(flag.equals("--only") ? "--only takes vigil or baseline" : e.getMessage());
      }
    }
    boolean temporary = dir == null;
    Path input = temporary ? Files.createTempDirectory("vigil-job-benchmark") : dir;
    try {
      MixedAuditGenerator.Config config = MixedAuditGenerator.Config.of(records).withSeed(seed);
      if (only == null) {
        compare(input, config, warmups, pairs, parallelism);
      } else {
        runOnly(only, input, config, pairs, parallelism);
      }
    } finally {
      if (temporary) {
        delete(input);
      }
    }
  }

  /** One job alone, {@code times} times: for a profiler (JFR) to look at one job only. */
  private static void runOnly(
      Job job, Path input, MixedAuditGenerator.Config config, int times, int parallelism)
      throws Exception {
    Generated generated = generate(input, config, parallelism);
    try (JobRuns runs = new JobRuns(parallelism)) {
      for (int i = 0; i < times; i++) {
        timed(runs, job, generated);
      }
    }
  }

  private static Generated generate(Path input, MixedAuditGenerator.Config config, int files)
      throws IOException {
    long started = System.nanoTime();
    Generated generated = MixedAuditGenerator.write(config, input, files);
    System.out.printf(
        "input: %,d raw records, %,d MB in %d files, %d planted incidents, generated in %.1f s%n",
        generated.records(),
        generated.bytes() >> 20,
        generated.files().size(),
        generated.incidents().size(),
        (System.nanoTime() - started) / 1e9);
    return generated;
  }

  private static void compare(
      Path input, MixedAuditGenerator.Config config, int warmups, int pairs, int parallelism)
      throws Exception {
    Generated generated = generate(input, config, parallelism);
    try (JobRuns runs = new JobRuns(parallelism)) {
      Run vigilWarmUp = timed(runs, Job.VIGIL, generated);
      Run baselineWarmUp = timed(runs, Job.BASELINE, generated);
      AlertComparison comparison =
          AlertComparison.of(vigilWarmUp.alerts(), baselineWarmUp.alerts(), generated.incidents());
      System.out.print(
          "cross-check: "
              + (comparison.agree() ? "same alerts" : "DIFFERENCES")
              + "\n"
              + comparison.report());
      for (int i = 1; i < warmups; i++) {
        timed(runs, Job.VIGIL, generated);
        timed(runs, Job.BASELINE, generated);
      }

      List<Run> vigil = new ArrayList<>();
      List<Run> baseline = new ArrayList<>();
      for (int pair = 0; pair < pairs; pair++) {
        Job first = pair % 2 == 0 ? Job.VIGIL : Job.BASELINE;
        Job second = first == Job.VIGIL ? Job.BASELINE : Job.VIGIL;
        for (Job job : List.of(first, second)) {
          Run run = timed(runs, job, generated);
          (job == Job.VIGIL ? vigil : baseline).add(run);
          Run reference = job == Job.VIGIL ? vigilWarmUp : baselineWarmUp;
          if (!keys(run).equals(keys(reference))) {
            System.out.println("  warning: this run's alerts differ from the warm-up run's");
          }
        }
        System.out.printf(
            "pair %d: ratio vigil/baseline %.2f (wall), %.2f (CPU)%n",
            pair + 1,
            vigil.get(pair).recordsPerSecond() / baseline.get(pair).recordsPerSecond(),
            vigil.get(pair).recordsPerCpuSecond() / baseline.get(pair).recordsPerCpuSecond());
      }
      double vigilWall = median(vigil, Run::recordsPerSecond);
      double baselineWall = median(baseline, Run::recordsPerSecond);
      double vigilCpu = median(vigil, Run::recordsPerCpuSecond);
      double baselineCpu = median(baseline, Run::recordsPerCpuSecond);
      System.out.printf(
          "vigil:    median %,.0f records/s (min %,.0f, max %,.0f), %,.0f records per CPU-second%n",
          vigilWall,
          min(vigil, Run::recordsPerSecond),
          max(vigil, Run::recordsPerSecond),
          vigilCpu);
      System.out.printf(
          "baseline: median %,.0f records/s (min %,.0f, max %,.0f), %,.0f records per CPU-second%n",
          baselineWall,
          min(baseline, Run::recordsPerSecond),
          max(baseline, Run::recordsPerSecond),
          baselineCpu);
      System.out.printf(
          "ratio of medians vigil/baseline: %.2f (wall), %.2f (CPU) (target >= 0.80)%n",
          vigilWall / baselineWall, vigilCpu / baselineCpu);
    }
  }

  private static Run timed(JobRuns runs, Job job, Generated generated) throws Exception {
    String before = loadAverage();
    Run run = runs.run(job, generated.files(), generated.records());
    System.out.printf(
        "  %-8s %6.1f s  %,9.0f records/s  %,9.0f records/CPU-s  %d alerts  (load %s -> %s)%n",
        job.name().toLowerCase(),
        run.nanos() / 1e9,
        run.recordsPerSecond(),
        run.recordsPerCpuSecond(),
        run.alerts().size(),
        before,
        loadAverage());
    return run;
  }

  private static Set<String> keys(Run run) {
    return run.alerts().stream().map(FoundAlert::key).collect(Collectors.toSet());
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> score) {
    double[] sorted = runs.stream().mapToDouble(score).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double min(List<Run> runs, ToDoubleFunction<Run> score) {
    return runs.stream().mapToDouble(score).min().orElse(0);
  }

  private static double max(List<Run> runs, ToDoubleFunction<Run> score) {
    return runs.stream().mapToDouble(score).max().orElse(0);
  }

  /** The one-minute load average, where the system tells it. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static long positive(String flag, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1");
    }
    return value;
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println(
        "usage: JobBenchmark [--records N] [--warmups N] [--pairs N] [--parallelism N] [--seed N] [--dir DIR]"
            + " [--only vigil|baseline]");
    System.exit(2);
  }
}
