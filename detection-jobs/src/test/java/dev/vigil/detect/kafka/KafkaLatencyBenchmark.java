package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.rules.AlertJson;
import dev.vigil.stack.Component;
import dev.vigil.stack.LocalStack;
import dev.vigil.stack.StackConfig;
import dev.vigil.stack.StackStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Event-to-alert latency through Kafka at a steady rate: Vault audit records are produced to the
 * raw topic at {@code --rate} per second (event time = now), one in {@code --root-every} of them a
 * use of a root token by its own entity (each gives one {@code root_token_use} alert); the alerts
 * are read back with {@code read_committed}, and each alert's latency is the time it was read minus
 * the time its triggering record was handed to the producer. The first {@code --warmup} seconds are
 * not counted. The report gives the alerts read of those expected ("alerts=N of M"): fewer means
 * the job fell behind the rate and the latencies measure its backlog.
 *
 * <pre>
 * java ... dev.vigil.detect.kafka.KafkaLatencyBenchmark [--bootstrap HOST:PORT] [--rate 5000]
 *     [--seconds 60] [--warmup 15] [--delivery exactly_once|at_least_once] [--interval 1s]
 *     [--out-of-orderness 0s] [--root-every 50]
 * </pre>
 *
 * Without {@code --bootstrap} it starts the local stack's Kafka broker (and stops it at the end).
 * The job runs on an embedded MiniCluster at parallelism 2, as {@code vigil run} does. Figures and
 * the machine they were taken on: docs/benchmarks.md.
 */
public final class KafkaLatencyBenchmark {

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int rate = Integer.parseInt(options.getOrDefault("rate", "5000"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "15"));
    int rootEvery = Integer.parseInt(options.getOrDefault("root-every", "50"));
    String delivery = options.getOrDefault("delivery", "exactly_once");
    String interval = options.getOrDefault("interval", "1s");
    String outOfOrderness = options.getOrDefault("out-of-orderness", "0s");

    Path work = Files.createTempDirectory("vigil-latency-");
    LocalStack stack = null;
    String bootstrap = options.get("bootstrap");
    if (bootstrap == null) {
      stack = new LocalStack(StackConfig.forTests(work.resolve("stack")));
      StackStatus status = stack.up(EnumSet.of(Component.KAFKA));
      bootstrap = status.kafka().orElseThrow().bootstrapServers();
    }
    try {
      run(bootstrap, work, rate, seconds, warmup, rootEvery, delivery, interval, outOfOrderness);
    } finally {
      if (stack != null) {
        stack.down();
      }
    }
    System.exit(0);
  }

  private static void run(
      String bootstrap,
      Path work,
      int rate,
      int seconds,
      int warmup,
      int rootEvery,
      String delivery,
      String interval,
      String outOfOrderness)
      throws Exception {
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    String yaml =
        """
        job: {name: %1$s, parallelism: 2}
        kafka:
          bootstrap_servers: %2$s
          group_id: %1$s
          starting_offsets: latest
          alerts_delivery: %3$s
          transactional_id_prefix: %1$s
          transaction_timeout: 5m
          create_topics: {partitions: 4}
          topics:
            raw: {%1$s.raw.vault: vault}
            events: %1$s.events
            dead_letter: %1$s.deadletter
            alerts: %1$s.alerts
        watermarks: {out_of_orderness: %4$s, idleness: 5s}
        checkpoints: {interval: %5$s, timeout: 1m, storage: %6$s}
        """
            .formatted(prefix, bootstrap, delivery, outOfOrderness, interval, work.resolve("cp"));
    VigilConfig config = VigilConfigLoader.parse("benchmark.yaml", yaml, work);
    String rawTopic = prefix + ".raw.vault";

    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();

    try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
      Thread.sleep(5_000); // the source has its partitions
      // The warm-up counts from the first record sent, not from the start of the job.
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
      Thread reader =
          new Thread(
              () -> readAlerts(bootstrap, prefix + ".alerts", sentAt, latencies, measureFrom, stop),
              "alert-reader");
      reader.start();

      long sent = 0;
      long measuredRoots = 0;
      long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
          long due = start + sent * periodNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          String requestId = UUID.randomUUID().toString();
          boolean root = sent % rootEvery == 0;
          byte[] record = vaultRecord(requestId, root, Instant.now());
          if (root) {
            long now = System.nanoTime();
            sentAt.put(requestId + ":request", now);
            if (now >= measureFrom) {
              measuredRoots++;
            }
          }
          producer.send(new ProducerRecord<>(rawTopic, (int) (sent % 4), null, record));
          sent++;
        }
      }
      double achieved = sent / ((System.nanoTime() - start) / 1e9);
      // Let the last alerts arrive (a checkpoint interval and then some).
      Thread.sleep(
          5_000 + Duration.ofMillis(config.checkpoints().interval().toMillis()).toMillis());
      stop.set(true);
      reader.join(30_000);
      report(delivery, interval, outOfOrderness, achieved, measuredRoots, latencies);
    }
  }

  private static void readAlerts(
      String bootstrap,
      String topic,
      Map<String, Long> sentAt,
      List<Long> latencies,
      long measureFrom,
      AtomicBoolean stop) {
    // No consumer group: partitions assigned by hand, read from the start.
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                10),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          long now = System.nanoTime();
          var alert = AlertJson.read(new String(record.value(), StandardCharsets.UTF_8));
          Long sent = null;
          for (String eventId : alert.eventIds()) {
            Long at = sentAt.get(eventId.replace(":response", ":request"));
            if (at != null) {
              sent = sent == null ? at : Math.max(sent, at);
            }
          }
          if (sent != null && sent >= measureFrom) {
            latencies.add(now - sent);
          }
        }
      }
    }
  }

  private static void report(
      String delivery,
      String interval,
      String outOfOrderness,
      double rate,
      long expected,
      List<Long> latencies) {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      System.out.println("no alerts measured");
      return;
    }
    System.out.printf(
        "delivery=%s checkpoint-interval=%s out-of-orderness=%s rate=%.0f/s alerts=%d of %d"
            + " p50=%dms p90=%dms p99=%dms max=%dms%n",
        delivery,
        interval,
        outOfOrderness,
        rate,
        sorted.size(),
        expected,
        millis(sorted, 0.50),
        millis(sorted, 0.90),
        millis(sorted, 0.99),
        sorted.get(sorted.size() - 1) / 1_000_000);
  }

  private static long millis(List<Long> sorted, double quantile) {
    int index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
    return sorted.get(Math.max(0, index)) / 1_000_000;
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            1),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** A Vault request entry: a KV read by an app role, or a root token's read. */
  static byte[] vaultRecord(String requestId, boolean root, Instant time) {
    String entity = root ? "root-" + requestId : "app-" + (requestId.hashCode() & 63);
    String policies = root ? "[\"root\"]" : "[\"default\",\"app\"]";
    return ("{\"time\":\""
            + time
            + "\",\"type\":\"request\",\"auth\":{\"client_token\":\"hmac-sha256:aa\","
            + "\"accessor\":\"hmac-sha256:bb\",\"display_name\":\"approle\",\"policies\":"
            + policies
            + ",\"token_policies\":"
            + policies
            + ",\"entity_id\":\""
            + entity
            + "\",\"token_type\":\"service\"},\"request\":{\"id\":\""
            + requestId
            + "\",\"operation\":\"read\",\"path\":\"secret/data/app/config\","
            + "\"remote_address\":\"10.0.0.1\",\"namespace\":{\"id\":\"root\"},"
            + "\"mount_type\":\"kv\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
