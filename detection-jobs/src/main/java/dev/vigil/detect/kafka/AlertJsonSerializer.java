package dev.vigil.detect.kafka;

import dev.vigil.detect.job.AlertRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an alert to the alerts topic as its JSON document (the DESIGN.md contract, already
 * rendered by the job), keyed by {@code alert_id}: every copy of one alert lands in one partition,
 * so a consumer deduplicating by id (or a compacted topic) sees them in order.
 */
public final class AlertJsonSerializer implements KafkaRecordSerializationSchema<AlertRecord> {

  private static final long serialVersionUID = 1L;

  private final String topic;

  public AlertJsonSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      AlertRecord alert, KafkaSinkContext context, Long timestamp) {
    // No event-time timestamp: the broker's retention works on record timestamps, and alerts of
    // a replay over old records must not be deleted on arrival. The producer stamps the write time.
    return new ProducerRecord<>(
        topic,
        null,
        null,
        alert.alertId.getBytes(StandardCharsets.UTF_8),
        alert.json.getBytes(StandardCharsets.UTF_8));
  }
}
