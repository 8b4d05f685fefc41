package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar as {@code flink run vigil-detection-jobs.jar --config vigil.yaml} uses it: the
 * jar's one main class sees {@code --config} and builds the streaming job from Kafka, in a JVM
 * whose class path holds Flink only (no Vigil, no Kafka connector or client: the jar must carry
 * them), on a cluster that loads the job from the jar. The mixed input of {@link JobJarITCase},
 * produced to one raw topic read with detection per record, gives the same three alerts.
 */
@RealKafka
class KafkaJobJarITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A benign Vault read dated 2100: moves event time past every window, as a file's end does. */
  private static final String PUSHER =
      "{\"time\":\"2100-01-01T00:00:00.000Z\",\"type\":\"request\",\"auth\":{\"client_token\":"
          + "\"hmac-sha256:aa\",\"accessor\":\"hmac-sha256:bb\",\"display_name\":\"pusher\","
          + "\"policies\":[\"default\"],\"token_policies\":[\"default\"],\"entity_id\":\"pusher\","
          + "\"token_type\":\"service\"},\"request\":{\"id\":\"pusher-0\",\"operation\":\"read\","
          + "\"path\":\"sys/health\",\"remote_address\":\"10.9.9.9\",\"namespace\":{\"id\":\"root\"}}}";

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void theJobJarRunsTheKafkaJobWithConfig(KafkaEndpoint kafka) throws Exception {
    Path jar = Path.of("target/vigil-detection-jobs.jar").toAbsolutePath();
    assertThat(jar).as("the shaded job jar (built in the package phase)").isRegularFile();
    String prefix = "jar-" + UUID.randomUUID().toString().substring(0, 8);
    Path config = dir.resolve("vigil.yaml");
    Files.writeString(
        config,
        """
        job: {name: %1$s, parallelism: 2}
        kafka:
          bootstrap_servers: %2$s
          group_id: %1$s
          starting_offsets: earliest
          transactional_id_prefix: %1$s
          transaction_timeout: 5m
          create_topics: {partitions: 1}
          topics:
            raw: {%1$s.raw.mixed: auto}
            events: %1$s.events
            dead_letter: %1$s.deadletter
            alerts: %1$s.alerts
        watermarks: {idleness: 2s}
        checkpoints: {interval: 1s, timeout: 1m, storage: cp}
        """
            .formatted(prefix, kafka.bootstrapServers()));
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            JobJarITCase.flinkOnlyClassPath(),
            JobJarLauncher.class.getName(),
            jar.toString(),
            "--config",
            config.toString());
    Path log = dir.resolve("launcher.log");
    Process launcher =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // In file order, on one partition: the same event-time order as the file run.
      List<String> lines =
          new ArrayList<>(
              Files.readAllLines(Path.of("src/test/resources/mixed/mixed-sources.jsonl")));
      lines.add(PUSHER);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ProducerConfig.MAX_BLOCK_MS_CONFIG,
                  120_000),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        for (String line : lines) {
          producer
              .send(
                  new ProducerRecord<>(
                      prefix + ".raw.mixed", 0, null, line.getBytes(StandardCharsets.UTF_8)))
              .get();
        }
      }

      List<ConsumerRecord<byte[], byte[]>> alerts =
          readUntil(kafka, prefix + ".alerts", read -> read.size() >= 4, launcher, log);
      List<String> detections = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> alert : alerts) {
        detections.add(JSON.readTree(alert.value()).path("detection").asText());
      }
      assertThat(detections)
          .as(Files.readString(log))
          // policy_change: the fixture's GCP SetIamPolicy, as in JobJarITCase.
          .containsExactlyInAnyOrder(
              "root_token_use", "denied_access_spike", "mass_secret_reads", "policy_change");
      assertThat(readUntil(kafka, prefix + ".events", read -> read.size() >= 70, launcher, log))
          .hasSize(70);
      assertThat(readUntil(kafka, prefix + ".deadletter", read -> read.size() >= 2, launcher, log))
          .hasSize(2);
      assertThat(launcher.isAlive()).as("the streaming job still runs").isTrue();
    } finally {
      launcher.destroyForcibly();
    }
  }

  /**
   * Reads the topic from the start ({@code read_committed}) until {@code done}; a few more seconds
   * for alerts, so a duplicate would show. Fails early when the launcher has exited.
   */
  private static List<ConsumerRecord<byte[], byte[]>> readUntil(
      KafkaEndpoint kafka,
      String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
      Process launcher,
      Path log)
      throws Exception {
    List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(150));
      // The job's main creates the output topics once the launcher has started it.
      List<TopicPartition> partitions = new ArrayList<>();
      while (partitions.isEmpty() && Instant.now().isBefore(deadline)) {
        assertThat(launcher.isAlive()).as(Files.readString(log)).isTrue();
        consumer
            .partitionsFor(topic, Duration.ofSeconds(30))
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        if (partitions.isEmpty()) {
          Thread.sleep(500);
        }
      }
      assertThat(partitions).as("topic " + topic + " exists").isNotEmpty();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!done.test(read) && Instant.now().isBefore(deadline)) {
        assertThat(launcher.isAlive()).as(Files.readString(log)).isTrue();
        consumer.poll(Duration.ofMillis(500)).forEach(read::add);
      }
      // A duplicate would arrive now.
      Instant settle = Instant.now().plusSeconds(3);
      while (Instant.now().isBefore(settle)) {
        consumer.poll(Duration.ofMillis(500)).forEach(read::add);
      }
    }
    return read;
  }
}
