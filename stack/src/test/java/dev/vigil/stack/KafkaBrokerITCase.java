package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.stack.junit.RealKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
}
