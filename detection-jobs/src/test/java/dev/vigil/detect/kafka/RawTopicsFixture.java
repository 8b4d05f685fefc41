package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.DetectOptions;
import dev.vigil.detect.DetectSummary;
import dev.vigil.detect.EmbeddedDetection;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.RecordSplitter;
import dev.vigil.rules.AlertJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the Kafka ITCases share: the shared corpus of all four sources as raw records, a handful of
 * bad records, a config on fresh topics, producing and reading back, and the expected result,
 * computed by the bounded file run of the same records (the job's promise: same records, same
 * alerts).
 *
 * <p>Event time: the corpus spans years (2014 to 2026) and is not in order, so the runs use an
 * out-of-orderness of twenty years: nothing is late, in either run, whatever the partitioning and
 * whichever file the bounded run's readers take first ({@link #expected} checks it: a late record
 * is judged at the watermark, so its alerts would depend on read order). Two "pusher" records dated
 * 2100, one per partition of the Vault topic, move the unbounded run's watermark past every window
 * once every other partition has gone idle, as the end of a file does for the bounded run.
 */
final class RawTopicsFixture {

  static final Duration OUT_OF_ORDERNESS = Duration.ofDays(7300);
  static final int PARTITIONS = 2;
  static final String PUSHER_ID_PREFIX = "00000000-0000-0000-0000-00000000000";
  static final Map<String, String> FOLDER_TOPICS =
      Map.of("vault", "vault", "cloudtrail", "cloudtrail", "azure", "azure", "gcp", "gcp");

  /** The expected result of the file run; computed once per JVM (it takes a while). */
  private static Expected expected;

  /**
   * @param eventIds the distinct ids of the corpus's events (the same record may occur twice, and
   *     CloudTrail envelopes hold many)
   * @param eventJson every event of the file run (the corpus alone), in {@code EventJson} form
   */
  record Expected(
      List<String> alertIds,
      List<String> alertJson,
      Set<String> eventIds,
      int deadLetters,
      List<String> eventJson) {}

  final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
  final String bootstrap;

  RawTopicsFixture(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  String rawTopic(String source) {
    return prefix + ".raw." + source;
  }

  String eventsTopic() {
    return prefix + ".events";
  }

  String deadLetterTopic() {
    return prefix + ".deadletter";
  }

  String alertsTopic() {
    return prefix + ".alerts";
  }

  /** vigil.yaml for these topics, with a checkpoint timeout of one minute. */
  VigilConfig config(Path dir, String checkpoints, String alertsDelivery) {
    return config(dir, "timeout: 1m\n" + checkpoints, alertsDelivery, "");
  }

  /**
   * vigil.yaml for these topics; {@code checkpoints} is the whole checkpoints section and {@code
   * sections} adds further top-level sections.
   */
  VigilConfig config(Path dir, String checkpoints, String alertsDelivery, String sections) {
    return config(dir, checkpoints, alertsDelivery, sections, OUT_OF_ORDERNESS);
  }

  /** As above, with {@code outOfOrderness} as the watermarks' bound instead of the fixture's. */
  VigilConfig config(
      Path dir,
      String checkpoints,
      String alertsDelivery,
      String sections,
      Duration outOfOrderness) {
    return config(dir, checkpoints, alertsDelivery, sections, outOfOrderness, bootstrap, "");
  }

  /**
   * As above, for a job that reaches the broker at {@code jobBootstrap} with {@code security} as
   * the body of {@code kafka.security} (the fixture itself keeps to its own listener).
   */
  VigilConfig config(
      Path dir,
      String checkpoints,
      String alertsDelivery,
      String sections,
      Duration outOfOrderness,
      String jobBootstrap,
      String security) {
    String yaml =
        """
        job:
          name: %1$s
          parallelism: 2
        kafka:
          bootstrap_servers: %2$s
          group_id: %1$s
          starting_offsets: earliest
          partition_discovery: 1s
          alerts_delivery: %3$s
          transactional_id_prefix: %1$s-alerts
          transaction_timeout: 5m
          create_topics:
            partitions: %4$d
          topics:
            raw:
              %1$s.raw.vault: vault
              %1$s.raw.cloudtrail: aws_cloudtrail
              %1$s.raw.azure: azure_monitor
              %1$s.raw.gcp: gcp_audit
            events: %1$s.events
            dead_letter: %1$s.deadletter
            alerts: %1$s.alerts
          security:
        %8$s
        watermarks:
          out_of_orderness: %7$ds
          idleness: 3s
        checkpoints:
        %5$s
        %6$s
        """
            .formatted(
                prefix,
                jobBootstrap,
                alertsDelivery,
                PARTITIONS,
                checkpoints.indent(2),
                sections,
                outOfOrderness.toSeconds(),
                security.isEmpty()
                    ? "    protocol: PLAINTEXT"
                    : security.indent(4).stripTrailing());
    return VigilConfigLoader.parse("it-vigil.yaml", yaml, dir);
  }

  /** The corpus records of each folder, split as the file run splits them. */
  static Map<String, List<RawRecord>> corpus() throws IOException {
    Map<String, List<RawRecord>> records = new LinkedHashMap<>();
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      List<RawRecord> list = new ArrayList<>();
      for (Path file : CorpusRun.files(folder)) {
        try (InputStream in = Files.newInputStream(file)) {
          new RecordSplitter(
                  file.getFileName().toString(), NormalizerLimits.DEFAULTS.maxRecordBytes())
              .split(in, list::add);
        }
      }
      records.put(folder, list);
    }
    return records;
  }

