package dev.vigil.detect.kafka;

import dev.vigil.detect.job.AlertRecord;
import dev.vigil.event.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an alert to the alerts topic as its JSON document (the DESIGN.md contract, already
 * rendered by the job), keyed by {@code alert_id}: every copy of one alert lands in one partition,
 * so a consumer deduplicating by id (or a compacted topic) sees them in order.
 *
 * <p>An alert larger than the alerts topic takes ({@link OutputRecordLimits}; a custom rule that
 * groups by a raw field can put a value of megabytes in {@code group} and {@code summary}) goes to
 * the dead-letter topic instead, as a {@code TOO_LARGE_FOR_SINK} dead letter whose {@code raw} is
 * the alert's JSON (cut to fit there if need be, by {@link DeadLetterSerializer}) and whose origin
 * is {@code alert:<alert_id>}: sent as it is, it would fail the sink, and the job, on every
 * restart. With exactly-once alerts it is written in the alerts' transaction. The alert itself
 * still reaches the job's other outputs (OpenSearch, the pager, files). With {@code
 * sinks.kafka.dead_letter} off it is left out of Kafka, with a warning naming its id, as a too
 * large event is.
 */
final class AlertJsonSerializer implements KafkaRecordSerializationSchema<AlertRecord> {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final TooLargeForSink tooLarge;

  /**
   * @param maxRecordBytes the largest record the topic is sent, as {@link
   *     OutputRecordLimits#sizeOf} counts it
   * @param deadLetters where an alert too large goes; null when dead letters are not written to
   *     Kafka
   */
  AlertJsonSerializer(String topic, int maxRecordBytes, DeadLetterSerializer deadLetters) {
    this.topic = topic;
    this.tooLarge = new TooLargeForSink(topic, maxRecordBytes, deadLetters);
  }

  @Override
  public void open(InitializationContext context, KafkaSinkContext sinkContext) {
    tooLarge.open(context);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      AlertRecord alert, KafkaSinkContext context, Long timestamp) {
    // No event-time timestamp: the broker's retention works on record timestamps, and alerts of
    // a replay over old records must not be deleted on arrival. The producer stamps the write time.
    byte[] json = alert.json.getBytes(StandardCharsets.UTF_8);
    return tooLarge.fitted(
        new ProducerRecord<>(
            topic, null, null, alert.alertId.getBytes(StandardCharsets.UTF_8), json),
        "alert",
        alert.alertId + " of rule " + alert.ruleId,
        "alert_id " + alert.alertId + ", rule " + alert.ruleId,
        () -> DeadLetter.newBuilder().setRaw(ByteBuffer.wrap(json)).setOrigin(origin(alert)),
        context,
        timestamp);
  }

  /** A too large alert's dead letter's origin, as its OpenSearch document names it. */
  static String origin(AlertRecord alert) {
    return "alert:" + alert.alertId;
  }
}
