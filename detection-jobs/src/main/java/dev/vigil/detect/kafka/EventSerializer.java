package dev.vigil.detect.kafka;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to the events topic (Avro single-object encoding, keyed by {@code event_id}). An
 * event larger than that topic takes ({@link OutputRecordLimits}) goes to the dead-letter topic
 * instead, as a {@code TOO_LARGE_FOR_SINK} dead letter holding its raw record (cut to fit there if
 * need be, by {@link DeadLetterSerializer}): sent as it is, it would fail the sink, and the job, on
 * every restart. The event itself still reaches the job's other outputs (OpenSearch, files).
 *
 * <p>With {@code sinks.kafka.dead_letter} off there is no dead-letter topic to write to, as for
 * every other dead letter: such an event is left out of Kafka, with a warning naming its id and
 * origin.
 */
final class EventSerializer implements KafkaRecordSerializationSchema<AuditEvent> {

  /** Records the sink wrote as {@code TOO_LARGE_FOR_SINK} dead letters, or left out. */
  static final String TOO_LARGE_METRIC = "tooLargeForSink";

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EventSerializer.class);

  private final AvroSingleObjectSerializer<AuditEvent> events;
  private final String topic;
  private final int maxRecordBytes;
  private final DeadLetterSerializer deadLetters;
  private transient Counter tooLarge;

  /**
   * @param maxRecordBytes the largest record the topic is sent, as {@link
   *     OutputRecordLimits#sizeOf} counts it
   * @param deadLetters where an event too large goes; null when dead letters are not written to
   *     Kafka
   */
  EventSerializer(String topic, int maxRecordBytes, DeadLetterSerializer deadLetters) {
    this.events = new AvroSingleObjectSerializer<>(topic, AuditEvent.class, AuditEvent::getEventId);
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(InitializationContext context, KafkaSinkContext sinkContext) {
    tooLarge = context.getMetricGroup().counter(TOO_LARGE_METRIC);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      AuditEvent event, KafkaSinkContext context, Long timestamp) {
    ProducerRecord<byte[], byte[]> record = events.serialize(event, context, timestamp);
    int size = OutputRecordLimits.sizeOf(record);
    if (size <= maxRecordBytes) {
      return record;
    }
    tooLarge.inc();
    String problem =
        "the event is "
            + size
            + " bytes, over the "
            + maxRecordBytes
            + " of a record of topic "
            + topic;
    if (deadLetters == null) {
      LOG.warn(
          "event {} of {} is left out of topic {}: {}, and dead letters are not written to Kafka"
              + " (sinks.kafka.dead_letter)",
          event.getEventId(),
          event.getOrigin(),
          topic,
          problem);
      return null;
    }
    LOG.warn(
        "event {} of {} goes to topic {} as a {} dead letter: {}",
        event.getEventId(),
        event.getOrigin(),
        deadLetters.topic(),
        DeadLetterReason.TOO_LARGE_FOR_SINK,
        problem);
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setRaw(ByteBuffer.wrap(event.getRaw().getBytes(StandardCharsets.UTF_8)))
            .setReason(DeadLetterReason.TOO_LARGE_FOR_SINK)
            .setMessage(problem + " (event_id " + event.getEventId() + ")")
            .setOrigin(event.getOrigin())
            .setSourceGuess(event.getSource())
            .setReceivedAt(Instant.now())
            .build();
    return deadLetters.serialize(letter, context, timestamp);
  }
}
