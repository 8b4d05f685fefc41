package dev.vigil.detect.kafka;

import dev.vigil.detect.JobSinks;
import dev.vigil.detect.JobStreams;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.file.FileOutputs;
import dev.vigil.detect.notify.NotifySink;
import dev.vigil.detect.opensearch.OpenSearchSink;
import dev.vigil.rules.RulePack;

/**
 * The outputs of {@code vigil run}, as vigil.yaml selects them: the Kafka topics ({@link
 * KafkaConnectors}), OpenSearch ({@link OpenSearchSink}, with an {@code opensearch:} section), the
 * pager ({@link NotifySink}, with a {@code notify:} section) and, optionally, part files under a
 * directory ({@link FileOutputs}).
 */
public final class KafkaJobSinks implements JobSinks {

  private final VigilConfig config;
  private final RulePack rules;
  private final OutputRecordLimits limits;

  /**
   * @param rules the job's rules, whose {@code notify} attributes route their alerts
   * @param limits how large a record the events and dead-letter topics take ({@link TopicSetup})
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
          .name("events-kafka")
          .uid("events-kafka");
    }
    if (sinks.kafkaDeadLetter()) {
      streams
          .deadLetters()
          .sinkTo(KafkaConnectors.deadLetterSink(kafka, limits))
          .name("dead-letters-kafka")
          .uid("dead-letters-kafka");
    }
    if (sinks.kafkaAlerts()) {
      streams
          .alerts()
          .sinkTo(KafkaConnectors.alertsSink(kafka))
          .name("alerts-kafka")
          .uid("alerts-kafka");
    }
    config
        .openSearch()
        .ifPresent(
            cluster -> {
              VigilConfig.OpenSearchSinks indexed = sinks.openSearch();
              if (indexed.events()) {
                streams
                    .events()
                    .sinkTo(OpenSearchSink.events(cluster))
                    .name("events-opensearch")
                    .uid("events-opensearch");
              }
              if (indexed.alerts()) {
                streams
                    .alerts()
                    .sinkTo(OpenSearchSink.alerts(cluster))
                    .name("alerts-opensearch")
                    .uid("alerts-opensearch");
              }
              if (indexed.deadLetters()) {
                streams
                    .deadLetters()
                    .sinkTo(OpenSearchSink.deadLetters(cluster))
                    .name("dead-letters-opensearch")
                    .uid("dead-letters-opensearch");
              }
            });
    // One pager for the whole job: grouping and rate limits are per destination, not per subtask.
    config
        .notifications()
        .ifPresent(
            notify ->
                streams
                    .alerts()
                    .sinkTo(NotifySink.of(notify, rules))
                    .setParallelism(1)
                    .name("alerts-notify")
                    .uid("alerts-notify"));
    sinks.filesDirectory().ifPresent(directory -> FileOutputs.partFiles(directory).attach(streams));
  }
}
