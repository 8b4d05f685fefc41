package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.Actor;
import dev.vigil.event.ActorType;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.event.Src;
import dev.vigil.event.Target;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroSingleObjectSerializerTest {

  static AuditEvent event(String id) {
    return AuditEvent.newBuilder()
        .setEventId(id)
        .setTime(Instant.parse("2024-05-01T10:00:00.123Z"))
        .setSource(Source.VAULT)
        .setCategory(Category.SECRET_ACCESS)
        .setOcsfClassUid(6003)
        .setAction("read")
        .setOperation("read")
        .setOutcome(Outcome.SUCCESS)
        .setDenied(false)
        .setActor(
            Actor.newBuilder()
                .setId("entity-1")
                .setType(ActorType.USER)
                .setPolicies(List.of("default"))
                .build())
        .setSrc(Src.newBuilder().setIp("10.0.0.1").build())
        .setTarget(Target.newBuilder().setResource("secret/data/app").build())
        .setRaw("{\"type\":\"response\"}")
        .setOrigin("kafka:audit.raw.vault/0@7")
        .build();
  }

  @Test
  void anEventIsWrittenInSingleObjectEncodingKeyedByItsId() throws Exception {
    AuditEvent event = event("req-1:response");
    ProducerRecord<byte[], byte[]> record =
        new AvroSingleObjectSerializer<>("audit.events", AuditEvent.class, AuditEvent::getEventId)
            .serialize(event, null, 1L);

    assertThat(record.topic()).isEqualTo("audit.events");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("req-1:response");
    assertThat(record.timestamp()).isNull();
    byte[] value = record.value();
    // The single-object header: marker C3 01, then the schema's CRC-64-AVRO fingerprint, LE.
    assertThat(value[0]).isEqualTo((byte) 0xC3);
    assertThat(value[1]).isEqualTo((byte) 0x01);
    long fingerprint = SchemaNormalization.parsingFingerprint64(AuditEvent.getClassSchema());
    assertThat(ByteBuffer.wrap(value, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
        .isEqualTo(fingerprint);

    BinaryMessageDecoder<AuditEvent> decoder =
        new BinaryMessageDecoder<>(SpecificData.get(), AuditEvent.getClassSchema());
    assertThat(decoder.decode(value)).isEqualTo(event);
  }

  @Test
  void aDeadLetterKeepsItsBytesAndIsKeyedByOrigin() throws Exception {
    byte[] raw = {'{', (byte) 0xFF, '}'};
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setRaw(ByteBuffer.wrap(raw))
            .setReason(DeadLetterReason.INVALID_UTF8)
            .setMessage("record is not valid UTF-8")
            .setOrigin("kafka:audit.raw.gcp/1@3")
            .setSourceGuess(Source.GCP_AUDIT)
            .setReceivedAt(Instant.parse("2024-05-01T10:00:00Z"))
            .build();
    ProducerRecord<byte[], byte[]> record =
        new AvroSingleObjectSerializer<>(
                "audit.deadletter", DeadLetter.class, DeadLetter::getOrigin)
            .serialize(letter, null, null);

    assertThat(new String(record.key(), StandardCharsets.UTF_8))
        .isEqualTo("kafka:audit.raw.gcp/1@3");
    DeadLetter decoded = DeadLetter.getDecoder().decode(record.value());
    assertThat(decoded).isEqualTo(letter);
    assertThat(decoded.getRaw().array()).containsExactly(raw);
  }

  @Test
  void aDecoderOfAnotherSchemaRefusesTheRecordInsteadOfMisreadingIt() {
    byte[] value =
        new AvroSingleObjectSerializer<>("audit.events", AuditEvent.class, AuditEvent::getEventId)
            .serialize(event("x"), null, null)
            .value();
    assertThatThrownBy(() -> DeadLetter.getDecoder().decode(value))
        .isInstanceOf(MissingSchemaException.class);
  }

  @Test
  void theEncoderIsReusedWithoutSharingBuffersBetweenRecords() {
    AvroSingleObjectSerializer<AuditEvent> serializer =
        new AvroSingleObjectSerializer<>("audit.events", AuditEvent.class, AuditEvent::getEventId);
    byte[] first = serializer.serialize(event("a"), null, null).value();
    byte[] copy = first.clone();
    serializer.serialize(event("b-with-a-longer-id"), null, null);
    assertThat(first).containsExactly(copy);
  }
}
