package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfig.AlertsDelivery;
import dev.vigil.detect.job.AlertRecord;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The job's Kafka source and sinks, built from {@link VigilConfig.Kafka}.
 *
 * <p>Guarantees (docs/kafka.md): the source keeps its offsets in Flink checkpoints (committing them
 * to the consumer group too, for lag monitoring only), so a restored job re-reads exactly what
 * followed its checkpoint. Events and dead letters are written at-least-once: after a failure some
 * are written twice, with the same key ({@code event_id}, the origin), which consumers and the
 * OpenSearch index already treat as one. Alerts are written in Kafka transactions committed with
 * each checkpoint (exactly-once for {@code read_committed} consumers, at the cost of alerts
 * becoming visible only when the checkpoint completes), or at-least-once when configured, keyed by
 * {@code alert_id} either way.
 */
public final class KafkaConnectors {

  static final int LINGER_MS = 20;
  static final int BATCH_BYTES = 128 * 1024;

  private KafkaConnectors() {}

  /** The raw topics: those listed, plus those matching the pattern, as one subscription. */
  public static KafkaSource<RawRecord> rawSource(VigilConfig.Kafka kafka) {
    return rawSourceBuilder(kafka)
        .setStartingOffsets(startingOffsets(kafka.startingOffsets()))
        .build();
  }

  /**
   * The raw topics from the offsets {@code from} up to (not including) {@code until}: a bounded
   * source that finishes there, so the job ends once that range is through (a replay of a known
   * range, {@code vigil demo --stack}, the end-to-end benchmark). Partitions missing from {@code
   * from} start at their earliest offset.
   */
  public static KafkaSource<RawRecord> rawSource(
      VigilConfig.Kafka kafka, Map<TopicPartition, Long> from, Map<TopicPartition, Long> until) {
    return rawSourceBuilder(kafka)
        .setStartingOffsets(OffsetsInitializer.offsets(from, OffsetResetStrategy.EARLIEST))
        .setBounded(OffsetsInitializer.offsets(until))
        .build();
  }

  private static KafkaSourceBuilder<RawRecord> rawSourceBuilder(VigilConfig.Kafka kafka) {
    KafkaSourceBuilder<RawRecord> builder =
        KafkaSource.<RawRecord>builder()
            .setProperties(KafkaClientProperties.of(kafka))
            .setGroupId(kafka.groupId())
            .setClientIdPrefix(kafka.clientIdPrefix())
            .setDeserializer(new RawRecordDeserializer())
            .setProperty(
                "partition.discovery.interval.ms",
                Long.toString(kafka.partitionDiscovery().toMillis()))
            .setProperty("commit.offsets.on.checkpoint", "true")
            // Raw topics may be written transactionally by a shipper; never read what it aborted.
            .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> listed = new ArrayList<>(kafka.topics().raw().keySet());
    if (kafka.topics().rawPattern().isEmpty()) {
      builder.setTopics(listed);
    } else {
      builder.setTopicPattern(subscription(listed, kafka.topics().rawPattern().get()));
    }
    return builder;
  }

  /** One pattern for the listed topics and the configured pattern. */
  static Pattern subscription(List<String> listed, Pattern pattern) {
    StringBuilder combined = new StringBuilder("(?:").append(pattern.pattern()).append(')');
    for (String topic : listed) {
      combined.append("|").append(Pattern.quote(topic));
    }
    return Pattern.compile(combined.toString());
  }

  private static OffsetsInitializer startingOffsets(VigilConfig.StartingOffsets startingOffsets) {
    return switch (startingOffsets) {
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }

  /**
   * Normalized events, Avro single-object encoded, keyed by {@code event_id}; one larger than the
   * events topic takes goes to the dead-letter topic as {@code TOO_LARGE_FOR_SINK} when {@code
   * deadLettersToKafka} ({@link EventSerializer}).
   */
  public static KafkaSink<AuditEvent> eventsSink(
      VigilConfig.Kafka kafka, OutputRecordLimits limits, boolean deadLettersToKafka) {
    return atLeastOnce(
        kafka,
        new EventSerializer(
            kafka.topics().events(),
            limits.events(),
            deadLettersToKafka ? deadLetterSerializer(kafka, limits) : null));
  }

  /**
   * Dead letters, Avro single-object encoded, keyed by their origin; one larger than the topic
   * takes has its raw record cut to fit ({@link DeadLetterSerializer}).
   */
  public static KafkaSink<DeadLetter> deadLetterSink(
      VigilConfig.Kafka kafka, OutputRecordLimits limits) {
    return atLeastOnce(kafka, deadLetterSerializer(kafka, limits));
  }

  private static DeadLetterSerializer deadLetterSerializer(
      VigilConfig.Kafka kafka, OutputRecordLimits limits) {
    return new DeadLetterSerializer(kafka.topics().deadLetter(), limits.deadLetter());
  }

  /**
   * Alerts as JSON keyed by {@code alert_id}, with the configured guarantee; one larger than the
   * alerts topic takes goes to the dead-letter topic as {@code TOO_LARGE_FOR_SINK} when {@code
   * deadLettersToKafka} ({@link AlertJsonSerializer}).
   */
  public static KafkaSink<AlertRecord> alertsSink(
      VigilConfig.Kafka kafka, OutputRecordLimits limits, boolean deadLettersToKafka) {
    AlertJsonSerializer serializer =
        new AlertJsonSerializer(
            kafka.topics().alerts(),
            limits.alerts(),
            deadLettersToKafka ? deadLetterSerializer(kafka, limits) : null);
    if (kafka.alertsDelivery() == AlertsDelivery.AT_LEAST_ONCE) {
      return atLeastOnce(kafka, serializer);
    }
    Properties properties = producerProperties(kafka);
    properties.setProperty(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        Long.toString(kafka.transactionTimeout().toMillis()));
    return KafkaSink.<AlertRecord>builder()
        .setKafkaProducerConfig(properties)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(kafka.transactionalIdPrefix())
        .build();
  }

  private static <T> KafkaSink<T> atLeastOnce(
      VigilConfig.Kafka kafka, KafkaRecordSerializationSchema<T> serializer) {
    return KafkaSink.<T>builder()
        .setKafkaProducerConfig(producerProperties(kafka))
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  /**
   * Durable, idempotent, compressed, and batched. Every record is keyed, so it goes to its key's
   * partition and a producer fills one batch per partition; with Kafka's 5 ms linger a sink at a
   * few thousand records a second spread over the partitions sent batches of one or two records,
   * each paying a new LZ4 frame (its 64 KB buffers and checksum) and a request. Waiting up to 20 ms
   * for batches of up to 128 KB costs at most 20 ms of latency per record (nothing for exactly-once
   * alerts, which are visible only at the next checkpoint) and compresses far better. A checkpoint
   * flushes whatever is waiting, so the delivery guarantees are unchanged. Records may be as large
   * as the largest event the normalizer lets through ({@link
   * OutputRecordLimits#MAX_REQUEST_BYTES}). Every value here yields to the user's {@code
   * client_properties}.
   */
  static Properties producerProperties(VigilConfig.Kafka kafka) {
    Properties properties = KafkaClientProperties.of(kafka);
    properties.putIfAbsent(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(OutputRecordLimits.MAX_REQUEST_BYTES));
    properties.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    properties.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
    properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
    return properties;
  }

  /** The producers' {@code max.request.size}: Vigil's, or the user's {@code client_properties}. */
  static int maxRequestBytes(VigilConfig.Kafka kafka) {
    return Integer.parseInt(
        producerProperties(kafka).getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG).trim());
  }
}
