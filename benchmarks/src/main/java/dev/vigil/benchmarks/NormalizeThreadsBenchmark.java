package dev.vigil.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records per second of {@code vigil normalize --threads N}, the command as a user runs it: a fresh
 * JVM per run over the whole shared corpus given {@code --copies} times (a directory given twice is
 * read twice), events to {@code /dev/null}, dead letters to a scratch file.
 *
 * <p>Design: wall time is what a user waits for, so it is the figure, JVM start and JIT included (a
 * few hundred milliseconds of a run of several seconds); records are the "records in" of the
 * command's own summary. Each run also reports the CPU time the child process used (its user and
 * system time from {@code /proc/self/stat}, counted once the child is reaped), which shows whether
 * threads bought speed or only spent more CPU, and the one-minute load average before it, since on
 * a shared machine other work takes cores away. Thread counts and formats are interleaved and their
 * order rotated every round, so that a neighbour's busy minute falls on all of them alike.
 *
 * <p>Use (from the checkout root, after {@code ./mvnw -B -q package -DskipTests -pl cli,benchmarks
 * -am}): {@code java -cp benchmarks/target/classes dev.vigil.benchmarks.NormalizeThreadsBenchmark
 * [--copies 100] [--rounds 3] [--threads 1,2,4] [--formats jsonl,avro] [--jar
 * cli/target/vigil-cli.jar]}; the corpus is read from {@code ../shared} or {@code
 * -Dvigil.shared.dir}.
 */
public final class NormalizeThreadsBenchmark {

  private static final long SAMPLE_MILLIS = 100;

  private static final Pattern RECORDS_IN = Pattern.compile("([0-9]+) records? in");

  /** Linux reports process times in clock ticks of 1/100 s (USER_HZ, fixed by the kernel ABI). */
  private static final double TICKS_PER_SECOND = 100.0;

  private NormalizeThreadsBenchmark() {}

  /**
   * One run: wall seconds, records in, the child's CPU seconds, and of those the reading and
   * writing thread's, the normalizing threads', the JIT compiler's and the garbage collector's.
   */
  private record Result(
      String format, int threads, double seconds, long records, double cpu, ThreadCpu byThread) {
    double recordsPerSecond() {
      return records / seconds;
    }
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> options = options(args);
    int copies = Integer.parseInt(options.getOrDefault("--copies", "100"));
    int rounds = Integer.parseInt(options.getOrDefault("--rounds", "3"));
    List<Integer> threadCounts =
        Arrays.stream(options.getOrDefault("--threads", "1,2,4").split(","))
            .map(Integer::parseInt)
            .toList();
    List<String> formats = List.of(options.getOrDefault("--formats", "jsonl,avro").split(","));
    Path jar = Path.of(options.getOrDefault("--jar", "cli/target/vigil-cli.jar"));
    // As Corpus.sharedDir() finds it; Corpus itself needs the ingest classes, and this runs alone.
    Path corpus =
        Path.of(System.getProperty("vigil.shared.dir", "../shared"), "corpus")
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(jar) || !Files.isDirectory(corpus)) {
      usage("needs the CLI jar (" + jar + ") and the corpus (" + corpus + ")");
    }
    Path scratch = Files.createTempDirectory("normalize-threads-benchmark");
    System.out.printf(
        Locale.ROOT,
        "%d processors, %s; the corpus %d times; load average before: %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        copies,
        loadAverage());

