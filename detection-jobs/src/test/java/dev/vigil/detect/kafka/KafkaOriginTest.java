package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.CollectingOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaOriginTest {

  @Test
  void formatsAndParsesBack() {
    String origin = KafkaOrigin.format("audit.raw.vault", 3, 1_234_567_890_123L);
    assertThat(origin).isEqualTo("kafka:audit.raw.vault/3@1234567890123");
    assertThat(KafkaOrigin.parse(origin))
        .isEqualTo(new KafkaOrigin("audit.raw.vault", 3, 1_234_567_890_123L));
  }

  @Test
  void anEnvelopeMemberParsesToItsRecordsPosition() {
    assertThat(KafkaOrigin.parse("kafka:audit.raw.cloudtrail/0@42#7"))
        .isEqualTo(new KafkaOrigin("audit.raw.cloudtrail", 0, 42));
  }

  @Test
  void otherOriginsAreNotKafka() {
    assertThatThrownBy(() -> KafkaOrigin.parse("/data/vault.log:12"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KafkaOrigin.parse("kafka:t/x@1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDeserializerKeepsTheBytesAndStampsTheOrigin() {
    byte[] invalidUtf8 = {'{', (byte) 0xC3, (byte) 0x28, '}'};
    List<RawRecord> out = new ArrayList<>();
    new RawRecordDeserializer()
        .deserialize(
            new ConsumerRecord<>("audit.raw.gcp", 1, 99L, null, invalidUtf8), collector(out));
    assertThat(out).containsExactly(new RawRecord(invalidUtf8, "kafka:audit.raw.gcp/1@99"));
  }

  @Test
  void aTombstoneBecomesAnEmptyRecordTheNormalizerDeadLettersAsEmpty() {
    List<RawRecord> out = new ArrayList<>();
    new RawRecordDeserializer()
        .deserialize(new ConsumerRecord<>("audit.raw.gcp", 0, 5L, null, null), collector(out));
    assertThat(out).singleElement().satisfies(r -> assertThat(r.bytes()).isEmpty());
    CollectingOutput normalized = new CollectingOutput();
    Normalizer.create().normalize(out.get(0), normalized);
    assertThat(normalized.deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.getReason()).isEqualTo(DeadLetterReason.EMPTY));
  }

  private static Collector<RawRecord> collector(List<RawRecord> out) {
    return new Collector<>() {
      @Override
      public void collect(RawRecord record) {
        out.add(record);
      }

      @Override
      public void close() {}
    };
  }
}
