package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes raw records to the job's raw topics, as a log shipper would, and reads where those topics
 * end: what a run over a known range needs ({@code vigil demo --stack}, the end-to-end benchmark):
 * the end offsets before writing are where the job starts, those after writing where its bounded
 * source stops ({@link EmbeddedJobRunner#startBounded}).
 *
 * <p>Writes are asynchronous and batched; the first failed send is kept and thrown by {@link
 * #flush}, so a broker that refuses records is an error, never a silently shorter range.
 */
public final class RawTopics implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  private RawTopics(KafkaProducer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  /** A producer for the raw topics of {@code kafka}, with its security settings. */
  public static RawTopics writer(VigilConfig.Kafka kafka) {
    Properties properties = KafkaClientProperties.of(kafka);
    properties.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
    properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return new RawTopics(
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()));
  }

  /** Queues one raw record (no key: the producer spreads records over the partitions). */
  public void send(String topic, byte[] record) {
    producer.send(
        new ProducerRecord<>(topic, record),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
  }

  /**
   * Waits until every queued record is written.
   *
   * @throws IllegalStateException when a record could not be written
   */
  public void flush() {
    producer.flush();
    Exception error = failure.get();
    if (error != null) {
      throw new IllegalStateException("Kafka refused a raw record: " + error.getMessage(), error);
    }
  }

  @Override
  public void close() {
    producer.close(TIMEOUT);
  }

  /**
   * The end offset of every partition of the listed raw topics (the offset the next record will
   * get).
   *
   * @throws TopicSetup.TopicSetupException when the brokers do not answer or a topic is missing
   */
  public static Map<TopicPartition, Long> endOffsets(VigilConfig.Kafka kafka) {
    Properties properties = KafkaClientProperties.of(kafka);
    properties.setProperty(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
    try (Admin admin = Admin.create(properties)) {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(List.copyOf(kafka.topics().raw().keySet()))
              .allTopicNames()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
      List<TopicPartition> partitions = new ArrayList<>();
      topics.forEach(
          (name, description) ->
              description
                  .partitions()
                  .forEach(
                      partition -> {
                        TopicPartition topicPartition =
                            new TopicPartition(name, partition.partition());
                        partitions.add(topicPartition);
                        wanted.put(topicPartition, OffsetSpec.latest());
                      }));
      var listed = admin.listOffsets(wanted).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, Long> ends = new HashMap<>();
      for (TopicPartition partition : partitions) {
        ends.put(partition, listed.get(partition).offset());
      }
      return ends;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicSetup.TopicSetupException("interrupted while reading Kafka offsets", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new TopicSetup.TopicSetupException(
          "cannot read the end offsets of the raw topics on "
              + kafka.bootstrapServers()
              + ": "
              + cause.getMessage(),
          cause);
    }
  }
}
