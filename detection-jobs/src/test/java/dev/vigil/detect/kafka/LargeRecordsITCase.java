package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw records over Kafka's 1 MiB default, which a shipper's compressed batches bring through a raw
 * topic that takes 1 MiB: each ends as an event or a dead letter, and the job goes on to the record
 * after them. Sent as it is, such an event is refused by the producer (1 MiB by default) or the
 * topic, the sink fails the job, and every restart reads the same record again.
 *
 * <p>Restarts are off, so a sink that fails ends the job at once instead of hiding in a restart.
 */
@RealKafka
class LargeRecordsITCase {

  private static final int BIG_BYTES = 1_500_000;
  private static final int HUGE_BYTES = 9_600_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void onTopicsTheJobCreatesABigRecordIsAnEventAndOneOverTheNormalizersLimitADeadLetter(
      KafkaEndpoint kafka) throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    VigilConfig config = config(fixture);

    try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
      assertThat(maxMessageBytes(kafka, fixture.eventsTopic()))
          .isEqualTo(OutputRecordLimits.MAX_REQUEST_BYTES);
      assertThat(maxMessageBytes(kafka, fixture.deadLetterTopic()))
          .isEqualTo(OutputRecordLimits.MAX_REQUEST_BYTES);
      String big = vaultUpdate("large-big-1", BIG_BYTES);
      String huge = vaultUpdate("large-huge-1", HUGE_BYTES);
      fixture.produceCompressed(
          fixture.rawTopic("vault"),
          "lz4",
          List.of(bytes(big), bytes(huge), bytes(vaultUpdate("large-small-1", 1000))));

      List<AuditEvent> events = eventsUntil(fixture, "large-small-1:request");
      assertThat(events)
          .extracting(AuditEvent::getEventId)
          .containsExactly("large-big-1:request", "large-small-1:request");
      assertThat(events.get(0).getRaw()).isEqualTo(big);

