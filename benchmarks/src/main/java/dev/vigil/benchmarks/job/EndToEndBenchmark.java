package dev.vigil.benchmarks.job;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.detect.DetectSummary;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.kafka.EmbeddedJobRunner;
import dev.vigil.detect.kafka.JobPreflight;
import dev.vigil.detect.kafka.RawTopics;
import dev.vigil.stack.ComponentStatus;
import dev.vigil.stack.LocalStack;
import dev.vigil.stack.StackConfig;
import dev.vigil.stack.StackStatus;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.kafka.common.TopicPartition;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * End to end, Kafka to OpenSearch: {@code N} generated raw records of the four sources ({@link
 * RawRecordGenerator}) are written to the raw topics of a running stack, then the detection job, as
 * {@code vigil run} builds it (Kafka and OpenSearch sinks, on the embedded Flink), reads exactly
 * them and finishes ({@link EmbeddedJobRunner#startBounded}); the job ends only when every sink has
 * flushed, so its end is the moment every event and alert is in OpenSearch. The counts there are
 * then checked against the job's own.
 *
 * <p>Run from the checkout root with the CLI jar on the class path (it carries Flink, Kafka's
 * client and the job; this module compiles against them only):
 *
 * <pre>
 * bin/vigil stack up
 * java -cp cli/target/vigil-cli.jar:benchmarks/target/classes \
 *     dev.vigil.benchmarks.job.EndToEndBenchmark [--records N] [--parallelism P] \
 *     [--kafka HOST:PORT] [--opensearch URL] [--out-of-orderness DURATION] \
 *     [--kafka-events true|false]
 * </pre>
 *
 * <p>The records are dated from 2030-01-01 (three hours of the samples' story per copy) and go to
 * topics of their own ({@code bench.raw.<source>}, outputs {@code bench.*}), so a benchmark never
 * mixes with real data. Before a run it deletes the indices of that period ({@code
 * vigil-*-2030.*}): they hold only benchmark documents, and a run must create its documents, not
 * overwrite an earlier run's.
 */
public final class EndToEndBenchmark {

  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  /**
   * Enough that the fixed costs of a start (the embedded cluster, deploying the job, compiling the
   * rules, and the JIT compiling the hot paths, some 15 CPU-seconds) are a small share of the run,
   * as they are of a {@code vigil run} that runs for days.
   */
  private static final long DEFAULT_RECORDS = 500_000;

  private EndToEndBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    long records = Long.parseLong(options.getOrDefault("records", Long.toString(DEFAULT_RECORDS)));
    int parallelism = Integer.parseInt(options.getOrDefault("parallelism", "2"));
    String kafka = options.getOrDefault("kafka", "127.0.0.1:9092");
    URI openSearch = URI.create(options.getOrDefault("opensearch", "http://127.0.0.1:9200"));
    Path samples = Path.of(options.getOrDefault("samples", "samples"));
    String outOfOrderness = options.getOrDefault("out-of-orderness", "30s");
    boolean kafkaEvents = Boolean.parseBoolean(options.getOrDefault("kafka-events", "true"));

    Path work = Files.createTempDirectory("vigil-e2e-benchmark");
    Path configFile = work.resolve("vigil.yaml");
    Files.writeString(
        configFile,
        configuration(kafka, openSearch, parallelism, outOfOrderness, kafkaEvents, work),
        StandardCharsets.UTF_8);
    VigilConfig config = VigilConfigLoader.load(configFile);
    boolean complete;

    try (OpenSearchConnection connection =
        OpenSearchConnection.open(OpenSearchConfig.local(openSearch))) {
      // What needs no network first (opening the connection asks nothing yet): a wrong --samples
      // or a rule that does not compile fails at once, before an index is deleted or a topic made.
      RuleSet rules = JobPreflight.check(config);
      RawRecordGenerator generator =
          RawRecordGenerator.fromSamples(samples, START, Long.toString(System.nanoTime()));
      OpenSearchClient client = connection.client();
      client
          .indices()
          .delete(
              d ->
                  d.index("vigil-events-*-2030.*", "vigil-alerts-2030.*")
                      .ignoreUnavailable(true)
                      .allowNoIndices(true));
      JobPreflight.prepare(config, extended -> {});

      Map<TopicPartition, Long> from = RawTopics.endOffsets(config.kafka());
      long produceStarted = System.nanoTime();
      try (RawTopics topics = RawTopics.writer(config.kafka())) {
        generator.generate(records, (directory, bytes) -> topics.send(topic(directory), bytes));
        topics.flush();
      }
      double produceSeconds = seconds(System.nanoTime() - produceStarted);
      Map<TopicPartition, Long> until = RawTopics.endOffsets(config.kafka());
      System.out.printf(
          Locale.ROOT,
          "produced %,d raw records (%,d per copy of the samples) to Kafka in %.1f s%n",
          records,
          generator.roundSize(),
          produceSeconds);

      double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      Map<String, Duration> cpuBefore = cpuTimes();
      Map<String, VmThread> vmBefore = vmThreads();
      long jobStarted = System.nanoTime();
      JobResult result;
      try (EmbeddedJobRunner.Running running =
          EmbeddedJobRunner.startBounded(config, rules, from, until)) {
        result = running.result().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      double jobSeconds = seconds(System.nanoTime() - jobStarted);
      double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      Map<String, Duration> cpuAfter = cpuTimes();
      Map<String, VmThread> vmAfter = vmThreads();
      if (!result.isSuccess()) {
        throw new IllegalStateException(
            "the job failed: "
                + result.getSerializedThrowable().map(t -> t.getMessage()).orElse("?"));
      }
      DetectSummary summary =
          DetectSummary.fromSerialized(
              result.getAccumulatorResults(), Duration.ofNanos(System.nanoTime() - jobStarted));

      client.indices().refresh(r -> r.index("vigil-events-*-2030.*", "vigil-alerts-2030.*"));
      long indexedEvents = count(client, "vigil-events-*-2030.*");
      long indexedAlerts = count(client, "vigil-alerts-2030.*");
      double runtimeSeconds = result.getNetRuntime() / 1000.0;

      System.out.printf(
          Locale.ROOT,
          "job: %,d records in, %,d events, %,d dead letters, %,d alerts, %,d late%n",
          summary.records(),
          summary.events(),
          summary.deadLetters(),
          summary.totalAlerts(),
          summary.lateRecords());
      System.out.printf(
          Locale.ROOT,
          "OpenSearch: %,d events, %,d alerts (%s)%n",
          indexedEvents,
          indexedAlerts,
          indexedEvents == summary.events() && indexedAlerts == summary.totalAlerts()
              ? "all of them"
              : "MISSING DOCUMENTS");
      System.out.printf(
          Locale.ROOT,
          "end to end: %.1f s from submission to the last document in OpenSearch,"
              + " %,.0f records/s (job running %.1f s: %,.0f records/s; the other %.1f s the"
              + " embedded cluster's start and the job's deployment)%n",
          jobSeconds,
          records / jobSeconds,
          runtimeSeconds,
          records / runtimeSeconds,
          jobSeconds - runtimeSeconds);
      System.out.printf(
          Locale.ROOT,
          "machine: %d cores, load average %.1f before the job and %.1f after%n",
          Runtime.getRuntime().availableProcessors(),
          loadBefore,
          loadAfter);
      StringBuilder cpu = new StringBuilder();
      double cpuSeconds = 0;
      for (String process : cpuAfter.keySet()) {
        double used =
            seconds(
                cpuAfter
                    .get(process)
                    .minus(cpuBefore.getOrDefault(process, Duration.ZERO))
                    .toNanos());
        cpuSeconds += used;
        cpu.append(String.format(Locale.ROOT, "%s %.1f s, ", process, used));
      }
      System.out.printf(
          Locale.ROOT,
          "CPU during the job: %stogether %.1f s = %,.0f records per CPU-second%n",
          cpu,
          cpuSeconds,
          records / cpuSeconds);
      if (!vmAfter.isEmpty()) {
        // Mostly fixed costs of a fresh JVM, which a longer run spreads thinner.
        System.out.printf(
            Locale.ROOT,
            "of the job JVM's CPU: JIT compiler threads %.1f s, GC threads %.1f s%n",
            VmThread.used(vmBefore, vmAfter, "jit"),
            VmThread.used(vmBefore, vmAfter, "gc"));
      }
      complete = indexedEvents == summary.events() && indexedAlerts == summary.totalAlerts();
    } finally {
      deleteRecursively(work);
    }
    // The embedded cluster and clients leave threads behind; the benchmark's answer is its code.
    System.exit(complete ? 0 : 1);
  }

  /**
   * CPU time so far of this JVM (the job) and of the local stack's Kafka broker and OpenSearch node
   * when they run: what the pipeline costs, apart from whatever else the machine runs.
   */
  private static Map<String, Duration> cpuTimes() {
    Map<String, Duration> times = new java.util.LinkedHashMap<>();
    times.put(
        "job JVM",
        Duration.ofNanos(
            ((com.sun.management.OperatingSystemMXBean)
                    ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()));
    StackStatus stack =
        new LocalStack(StackConfig.defaults(StackConfig.defaultStateDir(Path.of("")))).status();
    for (ComponentStatus component : stack.components()) {
      component
          .pid()
          .ifPresent(
              pid ->
                  ProcessHandle.of(pid)
                      .flatMap(process -> process.info().totalCpuDuration())
                      .ifPresent(cpu -> times.put(component.component().displayName(), cpu)));
    }
    return times;
  }

  /** A JIT compiler ({@code jit}) or garbage collector ({@code gc}) thread and its CPU time. */
  private record VmThread(String kind, double seconds) {

    /** CPU seconds the threads of a kind used between two readings, threads started since too. */
    static double used(Map<String, VmThread> before, Map<String, VmThread> after, String kind) {
      double used = 0;
      for (Map.Entry<String, VmThread> thread : after.entrySet()) {
        if (thread.getValue().kind().equals(kind)) {
          VmThread earlier = before.get(thread.getKey());
          used += thread.getValue().seconds() - (earlier == null ? 0 : earlier.seconds());
        }
      }
      return used;
    }
  }

  /**
   * This JVM's JIT compiler and garbage collector threads by thread id, from Linux's {@code
   * /proc/self/task/<tid>/stat} (the JVM's own compilation bean counts wall time, which on a busy
   * machine includes waiting for a core); empty where there is no {@code /proc}.
   */
  private static Map<String, VmThread> vmThreads() {
    Path tasks = Path.of("/proc/self/task");
    Map<String, VmThread> threads = new HashMap<>();
    if (!Files.isDirectory(tasks)) {
      return threads;
    }
    try (var listed = Files.list(tasks)) {
      for (Path thread : listed.toList()) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"));
        } catch (java.io.IOException gone) {
          continue; // the thread ended while listing
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String kind =
            name.contains("CompilerThre")
                ? "jit"
                : name.startsWith("GC Thread") || name.startsWith("G1 ") ? "gc" : null;
        if (kind != null) {
          // After the name: state, then 10 fields up to utime and stime, in ticks of 1/100 s.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
          threads.put(thread.getFileName().toString(), new VmThread(kind, seconds));
        }
      }
    } catch (java.io.IOException e) {
      return Map.of();
    }
    return threads;
  }

  private static String topic(String sampleDirectory) {
    return switch (sampleDirectory) {
      case "vault" -> "bench.raw.vault";
      case "aws" -> "bench.raw.cloudtrail";
      case "azure" -> "bench.raw.azure";
      case "gcp" -> "bench.raw.gcp";
      default -> throw new IllegalArgumentException(sampleDirectory);
    };
  }

  /** vigil run's defaults, but for the benchmark's own topics and a one-node OpenSearch. */
  private static String configuration(
      String kafka,
      URI openSearch,
      int parallelism,
      String outOfOrderness,
      boolean kafkaEvents,
      Path work) {
    return String.join(
        "\n",
        "job: {name: vigil-e2e-benchmark, parallelism: " + parallelism + "}",
        "kafka:",
        "  bootstrap_servers: \"" + kafka + "\"",
        "  group_id: vigil-e2e-benchmark",
        "  transactional_id_prefix: vigil-e2e-benchmark-alerts",
        "  topics:",
        "    raw:",
        "      bench.raw.vault: vault",
        "      bench.raw.cloudtrail: aws_cloudtrail",
        "      bench.raw.azure: azure_monitor",
        "      bench.raw.gcp: gcp_audit",
        "    events: bench.events",
        "    dead_letter: bench.deadletter",
        "    alerts: bench.alerts",
        "watermarks: {out_of_orderness: " + outOfOrderness + "}",
        "checkpoints:",
        "  storage: \"" + work.resolve("checkpoints") + "\"",
        "  retain_on_cancel: false",
        "  restart_attempts: 0",
        "sinks:",
        "  # Events to Kafka too, as vigil run does by default (false: events to OpenSearch only).",
        "  kafka: {events: " + kafkaEvents + "}",
        "  # The benchmark's dead letters stay in its own Kafka topic, out of the dead-letter index.",
        "  opensearch: {dead_letter: false}",
        "opensearch:",
        "  url: \"" + openSearch + "\"",
        "  index: {shards: 1, replicas: 0}",
        "");
  }

  private static long count(OpenSearchClient client, String index) throws java.io.IOException {
    return client.count(c -> c.index(index).ignoreUnavailable(true).allowNoIndices(true)).count();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        System.err.println(
            "usage: EndToEndBenchmark [--records N] [--parallelism P] [--kafka HOST:PORT]"
                + " [--opensearch URL] [--samples DIR] [--out-of-orderness DURATION]"
                + " [--kafka-events true|false]");
        System.exit(2);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
