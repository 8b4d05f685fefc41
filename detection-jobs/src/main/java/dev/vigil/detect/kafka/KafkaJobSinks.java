package dev.vigil.detect.kafka;

import dev.vigil.detect.JobSinks;
import dev.vigil.detect.JobStreams;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.file.FileOutputs;

/**
 * The outputs of {@code vigil run}, as {@code sinks:} of vigil.yaml selects them: the Kafka topics
 * ({@link KafkaConnectors}) and, optionally, part files under a directory ({@link FileOutputs}).
 */
public final class KafkaJobSinks implements JobSinks {

  private final VigilConfig config;

  public KafkaJobSinks(VigilConfig config) {
    this.config = config;
  }

  @Override
  public void attach(JobStreams streams) {
    VigilConfig.Kafka kafka = config.kafka();
    VigilConfig.Sinks sinks = config.sinks();
    if (sinks.kafkaEvents()) {
      streams
          .events()
          .sinkTo(KafkaConnectors.eventsSink(kafka))
          .name("events-kafka")
          .uid("events-kafka");
    }
    if (sinks.kafkaDeadLetter()) {
      streams
          .deadLetters()
          .sinkTo(KafkaConnectors.deadLetterSink(kafka))
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
    sinks.filesDirectory().ifPresent(directory -> FileOutputs.partFiles(directory).attach(streams));
  }
}