    List<Result> results = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < threadCounts.size(); i++) {
        int threads = threadCounts.get((i + round) % threadCounts.size());
        for (String format : formats) {
          String load = loadAverage();
          Result result = run(jar, corpus, copies, threads, format, scratch);
          results.add(result);
          System.out.printf(
              Locale.ROOT,
              "round %d  %-5s --threads %d  %,9d records  %6.2f s  %,8.0f records/s  CPU %6.2f s"
                  + " (%s)  load before: %s%n",
              round + 1,
              format,
              threads,
              result.records(),
              result.seconds(),
              result.recordsPerSecond(),
              result.cpu(),
              result.byThread(),
              load);
        }
      }
    }
    System.out.printf(Locale.ROOT, "load average after: %s%n%n", loadAverage());
    System.out.println(
        "format  threads  median records/s  (min - max)           vs 1 thread  median CPU s"
            + "  of which read+write");
    for (String format : formats) {
      double single = median(results, format, threadCounts.get(0), Result::recordsPerSecond);
      for (int threads : threadCounts) {
        List<Double> rates =
            results.stream()
                .filter(r -> r.format().equals(format) && r.threads() == threads)
                .map(Result::recordsPerSecond)
                .sorted()
                .toList();
        double median = median(results, format, threads, Result::recordsPerSecond);
        System.out.printf(
            Locale.ROOT,
            "%-6s  %7d  %,16.0f  (%,8.0f - %,8.0f)  %10.2fx  %12.2f  %19.2f%n",
            format,
            threads,
            median,
            rates.get(0),
            rates.get(rates.size() - 1),
            median / single,
            median(results, format, threads, Result::cpu),
            median(results, format, threads, r -> r.byThread().readerWriter()));
      }
    }
    try (var files = Files.list(scratch)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(scratch);
  }

  private static Result run(
      Path jar, Path corpus, int copies, int threads, String format, Path scratch)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "normalize",
            "--threads",
            String.valueOf(threads),
            "--format",
            format,
            "--out",
            "/dev/null",
            "--dead-letter",
            scratch.resolve("dead." + format).toString()));
    for (int i = 0; i < copies; i++) {
      command.add(corpus.toString());
    }
    Path stderr = scratch.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile());
    double cpuBefore = childrenCpuSeconds();
    long start = System.nanoTime();
    Process process = builder.start();
    ThreadCpu byThread = new ThreadCpu();
    while (!process.waitFor(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
      byThread.sample(process.pid());
    }
    int exit = process.exitValue();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = childrenCpuSeconds() - cpuBefore;
    String summary = Files.readString(stderr, StandardCharsets.UTF_8);
    Matcher records = RECORDS_IN.matcher(summary);
    if ((exit != 0 && exit != 2) || !records.find()) {
      throw new IllegalStateException("vigil normalize failed (exit " + exit + "): " + summary);
    }
    return new Result(format, threads, seconds, Long.parseLong(records.group(1)), cpu, byThread);
  }

  /**
   * The CPU time of the child's threads by kind, from {@code /proc/PID/task/TID/stat} sampled every
   * {@link #SAMPLE_MILLIS} while it runs (the last interval before it exits is missed). It does not
   * depend on what else the machine runs, and the reading and writing thread's share bounds what
   * more threads can gain: that thread's work is not divided.
   */
  private static final class ThreadCpu {
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> ticks = new HashMap<>();

    void sample(long pid) {
      try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
        for (Path task : tasks.toList()) {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long tid = Long.parseLong(task.getFileName().toString());
          // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
          ticks.put(tid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
          names.put(tid, name);
        }
      } catch (IOException | RuntimeException e) {
        // The process or a thread ended between listing and reading: keep the last sample.
      }
    }

    /** Seconds of the threads whose kernel name (15 characters at most) the test accepts. */
    double seconds(Predicate<String> name) {
      long sum = 0;
      for (Map.Entry<Long, Long> entry : ticks.entrySet()) {
        if (name.test(names.get(entry.getKey()))) {
          sum += entry.getValue();
        }
      }
      return sum / TICKS_PER_SECOND;
    }

    /** The launcher names the thread that runs main "java"; the JVM names its own threads. */
    double readerWriter() {
      return seconds(name -> name.equals("java"));
    }

    double normalizers() {
      return seconds(name -> name.startsWith("vigil-normaliz"));
    }

    double jit() {
      return seconds(name -> name.startsWith("C1 ") || name.startsWith("C2 "));
    }

    double gc() {
      return seconds(name -> name.startsWith("GC ") || name.startsWith("G1 "));
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "read+write %.2f, normalize %.2f, JIT %.2f, GC %.2f",
          readerWriter(),
          normalizers(),
          jit(),
          gc());
    }
  }

  /** User and system time of this process's reaped children: fields 16 and 17 of its stat. */
  private static double childrenCpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / TICKS_PER_SECOND;
  }

  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static double median(
      List<Result> results, String format, int threads, ToDoubleFunction<Result> value) {
    double[] values =
        results.stream()
            .filter(r -> r.format().equals(format) && r.threads() == threads)
            .mapToDouble(value)
            .sorted()
            .toArray();
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    List<String> known = List.of("--copies", "--rounds", "--threads", "--formats", "--jar");
    for (int i = 0; i < args.length; i += 2) {
      if (!known.contains(args[i]) || i + 1 >= args.length) {
        usage("unknown option or missing value: " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  private static void usage(String problem) {
    System.err.println("NormalizeThreadsBenchmark: " + problem);
    System.err.println(
        "usage: NormalizeThreadsBenchmark [--copies 100] [--rounds 3] [--threads 1,2,4]"
            + " [--formats jsonl,avro] [--jar cli/target/vigil-cli.jar]");
    System.exit(2);
  }
}
