package dev.vigil.detect.kafka;

import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.JobSinks;
import dev.vigil.detect.JobStreams;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.file.FileOutputs;
import dev.vigil.detect.notify.NotifySink;
import dev.vigil.detect.opensearch.IndexSetup;
import dev.vigil.detect.opensearch.OpenSearchSink;
import dev.vigil.rules.RulePack;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outputs of {@code vigil run}, as vigil.yaml selects them: the Kafka topics ({@link
 * KafkaConnectors}), OpenSearch ({@link OpenSearchSink}, with an {@code opensearch:} section), the
 * pager ({@link NotifySink}, with a {@code notify:} section) and, optionally, part files under a
 * directory ({@link FileOutputs}).
 */
public final class KafkaJobSinks implements JobSinks {

  // The outputs' uids (also their names): a savepoint maps their state by these, and DroppedState
  // names the vigil.yaml setting behind each (OUTPUT_SETTINGS) when a restore finds one removed.
  static final String EVENTS_KAFKA = "events-kafka";
  static final String DEAD_LETTERS_KAFKA = "dead-letters-kafka";
  static final String ALERTS_KAFKA = "alerts-kafka";
  static final String EVENTS_OPENSEARCH = "events-opensearch";
  static final String ALERTS_OPENSEARCH = "alerts-opensearch";
  static final String DEAD_LETTERS_OPENSEARCH = "dead-letters-opensearch";
  static final String ALERTS_NOTIFY = "alerts-notify";

  /** Each optional output's uid, with the vigil.yaml setting that adds it. */
  static final Map<String, String> OUTPUT_SETTINGS = outputSettings();

  private final VigilConfig config;
  private final RulePack rules;
  private final OutputRecordLimits limits;

  /**
   * @param rules the job's rules, whose {@code notify} attributes route their alerts and whose
   *     description, false positives and references their pages carry
   * @param limits how large a record each output topic takes ({@link TopicSetup})
   */
  public KafkaJobSinks(VigilConfig config, RulePack rules, OutputRecordLimits limits) {
    this.config = config;
    this.rules = rules;
    this.limits = limits;
  }

  @Override
  public void attach(JobStreams streams) {
    VigilConfig.Kafka kafka = config.kafka();
    VigilConfig.Sinks sinks = config.sinks();
    if (sinks.kafkaEvents()) {
      streams
          .events()
          .sinkTo(KafkaConnectors.eventsSink(kafka, limits, sinks.kafkaDeadLetter()))
          .name(EVENTS_KAFKA)
          .uid(EVENTS_KAFKA);
    }
    if (sinks.kafkaDeadLetter()) {
      streams
          .deadLetters()
          .sinkTo(KafkaConnectors.deadLetterSink(kafka, limits))
          .name(DEAD_LETTERS_KAFKA)
          .uid(DEAD_LETTERS_KAFKA);
    }
    if (sinks.kafkaAlerts()) {
      streams
          .alerts()
          .sinkTo(KafkaConnectors.alertsSink(kafka, limits, sinks.kafkaDeadLetter()))
          .name(ALERTS_KAFKA)
          .uid(ALERTS_KAFKA);
    }
    config
        .openSearch()
        .ifPresent(
            cluster -> {
              VigilConfig.OpenSearchSinks indexed = sinks.openSearch();
              IndexContract contract = IndexSetup.contract(cluster);
              if (indexed.events()) {
                streams
                    .events()
                    .sinkTo(OpenSearchSink.events(cluster, contract))
                    .name(EVENTS_OPENSEARCH)
                    .uid(EVENTS_OPENSEARCH);
              }
              if (indexed.alerts()) {
                streams
                    .alerts()
                    .sinkTo(OpenSearchSink.alerts(cluster, contract))
                    .name(ALERTS_OPENSEARCH)
                    .uid(ALERTS_OPENSEARCH);
              }
              if (indexed.deadLetters()) {
                streams
                    .deadLetters()
                    .sinkTo(OpenSearchSink.deadLetters(cluster, contract))
                    .name(DEAD_LETTERS_OPENSEARCH)
                    .uid(DEAD_LETTERS_OPENSEARCH);
              }
            });
    // One pager for the whole job: grouping and rate limits are per destination, not per subtask.
    config
        .notifications()
        .ifPresent(
            notify ->
                streams
                    .alerts()
                    .sinkTo(
                        NotifySink.of(notify, rules, config.checkpoints().finalSavepointTimeout()))
                    .setParallelism(1)
                    .name(ALERTS_NOTIFY)
                    .uid(ALERTS_NOTIFY));
    sinks.filesDirectory().ifPresent(directory -> FileOutputs.partFiles(directory).attach(streams));
  }

  private static Map<String, String> outputSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(ALERTS_NOTIFY, "notify:");
    settings.put(ALERTS_KAFKA, "sinks.kafka.alerts");
    settings.put(EVENTS_KAFKA, "sinks.kafka.events");
    settings.put(DEAD_LETTERS_KAFKA, "sinks.kafka.dead_letter");
    settings.put(ALERTS_OPENSEARCH, "sinks.opensearch.alerts");
    settings.put(EVENTS_OPENSEARCH, "sinks.opensearch.events");
    settings.put(DEAD_LETTERS_OPENSEARCH, "sinks.opensearch.dead_letter");
    FileOutputs.PART_FILES_UIDS.forEach(uid -> settings.put(uid, "sinks.files.directory"));
    return Collections.unmodifiableMap(settings);
  }
}
