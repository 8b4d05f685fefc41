package dev.vigil.cli;

import static dev.vigil.cli.StackDemoScenario.INDICES;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.detect.DetectSummary;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.kafka.EmbeddedJobRunner;
import dev.vigil.detect.kafka.JobPreflight;
import dev.vigil.detect.kafka.RawTopics;
import dev.vigil.detect.kafka.TopicSetup;
import dev.vigil.detect.opensearch.IndexSetup;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.io.OwnerOnlyFiles;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.rules.RuleException;
import dev.vigil.stack.LocalStack;
import dev.vigil.stack.StackConfig;
import dev.vigil.stack.StackException;
import dev.vigil.stack.StackStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.kafka.common.TopicPartition;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * What {@code vigil demo --stack} does: the bundled samples through the real pipeline on the local
 * stack. The sample records are written to the raw Kafka topics as a log shipper would, the
 * detection job runs as {@code vigil run} builds it (from a vigil.yaml it writes, on the embedded
 * Flink) with OpenSearch and pager sinks, and the same summary as the embedded demo is printed,
 * followed by what reached OpenSearch and the pager and how to look at it. This class runs the
 * process: it finds the stack, starts the pager, runs the job and counts what OpenSearch holds; the
 * scenario (samples, topics, the vigil.yaml, the names kept apart from real runs) is {@link
 * StackDemoScenario}, the printed text {@link StackDemoReport}.
 *
 * <p>Design: the run is bounded by offsets, not by time. The raw topics' end offsets are read
 * before and after the samples are written, and the job's Kafka source reads exactly that range
 * ({@link EmbeddedJobRunner#startBounded}), so the job finishes by itself once the samples are
 * through: the end of input fires the last windows and flushes every sink (OpenSearch, pager, the
 * part files the summary is read from), and records other producers wrote earlier are not read. A
 * timeout cancels a job that does not finish. The pager is a {@link PagerReceiver} on loopback,
 * reached through the PagerDuty destination's {@code url}. What OpenSearch holds is counted by the
 * run's own ids, so documents of other runs in the same indices do not change the figures.
 */
final class StackDemo {

  /** Where the job's files go: the absolute path, and how messages name it. */
  record OutDir(Path path, String shownAs, String label) {}

  /** A bounded run over a few hundred records takes seconds; this is for a stuck one. */
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final CliEnvironment env;
  private final Function<Path, String> display;

  StackDemo(CliEnvironment env, Function<Path, String> display) {
    this.env = env;
    this.display = display;
  }

  /**
   * Runs the demo on the stack at {@code kafkaArgument} and {@code openSearchArgument}, or, for
   * each one not given, the local stack's: the one whose state directory is {@code
   * stateDirArgument} (as {@code vigil stack --state-dir} reads it), else the default one.
   */
  void run(
      Path samples,
      OutDir target,
      String stateDirArgument,
      String kafkaArgument,
      String openSearchArgument)
      throws IOException {
    Path outDir = target.path();
    Path launcher = VigilCommand.projectRoot(env).resolve("bin").resolve("vigil");
    String bootstrapServers = kafkaArgument;
    URI openSearch = openSearchArgument == null ? null : openSearchUrl(openSearchArgument);
    if (bootstrapServers == null || openSearch == null) {
      Path stateDir = StackCommand.stateDir(env, stateDirArgument);
      StackStatus status;
      try {
        status = new LocalStack(StackConfig.defaults(stateDir)).status();
      } catch (StackException e) {
        throw new CommandFailedException("the local stack: " + e.getMessage());
      }
      if ((bootstrapServers == null && status.kafka().isEmpty())
          || (openSearch == null && status.openSearch().isEmpty())) {
        throw new CommandFailedException(notRunning(status, stateDir, stateDirArgument, launcher));
      }
      bootstrapServers =
          bootstrapServers != null ? bootstrapServers : status.kafka().get().bootstrapServers();
      openSearch = openSearch != null ? openSearch : status.openSearch().get().url();
    }

    // Before Kafka is asked anything: the samples, then the output directory as without --stack
    // (created here).
    Map<String, List<Path>> sampleFiles = StackDemoScenario.sampleFiles(samples);
    OutputTargets.requireWritableDirectory(outDir, target.shownAs(), target.label());
    for (String output : StackDemoScenario.OUTPUT_DIRECTORIES) {
      DetectionRun.deleteRecursively(outDir.resolve(output));
    }
    Path routingKey = outDir.resolve(StackDemoScenario.ROUTING_KEY_FILE);
    // Owner-only, as a real routing key file should be (the demo's key is a made-up one).
    OwnerOnlyFiles.write(
        routingKey, (StackDemoScenario.ROUTING_KEY + "\n").getBytes(StandardCharsets.UTF_8));
    Path pagerEvents = outDir.resolve(StackDemoScenario.PAGER_FILE);

    DetectSummary summary;
    Set<String> incidents;
    int pagerEventsReceived;
    try (PagerReceiver pager = PagerReceiver.start(StackDemoScenario.ROUTING_KEY, pagerEvents)) {
      Path configFile = outDir.resolve(StackDemoScenario.CONFIG_FILE);
      Files.writeString(
          configFile,
          StackDemoScenario.configuration(
              bootstrapServers, openSearch, pager.eventsUrl(), outDir, routingKey),
          StandardCharsets.UTF_8);
      VigilConfig config;
      try {
        // Without the environment's super-admins and mapping tables: the demo's story is the
        // samples' with the built-in tables, as `vigil demo` tells it.
        config = VigilConfigLoader.load(configFile, configFile.toString(), Map.of());
      } catch (InvalidConfigException e) {
        throw new IllegalStateException("the demo wrote an invalid " + configFile, e);
      }
      summary = runJob(config, sampleFiles);
      incidents = pager.incidents();
      pagerEventsReceived = pager.accepted();
    } finally {
      DetectionRun.deleteRecursively(outDir.resolve("checkpoints"));
    }

    DemoReport.Outputs outputs =
        new DemoReport.Outputs(
            outDir.resolve("alerts"), outDir.resolve("events"), outDir.resolve("dead-letters"));
    DemoReport.Findings findings = DemoReport.Findings.read(outputs);
    StackDemoReport.Indexed indexed = countIndexed(openSearch, outputs, findings);

    List<String> out =
        new StackDemoReport(display, launcher)
            .lines(
                new StackDemoReport.Setting(samples, bootstrapServers, openSearch, outDir),
                new StackDemoReport.Outcome(
                    summary, outputs, findings, indexed, incidents.size(), pagerEventsReceived));
    PrintWriter stdout = new PrintWriter(env.stdout(), false, StandardCharsets.UTF_8);
    out.forEach(stdout::println);
    stdout.flush();
  }

  /**
   * Writes the samples to Kafka and runs the job over exactly them, to its end. What needs no
   * network (the rules, the credentials) is checked before the topics are made.
   */
  private DetectSummary runJob(VigilConfig config, Map<String, List<Path>> sampleFiles)
      throws IOException {
    try {
      RuleSet rules = JobPreflight.check(config);
      // The demo's indices are its own: fields added to them are no news to its reader.
      JobPreflight.prepare(config, extended -> {});
      Map<TopicPartition, Long> from = RawTopics.endOffsets(config.kafka());
      Map<String, Integer> written = StackDemoScenario.writeSamples(config, sampleFiles);
      Map<TopicPartition, Long> until = RawTopics.endOffsets(config.kafka());
      progress(
          Plurals.count(
                  written.values().stream().mapToInt(Integer::intValue).sum(), "sample record")
              + " written to Kafka ("
              + written.entrySet().stream()
                  .map(entry -> entry.getKey() + " " + entry.getValue())
                  .collect(Collectors.joining(", "))
              + "); running the detection job");
      long started = System.nanoTime();
      try (EmbeddedJobRunner.Running running =
          EmbeddedJobRunner.startBounded(config, rules, from, until)) {
        JobResult result = running.result().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) {
          throw new CommandFailedException(RunCommand.failure(result, Optional.empty()));
        }
        return DetectSummary.fromSerialized(
            result.getAccumulatorResults(), Duration.ofNanos(System.nanoTime() - started));
      }
    } catch (TopicSetup.TopicSetupException
        | IndexSetup.IndexSetupException
        | InvalidConfigException
        | EmbeddedJobRunner.EmbeddedClusterException e) {
      throw new CommandFailedException(e.getMessage());
    } catch (IllegalStateException e) {
      throw new CommandFailedException(e.getMessage());
    } catch (RuleException e) {
      e.errors().forEach(error -> env.stderr().println(error));
      throw new CommandFailedException(
          "the rules do not load; run 'vigil rules validate' for details");
    } catch (TimeoutException e) {
      throw new CommandFailedException(
          "the detection job did not finish within "
              + TIMEOUT.toMinutes()
              + " minutes; it was cancelled (is the machine overloaded?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException("interrupted while the detection job ran");
    } catch (ExecutionException | ClassNotFoundException e) {
      throw new CommandFailedException(
          "the detection job's result is unknown: " + IoProblems.innermost(e));
    }
  }

  /** How many of the run's documents OpenSearch holds, found by the run's own ids. */
  private static StackDemoReport.Indexed countIndexed(
      URI openSearch, DemoReport.Outputs outputs, DemoReport.Findings findings) {
    Set<String> eventIds = new LinkedHashSet<>();
    try {
      DemoReport.readLines(outputs.events())
          .forEach(event -> eventIds.add(event.path("event_id").asText()));
    } catch (IOException e) {
      throw new CommandFailedException(IoProblems.innermost(e));
    }
    List<String> alertIds =
        findings.alerts().stream().map(alert -> alert.path("alert_id").asText()).toList();
    List<String> origins =
        findings.deadLetters().stream().map(dead -> dead.path("origin").asText()).toList();
    try (OpenSearchConnection connection =
        OpenSearchConnection.open(OpenSearchConfig.local(openSearch))) {
      var client = connection.client();
      client
          .indices()
          .refresh(
              r ->
                  r.index(INDICES.eventsAlias(), INDICES.alertsAlias(), INDICES.deadLettersAlias())
                      .ignoreUnavailable(true));
      return new StackDemoReport.Indexed(
          eventIds.size(),
          count(client, INDICES.eventsAlias(), idsQuery(eventIds)),
          count(client, INDICES.alertsAlias(), idsQuery(alertIds)),
          count(client, INDICES.deadLettersAlias(), termsQuery("origin", origins)));
    } catch (IOException | OpenSearchException e) {
      throw new CommandFailedException(
          "cannot count the run's documents in OpenSearch at "
              + openSearch
              + ": "
              + (e instanceof OpenSearchException ? e.getMessage() : IoProblems.innermost(e)));
    }
  }

  private static long count(
      org.opensearch.client.opensearch.OpenSearchClient client, String index, Query query)
      throws IOException {
    return client.count(c -> c.index(index).ignoreUnavailable(true).query(query)).count();
  }

  private static Query idsQuery(java.util.Collection<String> ids) {
    return Query.of(q -> q.ids(i -> i.values(List.copyOf(ids))));
  }

  private static Query termsQuery(String field, List<String> values) {
    List<FieldValue> terms = values.stream().map(FieldValue::of).toList();
    return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(terms))));
  }

  /**
   * Where the demo looked, what it found, and what to do: start the stack there, or point the demo
   * at the stack that runs, which {@code vigil stack up --state-dir} may have put elsewhere.
   */
  private String notRunning(
      StackStatus status, Path stateDir, String stateDirArgument, Path launcher) {
    String found =
        status.components().stream()
            .map(c -> c.component().displayName() + (c.running() ? " running" : " stopped"))
            .collect(Collectors.joining(", "));
    String start = display.apply(launcher) + " stack up";
    return stateDirArgument != null
        ? "the local stack under --state-dir "
            + stateDirArgument
            + " is not running ("
            + found
            + "); start it with: "
            + start
            + " --state-dir "
            + stateDirArgument
            + " (or give --kafka HOST:PORT and --opensearch URL)"
        : "the local stack under "
            + display.apply(stateDir)
            + " is not running ("
            + found
            + "); start it with: "
            + start
            + "; if it runs with another state directory, give the same --state-dir DIR (or"
            + " --kafka HOST:PORT and --opensearch URL)";
  }

  private static URI openSearchUrl(String argument) {
    try {
      URI url = URI.create(argument);
      if (url.getScheme() == null
          || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
          || url.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return url;
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(
          "--opensearch: not an http(s) URL such as http://127.0.0.1:9200: " + argument);
    }
  }

  private void progress(String line) {
    env.stderr().println("vigil demo --stack: " + line);
    env.stderr().flush();
  }
}