      DeadLetter letter = deadLetters(fixture, 1).get(0);
      assertThat(letter.getOrigin()).isEqualTo("kafka:" + fixture.rawTopic("vault") + "/0@1");
      assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE_FOR_SINK);
      assertThat(letter.getMessage())
          .startsWith("TOO_LARGE: record is " + huge.length() + " bytes, over the limit of")
          .contains("raw holds the first of its " + huge.length() + " bytes only");
      String kept = StandardCharsets.UTF_8.decode(letter.getRaw()).toString();
      assertThat(huge).startsWith(kept);
      assertThat(kept.length()).isGreaterThan(OutputRecordLimits.MAX_REQUEST_BYTES - 32 * 1024);
      assertThat(running.cluster().getJobStatus(running.jobId()).get(30, TimeUnit.SECONDS))
          .isEqualTo(JobStatus.RUNNING);
    }
  }

  @Test
  @Timeout(600)
  void onTopicsKeptAtKafkasDefaultABigEventBecomesADeadLetterCutToFit(KafkaEndpoint kafka)
      throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    try (Admin admin = admin(kafka)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(fixture.eventsTopic(), RawTopicsFixture.PARTITIONS, (short) 1),
                  new NewTopic(fixture.deadLetterTopic(), RawTopicsFixture.PARTITIONS, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    VigilConfig config = config(fixture);

    try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
      int topicLimit = maxMessageBytes(kafka, fixture.eventsTopic());
      assertThat(topicLimit).isLessThan(BIG_BYTES);
      String big = vaultUpdate("default-big-1", BIG_BYTES);
      fixture.produceCompressed(
          fixture.rawTopic("vault"),
          "gzip",
          List.of(bytes(big), bytes(vaultUpdate("default-small-1", 1000))));

      assertThat(eventsUntil(fixture, "default-small-1:request"))
          .extracting(AuditEvent::getEventId)
          .containsExactly("default-small-1:request");
      DeadLetter letter = deadLetters(fixture, 1).get(0);
      assertThat(letter.getOrigin()).isEqualTo("kafka:" + fixture.rawTopic("vault") + "/0@0");
      assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE_FOR_SINK);
      assertThat(letter.getMessage())
          .startsWith("the event is ")
          .contains(" of a record of topic " + fixture.eventsTopic() + " (event_id default-big-1")
          .contains("raw holds the first of its " + big.length() + " bytes only");
      String kept = StandardCharsets.UTF_8.decode(letter.getRaw()).toString();
      assertThat(big).startsWith(kept);
      assertThat(kept.length()).isBetween(topicLimit - 8 * 1024, topicLimit);
      assertThat(running.cluster().getJobStatus(running.jobId()).get(30, TimeUnit.SECONDS))
          .isEqualTo(JobStatus.RUNNING);
    }
  }

  /** A custom rule that groups Vault updates by a raw field: its alerts carry that value whole. */
  private static final String RAW_GROUP_RULE =
      """
      title: Update of a blob
      id: 0b0c0a55-0000-4000-8000-0000000000b1
      name: test_blob_update
      status: test
      description: An update, one alert per distinct blob.
      author: Vigil tests
      date: 2025-01-15
      level: high
      logsource:
        product: hashicorp
        service: vault
      detection:
        selection:
          action: update
        condition: selection
      suppress:
        period: 1h
        by: [raw.request.data.blob]
      """;

  /**
   * An alert larger than the alerts topic takes (Kafka's default 1 MiB here), from a rule grouping
   * by a raw field that holds 1.5 MB, goes to the dead-letter topic whole, in the alerts'
   * transaction, and the job goes on to the next alert. Sent as it is, the broker refuses it, the
   * sink fails the job, and every restart writes it again.
   */
  @Test
  @Timeout(600)
  void anAlertTooLargeForTheAlertsTopicBecomesADeadLetterHoldingIt(KafkaEndpoint kafka)
      throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    try (Admin admin = admin(kafka)) {
      admin
          .createTopics(
              List.of(new NewTopic(fixture.alertsTopic(), RawTopicsFixture.PARTITIONS, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rules.resolve("blob.yml"), RAW_GROUP_RULE);
    VigilConfig config =
        fixture.config(
            dir,
            "timeout: 1m\ninterval: 1s\nrestart_attempts: 0\nstorage: "
                + dir.resolve("checkpoints"),
            "exactly_once",
            "rules:\n  path: " + rules + "\n",
            Duration.ofSeconds(1));

    try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
      assertThat(maxMessageBytes(kafka, fixture.alertsTopic())).isLessThan(BIG_BYTES);
      String big = vaultUpdate("alert-big-1", BIG_BYTES);
      String small = vaultUpdate("alert-small-1", 1000);
      fixture.produceCompressed(
          fixture.rawTopic("vault"), "lz4", List.of(bytes(big), bytes(small)));

      List<JsonNode> alerts = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> record :
          fixture.readUntil(
              fixture.alertsTopic(), Duration.ofMinutes(3), read -> !read.isEmpty())) {
        alerts.add(MAPPER.readTree(record.value()));
      }
      assertThat(alerts)
          .as("the small record's alert, written after the big one's")
          .singleElement()
          .satisfies(
              a -> assertThat(a.at("/event_ids/0").asText()).isEqualTo("alert-small-1:request"));

      DeadLetter letter = deadLetters(fixture, 1).get(0);
      assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE_FOR_SINK);
      JsonNode alert = MAPPER.readTree(StandardCharsets.UTF_8.decode(letter.getRaw()).toString());
      assertThat(alert.get("rule_name").asText()).isEqualTo("test_blob_update");
      assertThat(alert.at("/event_ids/0").asText()).isEqualTo("alert-big-1:request");
      assertThat(alert.get("group").get("raw.request.data.blob").asText())
          .hasSizeGreaterThan(BIG_BYTES - 1000);
      String alertId = alert.get("alert_id").asText();
      assertThat(letter.getOrigin()).isEqualTo("alert:" + alertId);
      assertThat(letter.getMessage())
          .matches(
              "the alert is \\d+ bytes, over the \\d+ of a record of topic "
                  + Pattern.quote(fixture.alertsTopic())
                  + " \\(alert_id "
                  + alertId
                  + ", rule 0b0c0a55-0000-4000-8000-0000000000b1\\)");
      assertThat(running.cluster().getJobStatus(running.jobId()).get(30, TimeUnit.SECONDS))
          .isEqualTo(JobStatus.RUNNING);
    }
  }

  private VigilConfig config(RawTopicsFixture fixture) {
    return fixture.config(
        dir,
        "interval: 1s\nrestart_attempts: 0\nstorage: " + dir.resolve("checkpoints"),
        "at_least_once");
  }

  /** A Vault update whose record is about {@code bytes} long, most of it one (HMAC'd) value. */
  private static String vaultUpdate(String requestId, int bytes) {
    return ("{\"time\":\"2024-05-01T10:00:00.000Z\",\"type\":\"request\",\"auth\":{\"accessor\":"
            + "\"hmac-sha256:11aa\",\"display_name\":\"app\",\"policies\":[\"default\"],"
            + "\"token_policies\":[\"default\"],\"token_type\":\"service\"},\"request\":{\"id\":"
            + "\"%s\",\"operation\":\"update\",\"mount_type\":\"kv\",\"namespace\":{\"id\":"
            + "\"root\"},\"path\":\"secret/data/app\",\"remote_address\":\"10.20.0.5\","
            + "\"data\":{\"blob\":\"hmac-sha256:%s\"}}}")
        .formatted(requestId, "0123456789abcdef".repeat(Math.max(1, bytes / 16)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The events topic, read until the event {@code lastId} is there. */
  private static List<AuditEvent> eventsUntil(RawTopicsFixture fixture, String lastId)
      throws Exception {
    return RawTopicsFixture.decodeEvents(
        fixture.readUntil(
            fixture.eventsTopic(),
            Duration.ofMinutes(3),
            read ->
                read.stream()
                    .anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals(lastId))));
  }

  private static List<DeadLetter> deadLetters(RawTopicsFixture fixture, int count)
      throws Exception {
    List<DeadLetter> letters =
        RawTopicsFixture.decodeDeadLetters(
            fixture.readUntil(
                fixture.deadLetterTopic(), Duration.ofMinutes(1), read -> read.size() >= count));
    assertThat(letters).hasSize(count);
    return letters;
  }

  private static Admin admin(KafkaEndpoint kafka) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static int maxMessageBytes(KafkaEndpoint kafka, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try (Admin admin = admin(kafka)) {
      return Integer.parseInt(
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(resource)
              .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
              .value());
    }
  }
}
