package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.rules.AlertJson;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unbounded job against a real broker: raw records of all four sources on their topics, the job
 * on a MiniCluster at parallelism 2, and its three outputs read back from Kafka: alerts (the same
 * as the bounded file run over the same records, each once), events (decoded by the Avro schema's
 * fingerprint), dead letters for the bad records.
 */
@RealKafka
class KafkaDetectionITCase {

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void rawTopicsToAlertsEventsAndDeadLetters(KafkaEndpoint kafka) throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    RawTopicsFixture.Expected expected = RawTopicsFixture.expected(dir);
    VigilConfig config =
        fixture.config(dir, "interval: 1s\nstorage: " + dir.resolve("cp"), "exactly_once");

    try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
      int bad = fixture.produceCorpusAndBadRecords();

      List<ConsumerRecord<byte[], byte[]>> eventRecords =
          fixture.readUntil(
              fixture.eventsTopic(),
              Duration.ofMinutes(4),
              read -> RawTopicsFixture.distinctKeys(read) >= expected.eventIds().size());
      List<ConsumerRecord<byte[], byte[]>> deadRecords =
          fixture.readUntil(
              fixture.deadLetterTopic(),
              Duration.ofMinutes(1),
              read -> RawTopicsFixture.distinctKeys(read) >= expected.deadLetters() + bad);

      List<AuditEvent> events = RawTopicsFixture.decodeEvents(eventRecords);
      assertThat(events.stream().map(AuditEvent::getEventId).collect(Collectors.toSet()))
          .isEqualTo(expected.eventIds());
      for (int i = 0; i < events.size(); i++) {
        AuditEvent event = events.get(i);
        KafkaOrigin origin = KafkaOrigin.parse(event.getOrigin());
        assertThat(origin.topic()).isEqualTo(fixture.rawTopic(topicOf(event.getSource())));
        assertThat(new String(eventRecords.get(i).key(), StandardCharsets.UTF_8))
            .isEqualTo(event.getEventId());
      }
      assertThat(events.stream().map(AuditEvent::getSource).distinct())
          .containsExactlyInAnyOrder(Source.values());

      List<DeadLetter> deadLetters = RawTopicsFixture.decodeDeadLetters(deadRecords);
      assertThat(deadLetters.stream().map(DeadLetter::getOrigin).distinct().count())
          .isEqualTo(expected.deadLetters() + bad);
      Map<String, DeadLetter> byOrigin =
          deadLetters.stream()
              .collect(Collectors.toMap(DeadLetter::getOrigin, Function.identity(), (a, b) -> a));
      assertThat(byOrigin.values())
          .filteredOn(d -> d.getOrigin().startsWith("kafka:" + fixture.rawTopic("gcp") + "/0@"))
          .extracting(DeadLetter::getReason)
          .contains(DeadLetterReason.MALFORMED_JSON);
      assertThat(byOrigin.values())
          .extracting(DeadLetter::getReason)
          .contains(DeadLetterReason.INVALID_UTF8);
      assertThat(byOrigin.values())
          .filteredOn(d -> d.getOrigin().startsWith("kafka:" + fixture.rawTopic("vault") + "/1@"))
          .filteredOn(d -> d.getSourceGuess() == Source.VAULT)
          .isNotEmpty();
      assertThat(byOrigin.values())
          .filteredOn(d -> d.getOrigin().startsWith("kafka:" + fixture.rawTopic("cloudtrail")))
          .filteredOn(d -> d.getRaw().remaining() == 0)
          .hasSize(1);

      // Every record is in; now move event time past every window.
      fixture.producePushers();
      List<ConsumerRecord<byte[], byte[]>> alerts =
          fixture.readUntil(
              fixture.alertsTopic(),
              Duration.ofMinutes(3),
              read -> read.size() >= expected.alertIds().size());
      // A little longer: a duplicate would arrive now.
      alerts =
          fixture.readUntil(
              fixture.alertsTopic(),
              Duration.ofSeconds(5),
              read -> read.size() > expected.alertIds().size());

      List<String> ids =
          alerts.stream()
              .map(r -> AlertJson.read(new String(r.value(), StandardCharsets.UTF_8)).alertId())
              .sorted()
              .toList();
      assertThat(ids).doesNotHaveDuplicates().isEqualTo(expected.alertIds());
      assertThat(alerts.stream().map(RawTopicsFixture::summary).sorted().toList())
          .isEqualTo(
              expected.alertJson().stream().map(RawTopicsFixture::summary).sorted().toList());
    }
  }

  static String topicOf(Source source) {
    return switch (source) {
      case VAULT -> "vault";
      case AWS_CLOUDTRAIL -> "cloudtrail";
      case AZURE_MONITOR -> "azure";
      case GCP_AUDIT -> "gcp";
    };
  }
}
