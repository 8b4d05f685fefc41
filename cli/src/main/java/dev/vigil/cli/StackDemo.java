package dev.vigil.cli;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.DetectSummary;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.ConfigException;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.kafka.EmbeddedJobRunner;
import dev.vigil.detect.kafka.JobPreflight;
import dev.vigil.detect.kafka.RawTopics;
import dev.vigil.detect.kafka.TopicSetup;
import dev.vigil.detect.notify.NotifyConfigException;
import dev.vigil.detect.opensearch.IndexSetup;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.io.RecordSplitter;
import dev.vigil.rules.RuleException;
import dev.vigil.stack.LocalStack;
import dev.vigil.stack.StackConfig;
import dev.vigil.stack.StackException;
import dev.vigil.stack.StackStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import java.util.stream.Stream;
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
 * followed by what reached OpenSearch and the pager and how to look at it.
 *
 * <p>Everything it writes is named apart from a real run's: the topics start with {@value
 * #TOPIC_PREFIX}, the indices, aliases and templates with {@link IndexContract#DEMO_PREFIX}, the
 * consumer group and transactional ids are {@code vigil-demo}. A {@code vigil run} on the same
 * stack (default topics), {@code vigil report}, the dashboards and retention (the default {@code
 * vigil-} names) never read the demo's made-up incidents as real ones.
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

  /** What every topic the demo reads or writes is named by: vigil.yaml's default, prefixed. */
  static final String TOPIC_PREFIX = "vigil-demo.";

  /** Sample directories, the raw topic each is written to, and the source of that topic. */
  private static final List<SampleTopic> SAMPLE_TOPICS =
      List.of(
          new SampleTopic("vault", TOPIC_PREFIX + "audit.raw.vault", "vault"),
          new SampleTopic("aws", TOPIC_PREFIX + "audit.raw.cloudtrail", "aws_cloudtrail"),
          new SampleTopic("azure", TOPIC_PREFIX + "audit.raw.azure", "azure_monitor"),
          new SampleTopic("gcp", TOPIC_PREFIX + "audit.raw.gcp", "gcp_audit"));

  static final String EVENTS_TOPIC = TOPIC_PREFIX + "audit.events";
  static final String DEAD_LETTER_TOPIC = TOPIC_PREFIX + "audit.deadletter";
  static final String ALERTS_TOPIC = TOPIC_PREFIX + "audit.alerts";

  private record SampleTopic(String directory, String topic, String source) {}

  /** The demo's indices and aliases: the built-in families under the demo's prefix. */
  private static final IndexContract INDICES =
      IndexContract.builtIn().withPrefix(IndexContract.DEMO_PREFIX);

  /** A bounded run over a few hundred records takes seconds; this is for a stuck one. */
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  static final String CONFIG_FILE = "vigil-demo.yaml";
  static final String APART_TITLE =
      "Kept apart from real runs (vigil run, report, the dashboards and retention read none of it)";
  static final String PAGER_FILE = "pagerduty-events.jsonl";
  private static final String ROUTING_KEY_FILE = "pagerduty-routing-key";
  private static final String ROUTING_KEY = "vigil-demo-local-receiver";

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
    Map<String, List<Path>> sampleFiles = sampleFiles(samples);
    OutputTargets.requireWritableDirectory(outDir, target.shownAs(), target.label());
    for (String output : List.of("alerts", "events", "dead-letters", "checkpoints")) {
      DetectionRun.deleteRecursively(outDir.resolve(output));
    }
    Path routingKey = outDir.resolve(ROUTING_KEY_FILE);
    Files.writeString(routingKey, ROUTING_KEY + "\n", StandardCharsets.UTF_8);
    Path pagerEvents = outDir.resolve(PAGER_FILE);

    DetectSummary summary;
    Set<String> incidents;
    int pagerEventsReceived;
    try (PagerReceiver pager = PagerReceiver.start(ROUTING_KEY, pagerEvents)) {
      Path configFile = outDir.resolve(CONFIG_FILE);
      Files.writeString(
          configFile,
          configuration(bootstrapServers, openSearch, pager.eventsUrl(), outDir, routingKey),
          StandardCharsets.UTF_8);
      VigilConfig config;
      try {
        // Without the environment's super-admins and mapping tables: the demo's story is the
        // samples' with the built-in tables, as `vigil demo` tells it.
        config = VigilConfigLoader.load(configFile, configFile.toString(), Map.of());
      } catch (ConfigException e) {
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
    Indexed indexed = countIndexed(openSearch, outputs, findings);

    DemoReport report = new DemoReport(display, launcher);
    List<String> out =
        report.findings(
            "vigil demo --stack: the detection job (as vigil run builds it, on the embedded Flink)"
                + " over "
                + display.apply(samples)
                + "/ through Kafka "
                + bootstrapServers,
            summary,
            findings);
    out.add("");
    out.add("In OpenSearch at " + openSearch);
    out.addAll(
        DemoReport.table(
            List.of(
                row(
                    INDICES.eventsAlias(),
                    indexed.events()
                        + " of the run's "
                        + Plurals.count(indexed.eventIds(), "event")
                        + " (by event_id)"),
                row(
                    INDICES.alertsAlias(),
                    indexed.alerts()
                        + " of its "
                        + Plurals.count(findings.alerts().size(), "alert")
                        + " (by alert_id)"),
                row(
                    INDICES.deadLettersAlias(),
                    indexed.deadLetters()
                        + " of its "
                        + Plurals.count(findings.deadLetters().size(), "dead letter")
                        + " (by origin)"))));
    out.add("");
    out.add("Pager (a local PagerDuty Events API v2 receiver on loopback)");
    out.add(
        "  "
            + Plurals.count(incidents.size(), "incident")
            + " from "
            + Plurals.count(pagerEventsReceived, "trigger event")
            + " (one incident per dedup_key = alert_id; grouping is off in"
            + " the demo, so every alert pages)");
    out.add("  payloads, routing key masked: " + display.apply(pagerEvents));

    String url = openSearch.toString().replaceAll("/+$", "");
    out.add("");
    out.add("Query them");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.alertsAlias()
            + "/_search?q=severity:critical&pretty'"
            + "   # the critical alerts");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.alertsAlias()
            + "/_search?size=100&pretty'"
            + "   # every alert, with the event_ids behind it");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.eventsAlias()
            + "/_search?q=denied:true&size=5&pretty'"
            + "   # refused requests, raw record included");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.eventsAlias()
            + "/_count?q=source:VAULT&pretty'"
            + "   # events of one source");
    out.add("  jq -r '.payload.summary' " + display.apply(pagerEvents) + "   # what on-call got");
    out.add("");
    out.add(APART_TITLE);
    out.add(
        "  Kafka topics "
            + TOPIC_PREFIX
            + "audit.*, consumer group vigil-demo; OpenSearch indices "
            + IndexContract.DEMO_PREFIX
            + "*");
    out.add(
        "  delete them: curl -s -X DELETE '"
            + url
            + "/"
            + INDICES.eventsAlias()
            + "-*,"
            + INDICES.alertsAlias()
            + "-*,"
            + INDICES.deadLettersAlias()
            + "-*'; nothing reads the topics (docs/cli.md#vigil-demo---stack-the-same-samples"
            + "-through-kafka-opensearch-and-the-pager)");
    out.add("");
    out.add("Files");
    out.addAll(
        DemoReport.table(
            List.of(
                row(
                    display.apply(outDir.resolve(CONFIG_FILE)),
                    "the vigil.yaml the job ran with (docs/configuration.md)"),
                row(
                    display.apply(outputs.alerts()) + "/, events/, dead-letters/",
                    "the job's part files, the summary above is read from them"),
                row(display.apply(pagerEvents), "what the pager received"))));
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
      JobPreflight.prepare(config);
      Map<TopicPartition, Long> from = RawTopics.endOffsets(config.kafka());
      Map<String, Integer> written = writeSamples(config, sampleFiles);
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
        | NotifyConfigException
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

  /** The sample files by the raw topic they go to, found before anything is sent. */
  private static Map<String, List<Path>> sampleFiles(Path samples) throws IOException {
    Map<String, List<Path>> files = new LinkedHashMap<>();
    for (SampleTopic sample : SAMPLE_TOPICS) {
      files.put(sample.topic(), files(samples.resolve(sample.directory())));
    }
    return files;
  }

  /** Each sample file's records, one Kafka record each, to its source's raw topic. */
  private static Map<String, Integer> writeSamples(
      VigilConfig config, Map<String, List<Path>> sampleFiles) throws IOException {
    Map<String, Integer> written = new LinkedHashMap<>();
    try (RawTopics topics = RawTopics.writer(config.kafka())) {
      for (Map.Entry<String, List<Path>> sample : sampleFiles.entrySet()) {
        String topic = sample.getKey();
        int[] count = {0};
        for (Path file : sample.getValue()) {
          try (InputStream in = Files.newInputStream(file)) {
            new RecordSplitter(
                    file.getFileName().toString(), NormalizerLimits.DEFAULTS.maxRecordBytes())
                .split(
                    in,
                    record -> {
                      topics.send(topic, record.bytes());
                      count[0]++;
                    });
          }
        }
        written.put(topic, count[0]);
      }
      topics.flush();
    }
    return written;
  }

  private static List<Path> files(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new CommandFailedException("the bundled samples have no directory " + directory);
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  /**
   * The job's configuration: vigil run's defaults but for what a demo on a one-node stack needs,
   * each explained in the file itself.
   */
  static String configuration(
      String bootstrapServers, URI openSearch, URI pagerUrl, Path outDir, Path routingKey) {
    String url = openSearch.toString().replaceAll("/+$", "");
    return String.join(
        "\n",
        "# Written by `vigil demo --stack`: the configuration its detection job ran with",
        "# (reference: docs/configuration.md). Everything not set here is vigil run's default.",
        "job:",
        "  name: vigil-demo",
        "kafka:",
        "  bootstrap_servers: " + yamlString(bootstrapServers),
        "  # Its own topics, group and transactional ids: a vigil run on the same brokers reads",
        "  # none of the demo's made-up records, and the demo touches none of a running job's.",
        "  group_id: vigil-demo",
        "  client_id_prefix: vigil-demo",
        "  transactional_id_prefix: vigil-demo-alerts",
        "  topics:",
        "    raw:",
        SAMPLE_TOPICS.stream()
            .map(sample -> "      " + sample.topic() + ": " + sample.source())
            .collect(Collectors.joining("\n")),
        "    events: " + EVENTS_TOPIC,
        "    dead_letter: " + DEAD_LETTER_TOPIC,
        "    alerts: " + ALERTS_TOPIC,
        "watermarks:",
        "  # The samples cover one day; a bound longer than that judges no record late, so the",
        "  # alerts are those of the embedded `vigil demo` whatever order the records arrive in.",
        "  out_of_orderness: 1d",
        "checkpoints:",
        "  interval: 2s",
        "  storage: " + yamlString(outDir.resolve("checkpoints").toString()),
        "  retain_on_cancel: false",
        "  # A failure ends the demo with its cause instead of a restart loop.",
        "  restart_attempts: 0",
        "sinks:",
        "  files:",
        "    # alerts/, events/ and dead-letters/ part files: what the demo's summary reads.",
        "    directory: " + yamlString(outDir.toString()),
        "opensearch:",
        "  url: " + yamlString(url),
        "  index:",
        "    # Its own indices, aliases and templates (vigil-demo-alerts, ...): vigil report, the",
        "    # dashboards and retention read the vigil- ones of real runs.",
        "    prefix: " + IndexContract.DEMO_PREFIX,
        "    shards: 1",
        "    replicas: 0   # a single node holds no replicas",
        "notify:",
        "  alert_url: "
            + yamlString(url + "/" + INDICES.alertsAlias() + "/_search?q=alert_id:{alert_id}"),
        "  # Off so that every alert pages on its own: one incident per alert_id.",
        "  grouping: {enabled: false}",
        "  destinations:",
        "    local-pager:",
        "      type: pagerduty",
        "      # PagerDuty's Events API v2 stand-in the demo runs on loopback.",
        "      url: " + yamlString(pagerUrl.toString()),
        "      routing_key_file: " + yamlString(routingKey.toString()),
        "");
  }

  private static String yamlString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private record Indexed(long eventIds, long events, long alerts, long deadLetters) {}

  /** How many of the run's documents OpenSearch holds, found by the run's own ids. */
  private static Indexed countIndexed(
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
      return new Indexed(
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

  private static String[] row(String... cells) {
    return cells;
  }
}
