package dev.vigil.detect.kafka;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

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

  private static final long serialVersionUID = 1L;

  private final AvroSingleObjectSerializer<AuditEvent> events;
  private final TooLargeForSink tooLarge;

  /**
   * @param maxRecordBytes the largest record the topic is sent, as {@link
   *     OutputRecordLimits#sizeOf} counts it
   * @param deadLetters where an event too large goes; null when dead letters are not written to
   *     Kafka
   */
  EventSerializer(String topic, int maxRecordBytes, DeadLetterSerializer deadLetters) {
    this.events = new AvroSingleObjectSerializer<>(topic, AuditEvent.class, AuditEvent::getEventId);
    this.tooLarge = new TooLargeForSink(topic, maxRecordBytes, deadLetters);
  }

  @Override
  public void open(InitializationContext context, KafkaSinkContext sinkContext) {
    tooLarge.open(context);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      AuditEvent event, KafkaSinkContext context, Long timestamp) {
    return tooLarge.fitted(
        events.serialize(event, context, timestamp),
        "event",
        event.getEventId() + " of " + event.getOrigin(),
        "event_id " + event.getEventId(),
        () ->
            DeadLetter.newBuilder()
                .setRaw(ByteBuffer.wrap(event.getRaw().getBytes(StandardCharsets.UTF_8)))
                .setOrigin(event.getOrigin())
                .setSourceGuess(event.getSource()),
        context,
        timestamp);
  }
}
