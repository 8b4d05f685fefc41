package dev.vigil.detect.kafka;

import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an alert to the alerts topic as its JSON document ({@link AlertJson}, the DESIGN.md
 * contract), keyed by {@code alert_id}: every copy of one alert lands in one partition, so a
 * consumer deduplicating by id (or a compacted topic) sees them in order.
 */
public final class AlertJsonSerializer implements KafkaRecordSerializationSchema<Alert> {

  private static final long serialVersionUID = 1L;

  private final String topic;

  public AlertJsonSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      Alert alert, KafkaSinkContext context, Long timestamp) {
    // No event-time timestamp: the broker's retention works on record timestamps, and alerts of
    // a replay over old records must not be deleted on arrival. The producer stamps the write time.
    return new ProducerRecord<>(
        topic,
        null,
        null,
        alert.alertId().getBytes(StandardCharsets.UTF_8),
        AlertJson.toJson(alert).getBytes(StandardCharsets.UTF_8));
  }
}
