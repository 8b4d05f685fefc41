package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.stack.junit.RealKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@RealKafka
class KafkaBrokerITCase {

  @Test
  void aProducedRecordIsConsumedBackThroughTheBroker(KafkaEndpoint kafka) throws Exception {
    String topic = "stack-it-" + UUID.randomUUID();
    RecordMetadata written;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                30_000),
            new StringSerializer(),
            new StringSerializer())) {
      written = producer.send(new ProducerRecord<>(topic, "key-1", "{\"hello\":\"kafka\"}")).get();
    }
    assertThat(written.offset()).isZero();

    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "stack-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      Instant deadline = Instant.now().plusSeconds(60);
      while (read.isEmpty() && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(500)).forEach(read::add);
      }
    }
    assertThat(read).hasSize(1);
    assertThat(read.get(0).key()).isEqualTo("key-1");
    assertThat(read.get(0).value()).isEqualTo("{\"hello\":\"kafka\"}");
    assertThat(read.get(0).topic()).isEqualTo(topic);
  }

  @Test
  void transactionsUseTheProtocolWhoseRecoveryCommitsFlinkGetsRight(KafkaEndpoint kafka)
      throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      assertThat(transactionVersion(admin)).isEqualTo(KafkaBroker.TRANSACTION_VERSION);
    }
  }

  @Test
  void aStorageFormattedWithTheNewerTransactionProtocolIsBroughtDownWhenReady(KafkaEndpoint kafka)
      throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      // What Kafka 4 finalizes on a storage formatted without the setting.
      admin
          .updateFeatures(
              Map.of(
                  KafkaBroker.TRANSACTION_VERSION_FEATURE,
                  new FeatureUpdate((short) 2, FeatureUpdate.UpgradeType.UPGRADE)),
              new UpdateFeaturesOptions())
          .all()
          .get(30, TimeUnit.SECONDS);
      // The broker learns the controller's update a moment later.
      Instant deadline = Instant.now().plusSeconds(30);
      while (transactionVersion(admin) != 2 && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      assertThat(transactionVersion(admin)).isEqualTo((short) 2);

      KafkaBroker.settleTransactionVersion(admin, kafka.bootstrapServers());

      // No waiting here: settling returns only once the broker reports it.
      assertThat(transactionVersion(admin)).isEqualTo(KafkaBroker.TRANSACTION_VERSION);
    }
  }

  private static short transactionVersion(Admin admin) throws Exception {
    FinalizedVersionRange finalized =
        admin
            .describeFeatures()
            .featureMetadata()
            .get(30, TimeUnit.SECONDS)
            .finalizedFeatures()
            .get(KafkaBroker.TRANSACTION_VERSION_FEATURE);
    return finalized.maxVersionLevel();
  }
}
