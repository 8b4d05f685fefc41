package dev.vigil.detect.kafka;

import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import java.io.Serializable;
import java.time.Instant;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema.KafkaSinkContext;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the events and alerts sinks do with a record larger than their topic takes ({@link
 * OutputRecordLimits}): count it, warn, and send a {@code TOO_LARGE_FOR_SINK} dead letter in its
 * place, or nothing when dead letters are not written to Kafka. Sent as it is, it would fail the
 * sink, and the job, on every restart.
 */
final class TooLargeForSink implements Serializable {

  /** Records the sinks wrote as {@code TOO_LARGE_FOR_SINK} dead letters, or left out. */
  static final String METRIC = "tooLargeForSink";

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TooLargeForSink.class);

  private final String topic;
  private final int maxRecordBytes;
  private final DeadLetterSerializer deadLetters;
  private transient Counter tooLarge;

  /**
   * @param maxRecordBytes the largest record the topic is sent, as {@link
   *     OutputRecordLimits#sizeOf} counts it
   * @param deadLetters where a record too large goes; null when dead letters are not written to
   *     Kafka
   */
  TooLargeForSink(String topic, int maxRecordBytes, DeadLetterSerializer deadLetters) {
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
    this.deadLetters = deadLetters;
  }

  void open(InitializationContext context) {
    tooLarge = context.getMetricGroup().counter(METRIC);
  }

  /**
   * {@code record} if it fits its topic; else the dead letter to send instead, or null.
   *
   * @param kind what the record holds, for the log and the message: "event", "alert"
   * @param named which one, for the log: "e1 of kafka:audit.raw.vault/0@3", "a1 of rule r1"
   * @param ids its ids, for the dead letter's message: "event_id e1"
   * @param letter the dead letter's raw record, origin and source guess
   */
  ProducerRecord<byte[], byte[]> fitted(
      ProducerRecord<byte[], byte[]> record,
      String kind,
      String named,
      String ids,
      Supplier<DeadLetter.Builder> letter,
      KafkaSinkContext context,
      Long timestamp) {
    int size = OutputRecordLimits.sizeOf(record);
    if (size <= maxRecordBytes) {
      return record;
    }
    tooLarge.inc();
    String problem =
        "the "
            + kind
            + " is "
            + size
            + " bytes, over the "
            + maxRecordBytes
            + " of a record of topic "
            + topic;
    if (deadLetters == null) {
      LOG.warn(
          "{} {} is left out of topic {}: {}, and dead letters are not written to Kafka"
              + " (sinks.kafka.dead_letter)",
          kind,
          named,
          topic,
          problem);
      return null;
    }
    LOG.warn(
        "{} {} goes to topic {} as a {} dead letter: {}",
        kind,
        named,
        deadLetters.topic(),
        DeadLetterReason.TOO_LARGE_FOR_SINK,
        problem);
    DeadLetter deadLetter =
        letter
            .get()
            .setReason(DeadLetterReason.TOO_LARGE_FOR_SINK)
            .setMessage(problem + " (" + ids + ")")
            .setReceivedAt(Instant.now())
            .build();
    return deadLetters.serialize(deadLetter, context, timestamp);
  }
}