  /** Two benign Vault reads dated 2100, one per Vault partition. */
  static List<String> pushers() {
    List<String> pushers = new ArrayList<>();
    for (int i = 0; i < PARTITIONS; i++) {
      pushers.add(
          "{\"time\":\"2100-01-01T00:00:0"
              + i
              + ".000Z\",\"type\":\"request\",\"auth\":{\"client_token\":\"hmac-sha256:aa\","
              + "\"accessor\":\"hmac-sha256:bb\",\"display_name\":\"pusher\",\"policies\":"
              + "[\"default\"],\"token_policies\":[\"default\"],\"entity_id\":\"pusher\","
              + "\"token_type\":\"service\"},\"request\":{\"id\":\""
              + PUSHER_ID_PREFIX
              + i
              + "\",\"operation\":\"read\",\"path\":\"sys/health\",\"remote_address\":\"10.9.9.9\","
              + "\"namespace\":{\"id\":\"root\"}}}");
    }
    return pushers;
  }

  /** The bounded file run over the corpus and the pushers. */
  static synchronized Expected expected(Path dir) throws Exception {
    if (expected != null) {
      return expected;
    }
    Path alerts = dir.resolve("expected-alerts.jsonl");
    Path events = dir.resolve("expected-events.jsonl");
    List<Path> inputs = new ArrayList<>();
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      inputs.add(CorpusRun.corpusDir(folder));
    }
    // No pushers: the end of its input moves the bounded run's watermark past every window. Were
    // they read, the reader that took them would judge every record it read after them late, and
    // which records those are depends on how the readers share the files.
    DetectSummary summary =
        EmbeddedDetection.run(
            DetectOptions.builder()
                .setInputs(inputs)
                .setParallelism(2)
                .setMaxOutOfOrderness(OUT_OF_ORDERNESS)
                .setTimeout(Duration.ofMinutes(5))
                .setAlertsOut(alerts)
                .setEventsOut(events)
                .build());
    assertThat(summary.lateRecords())
        .as("records the file run judged late (the corpus outgrew the out-of-orderness?)")
        .isZero();
    // One line per alert id: the corpus holds some records twice, in different files, and the
    // bounded run reads files one after another, so it may judge the second copy after the first
    // alert's dedup memory has expired and write that alert again, with the same id
    // (AlertDeduplicator: consumers keyed by alert_id absorb it). Which alerts repeat depends on
    // read order; what the streaming job must produce is each distinct alert.
    Map<String, String> byId = new TreeMap<>();
    for (String line : Files.readAllLines(alerts)) {
      byId.putIfAbsent(AlertJson.read(line).alertId(), line);
    }
    List<String> json = List.copyOf(byId.values());
    List<String> ids = List.copyOf(byId.keySet());
    assertThat(ids).as("the file run finds alerts in the corpus").isNotEmpty();
    ObjectMapper mapper = new ObjectMapper();
    Set<String> eventIds = new HashSet<>();
    List<String> eventJson = new ArrayList<>();
    for (String line : Files.readAllLines(events)) {
      eventIds.add(mapper.readTree(line).path("event_id").asText());
      eventJson.add(line);
    }
    expected = new Expected(ids, json, eventIds, (int) summary.deadLetters(), eventJson);
    return expected;
  }

  /** The corpus to each source's topic (records spread over its partitions), and bad records. */
  int produceCorpusAndBadRecords() throws IOException {
    produceCorpus(List.of("vault", "cloudtrail", "azure", "gcp"));
    return produceBadRecords();
  }

  /** The corpus records of these folders to their sources' topics, over the partitions. */
  void produceCorpus(List<String> folders) throws IOException {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    Map<String, List<RawRecord>> corpus = corpus();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (String folder : folders) {
        String topic = rawTopic(FOLDER_TOPICS.get(folder));
        int i = 0;
        for (RawRecord record : corpus.get(folder)) {
          sent.add(
              producer.send(new ProducerRecord<>(topic, i++ % PARTITIONS, null, record.bytes())));
        }
      }
      producer.flush();
    }
    awaitAll(sent);
  }

  /**
   * Malformed JSON, invalid UTF-8, a tombstone, and a CloudTrail record on the Vault topic.
   *
   * @return how many
   */
  int produceBadRecords() {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      sent.add(
          producer.send(new ProducerRecord<>(rawTopic("gcp"), 0, null, bytes("{\"insertId\": "))));
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  rawTopic("azure"), 1, null, new byte[] {'{', (byte) 0xC3, '}'})));
      sent.add(producer.send(new ProducerRecord<>(rawTopic("cloudtrail"), 0, null, null)));
      sent.add(
          producer.send(
              new ProducerRecord<>(rawTopic("vault"), 1, null, bytes(SourceHintsTest.CLOUDTRAIL))));
      producer.flush();
    }
    awaitAll(sent);
    return sent.size();
  }

  void producePushers() {
    produceVault(pushers());
  }

  /** Records to the Vault topic, the i-th to partition {@code i % PARTITIONS}. */
  void produceVault(List<String> records) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < records.size(); i++) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    rawTopic("vault"), i % PARTITIONS, null, bytes(records.get(i)))));
      }
      producer.flush();
    }
    awaitAll(sent);
  }

  /**
   * Records to one partition of a topic, in order, compressed with {@code compression} as a shipper
   * may: a batch the broker takes may then hold records far larger than the topic's {@code
   * max.message.bytes}, which counts the compressed batch.
   */
  void produceCompressed(String topic, String compression, List<byte[]> values) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    Map<String, Object> settings = new HashMap<>(producerSettings());
    settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024);
    settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64 * 1024 * 1024);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (byte[] value : values) {
        sent.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
      }
      producer.flush();
    }
    awaitAll(sent);
  }

  /** Every send acknowledged by the broker: a record the broker refused must fail the test. */
  private static void awaitAll(List<Future<RecordMetadata>> sent) {
    for (Future<RecordMetadata> send : sent) {
      try {
        send.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("a raw record was not written to Kafka", e);
      }
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        producerSettings(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private Map<String, Object> producerSettings() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        8 * 1024 * 1024,
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        60_000);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a topic from the start until {@code done} holds for what was read, or the deadline. */
  List<ConsumerRecord<byte[], byte[]>> readUntil(
      String topic, Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    // No consumer group: the partitions are assigned by hand, so nothing waits for a coordinator.
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(timeout);
      while (!done.test(read) && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(500)).forEach(read::add);
      }
    }
    return read;
  }

  static List<AuditEvent> decodeEvents(List<ConsumerRecord<byte[], byte[]>> records)
      throws IOException {
    BinaryMessageDecoder<AuditEvent> decoder = AuditEvent.getDecoder();
    List<AuditEvent> events = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      events.add(decoder.decode(record.value()));
    }
    return events;
  }

  static List<DeadLetter> decodeDeadLetters(List<ConsumerRecord<byte[], byte[]>> records)
      throws IOException {
    List<DeadLetter> letters = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      letters.add(DeadLetter.getDecoder().decode(record.value()));
    }
    return letters;
  }

  /** What must match between runs: id, key, rule and exact count (not the order of event ids). */
  static String summary(ConsumerRecord<byte[], byte[]> record) {
    String json = new String(record.value(), StandardCharsets.UTF_8);
    String key = new String(record.key(), StandardCharsets.UTF_8);
    assertThat(key).isEqualTo(AlertJson.read(json).alertId());
    return summary(json);
  }

  static String summary(String json) {
    var alert = AlertJson.read(json);
    return alert.alertId()
        + " "
        + alert.ruleId()
        + " "
        + alert.detection()
        + " "
        + alert.eventCount();
  }

  static long distinctKeys(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .map(r -> new String(r.key(), StandardCharsets.UTF_8))
        .distinct()
        .count();
  }
}
