package dev.vigil.cli;

import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.kafka.RawTopics;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.io.RecordSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The scenario {@code vigil demo --stack} plays ({@link StackDemo} runs it): which bundled samples
 * go to which raw topic, the vigil.yaml the detection job runs with, the files the demo writes, and
 * the names that keep all of it apart from a real run's: the topics start with {@value
 * #TOPIC_PREFIX}, the indices, aliases and templates with {@link IndexContract#DEMO_PREFIX}, the
 * consumer group and transactional ids are {@code vigil-demo}. A {@code vigil run} on the same
 * stack (default topics), {@code vigil report}, the dashboards and retention (the default {@code
 * vigil-} names) never read the demo's made-up incidents as real ones.
 */
final class StackDemoScenario {

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
  static final IndexContract INDICES =
      IndexContract.builtIn().withPrefix(IndexContract.DEMO_PREFIX);

  /** The job's outputs under the output directory, emptied before each run. */
  static final List<String> OUTPUT_DIRECTORIES =
      List.of("alerts", "events", "dead-letters", "checkpoints");

  static final String CONFIG_FILE = "vigil-demo.yaml";
  static final String PAGER_FILE = "pagerduty-events.jsonl";
  static final String ROUTING_KEY_FILE = "pagerduty-routing-key";
  static final String ROUTING_KEY = "vigil-demo-local-receiver";

  private StackDemoScenario() {}

  /** The sample files by the raw topic they go to, found before anything is sent. */
  static Map<String, List<Path>> sampleFiles(Path samples) throws IOException {
    Map<String, List<Path>> files = new LinkedHashMap<>();
    for (SampleTopic sample : SAMPLE_TOPICS) {
      files.put(sample.topic(), files(samples.resolve(sample.directory())));
    }
    return files;
  }

  /** Each sample file's records, one Kafka record each, to its source's raw topic. */
  static Map<String, Integer> writeSamples(VigilConfig config, Map<String, List<Path>> sampleFiles)
      throws IOException {
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
}
