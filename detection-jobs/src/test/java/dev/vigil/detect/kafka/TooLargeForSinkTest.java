package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.job.AlertRecord;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.rules.Alert;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kafka sinks never send a record larger than its topic takes: an event or an alert too large
 * goes to the dead-letter topic, a dead letter too large keeps as much of its raw record as fits.
 */
class TooLargeForSinkTest {

  private static final int LIMIT = OutputRecordLimits.MIN_RECORD_BYTES;
  private static final String EVENTS = "audit.events";
  private static final String DEAD_LETTERS = "audit.deadletter";
  private static final String ALERTS = "audit.alerts";

  private final Map<String, Counter> counters = new HashMap<>();

  @Test
  void anEventThatFitsGoesToTheEventsTopic() throws Exception {
    AuditEvent event = eventWithRaw(LIMIT / 2);
    ProducerRecord<byte[], byte[]> record = open(eventSerializer()).serialize(event, null, null);

    assertThat(record.topic()).isEqualTo(EVENTS);
    assertThat(AuditEvent.getDecoder().decode(record.value())).isEqualTo(event);
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isZero();
  }

  @Test
  void anEventTooLargeForItsTopicBecomesADeadLetterWithItsWholeRawRecord() throws Exception {
    AuditEvent event = eventWithRaw(LIMIT);
    EventSerializer serializer =
        new EventSerializer(EVENTS, LIMIT, new DeadLetterSerializer(DEAD_LETTERS, 2 * LIMIT));
    ProducerRecord<byte[], byte[]> record = open(serializer).serialize(event, null, null);

    assertThat(record.topic()).isEqualTo(DEAD_LETTERS);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(event.getOrigin());
    DeadLetter letter = DeadLetter.getDecoder().decode(record.value());
    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE_FOR_SINK);
    assertThat(StandardCharsets.UTF_8.decode(letter.getRaw()).toString()).isEqualTo(event.getRaw());
    assertThat(letter.getOrigin()).isEqualTo(event.getOrigin());
    assertThat(letter.getSourceGuess()).isEqualTo(Source.VAULT);
    assertThat(letter.getMessage())
        .matches(
            "the event is \\d+ bytes, over the "
                + LIMIT
                + " of a record of topic audit.events \\(event_id big-1\\)");
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isOne();
  }

  @Test
  void anEventTooLargeForBothTopicsKeepsTheStartOfItsRawRecord() throws Exception {
    AuditEvent event = eventWithRaw(3 * LIMIT);
    ProducerRecord<byte[], byte[]> record = open(eventSerializer()).serialize(event, null, null);

    assertThat(record.topic()).isEqualTo(DEAD_LETTERS);
    assertThat(OutputRecordLimits.sizeOf(record)).isLessThanOrEqualTo(LIMIT);
    DeadLetter letter = DeadLetter.getDecoder().decode(record.value());
    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE_FOR_SINK);
    assertThat(letter.getMessage())
        .contains("of a record of topic audit.events (event_id big-1); raw holds the first of its")
        .endsWith(
            "bytes only, as many as fit in a record of topic audit.deadletter (at most 65536 bytes)");
    String kept = StandardCharsets.UTF_8.decode(letter.getRaw()).toString();
    assertThat(event.getRaw()).startsWith(kept);
    assertThat(kept.length()).isGreaterThan(LIMIT - 1024);
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isOne();
  }

  @Test
  void withoutKafkaDeadLettersAnEventTooLargeIsLeftOutOfKafka() throws Exception {
    EventSerializer serializer = open(new EventSerializer(EVENTS, LIMIT, null));
    assertThat(serializer.serialize(eventWithRaw(LIMIT), null, null)).isNull();
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isOne();
  }

  @Test
  void aDeadLetterThatFitsIsWrittenAsItIs() throws Exception {
    DeadLetter letter = tooLarge(LIMIT / 2);
    ProducerRecord<byte[], byte[]> record =
        open(new DeadLetterSerializer(DEAD_LETTERS, LIMIT)).serialize(letter, null, null);

    assertThat(DeadLetter.getDecoder().decode(record.value())).isEqualTo(letter);
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isZero();
  }

  @Test
  void aDeadLetterTooLargeKeepsAsMuchOfItsRawRecordAsFitsAndItsReasonInTheMessage()
      throws Exception {
    DeadLetter letter = tooLarge(5 * LIMIT);
    ProducerRecord<byte[], byte[]> record =
        open(new DeadLetterSerializer(DEAD_LETTERS, LIMIT)).serialize(letter, null, null);

    assertThat(record.topic()).isEqualTo(DEAD_LETTERS);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(letter.getOrigin());
    int size = OutputRecordLimits.sizeOf(record);
    assertThat(size).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 16);
    DeadLetter cut = DeadLetter.getDecoder().decode(record.value());
    assertThat(cut.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE_FOR_SINK);
    assertThat(cut.getMessage())
        .isEqualTo(
            "TOO_LARGE: record is 327680 bytes, over the limit of 8388608; raw holds the first of"
                + " its 327680 bytes only, as many as fit in a record of topic audit.deadletter"
                + " (at most 65536 bytes)");
    byte[] kept = new byte[cut.getRaw().remaining()];
    cut.getRaw().get(kept);
    assertThat(kept).isEqualTo(Arrays.copyOf(letter.getRaw().array(), kept.length));
    assertThat(cut.getOrigin()).isEqualTo(letter.getOrigin());
    assertThat(cut.getSourceGuess()).isEqualTo(letter.getSourceGuess());
    assertThat(cut.getReceivedAt()).isEqualTo(letter.getReceivedAt());
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isOne();
  }

  /**
   * Three-byte characters, and three limits a byte apart so that one of them would end the cut
   * inside a character: the kept start is still text, as OpenSearch's copy of it is.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void aTextDeadLetterTooLargeIsCutBetweenCharacters(int extra) throws Exception {
    String text = "\u20ac".repeat(2 * LIMIT);
    DeadLetter letter =
        DeadLetter.newBuilder(tooLarge(1))
            .setRaw(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))
            .build();
    ProducerRecord<byte[], byte[]> record =
        open(new DeadLetterSerializer(DEAD_LETTERS, LIMIT + extra)).serialize(letter, null, null);

    assertThat(OutputRecordLimits.sizeOf(record)).isLessThanOrEqualTo(LIMIT + extra);
    DeadLetter cut = DeadLetter.getDecoder().decode(record.value());
    byte[] kept = new byte[cut.getRaw().remaining()];
    cut.getRaw().get(kept);
    assertThat(kept.length).isGreaterThan(LIMIT - 1024);
    assertThat(text).startsWith(IoProblems.utf8(kept));
  }

  /**
   * A binary record whose bytes look like UTF-8 characters (0xFF, never UTF-8, then three
   * continuation bytes): it is not text, so it is cut at the byte, keeping exactly as many bytes as
   * fit (as OpenSearch's copy is cut), not stepped back to the next 0xFF. Three limits a byte
   * apart, so that most cuts fall inside such a "character".
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void aBinaryDeadLetterTooLargeKeepsExactlyTheBytesThatFit(int extra) throws Exception {
    byte[] binary = new byte[2 * LIMIT];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i % 4 == 0 ? 0xFF : 0x80);
    }
    DeadLetter letter = DeadLetter.newBuilder(tooLarge(1)).setRaw(ByteBuffer.wrap(binary)).build();
    ProducerRecord<byte[], byte[]> record =
        open(new DeadLetterSerializer(DEAD_LETTERS, LIMIT + extra)).serialize(letter, null, null);

    assertThat(OutputRecordLimits.sizeOf(record)).isEqualTo(LIMIT + extra);
    DeadLetter cut = DeadLetter.getDecoder().decode(record.value());
    byte[] kept = new byte[cut.getRaw().remaining()];
    cut.getRaw().get(kept);
    assertThat(kept).isEqualTo(Arrays.copyOf(binary, kept.length));
  }

  @Test
  void anAlertThatFitsGoesToTheAlertsTopic() throws Exception {
    AlertRecord alert = alertWithGroupValue(LIMIT / 2);
    ProducerRecord<byte[], byte[]> record = open(alertSerializer()).serialize(alert, null, null);

    assertThat(record.topic()).isEqualTo(ALERTS);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(alert.alertId);
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(alert.json);
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isZero();
  }

  @Test
  void anAlertTooLargeForItsTopicBecomesADeadLetterHoldingTheWholeAlert() throws Exception {
    AlertRecord alert = alertWithGroupValue(LIMIT);
    ProducerRecord<byte[], byte[]> record = open(alertSerializer()).serialize(alert, null, null);

    assertThat(record.topic()).isEqualTo(DEAD_LETTERS);
    assertThat(new String(record.key(), StandardCharsets.UTF_8))
        .isEqualTo("alert:" + alert.alertId);
    DeadLetter letter = DeadLetter.getDecoder().decode(record.value());
    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE_FOR_SINK);
    assertThat(StandardCharsets.UTF_8.decode(letter.getRaw()).toString()).isEqualTo(alert.json);
    assertThat(letter.getOrigin()).isEqualTo("alert:" + alert.alertId);
    assertThat(letter.getSourceGuess()).isNull();
    assertThat(letter.getMessage())
        .matches(
            "the alert is \\d+ bytes, over the "
                + LIMIT
                + " of a record of topic audit.alerts \\(alert_id "
                + alert.alertId
                + ", rule raw-group\\)");
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isOne();
  }

  @Test
  void withoutKafkaDeadLettersAnAlertTooLargeIsLeftOutOfKafka() throws Exception {
    AlertJsonSerializer serializer = open(new AlertJsonSerializer(ALERTS, LIMIT, null));
    assertThat(serializer.serialize(alertWithGroupValue(LIMIT), null, null)).isNull();
    assertThat(counters.get(TooLargeForSink.METRIC).getCount()).isOne();
  }

  @Test
  void theProducersMayWriteTheLargestEventTheNormalizerLetsThrough() {
    assertThat(OutputRecordLimits.MAX_REQUEST_BYTES).isEqualTo(9 * 1024 * 1024);
    assertThat(OutputRecordLimits.limit(OutputRecordLimits.MAX_REQUEST_BYTES, 1_048_588))
        .as("a topic's limit counts the compressed batch: room is left for the codec's framing")
        .isEqualTo(1_048_588 - 2048);
    assertThat(
            OutputRecordLimits.limit(
                OutputRecordLimits.MAX_REQUEST_BYTES, 4 * OutputRecordLimits.MAX_REQUEST_BYTES))
        .isEqualTo(OutputRecordLimits.MAX_REQUEST_BYTES);
  }

  private AlertJsonSerializer alertSerializer() {
    return new AlertJsonSerializer(
        ALERTS, LIMIT, new DeadLetterSerializer(DEAD_LETTERS, 2 * LIMIT));
  }

  /** An alert of a rule grouping by a raw field, whose value is {@code bytes} long. */
  private static AlertRecord alertWithGroupValue(int bytes) {
    Alert alert =
        new Alert(
            "a1e47" + "0".repeat(59),
            "raw-group",
            "raw_group",
            "Raw group",
            1,
            "Vigil tests",
            "raw_group",
            "high",
            Instant.parse("2024-05-01T10:00:00Z"),
            Instant.parse("2024-05-01T10:00:00Z"),
            Instant.parse("2024-05-01T10:00:00Z"),
            Map.of("raw.request.data.blob", "0123456789abcdef".repeat(bytes / 16)),
            List.of("VAULT"),
            List.of("big-1:request"),
            1,
            "Raw group: app update on secret/data/app (VAULT)",
            List.of());
    return AlertRecord.of(alert, 0);
  }

  private EventSerializer eventSerializer() {
    return new EventSerializer(EVENTS, LIMIT, new DeadLetterSerializer(DEAD_LETTERS, LIMIT));
  }

  private <T extends org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<?>>
      T open(T serializer) throws Exception {
    serializer.open(new Context(), null);
    return serializer;
  }

  /** A Vault event whose raw record is {@code bytes} long. */
  private static AuditEvent eventWithRaw(int bytes) {
    String prefix = "{\"type\":\"request\",\"request\":{\"data\":\"";
    String raw = prefix + "a1b2c3d4".repeat(bytes / 8).substring(0, bytes - prefix.length() - 3);
    return AuditEvent.newBuilder(AvroSingleObjectSerializerTest.event("big-1"))
        .setRaw(raw + "\"}}")
        .build();
  }

  private static DeadLetter tooLarge(int bytes) {
    byte[] raw = new byte[bytes];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) ('a' + i % 26);
    }
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw))
        .setReason(DeadLetterReason.TOO_LARGE)
        .setMessage("record is " + bytes + " bytes, over the limit of 8388608")
        .setOrigin("kafka:audit.raw.gcp/1@3")
        .setSourceGuess(Source.GCP_AUDIT)
        .setReceivedAt(Instant.parse("2024-05-01T10:00:00Z"))
        .build();
  }

  /** A sink's context whose counters the test reads. */
  private final class Context implements InitializationContext {
    @Override
    public MetricGroup getMetricGroup() {
      return new UnregisteredMetricsGroup() {
        @Override
        public Counter counter(String name) {
          return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }
      };
    }

    @Override
    public UserCodeClassLoader getUserCodeClassLoader() {
      throw new UnsupportedOperationException();
    }
  }
}
