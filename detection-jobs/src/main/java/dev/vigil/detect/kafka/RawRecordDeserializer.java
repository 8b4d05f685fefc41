package dev.vigil.detect.kafka;

import dev.vigil.ingest.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A raw topic's record as a {@link RawRecord}: the value's bytes untouched (the normalizer judges
 * them, so invalid UTF-8 or bad JSON becomes a dead letter, not a source failure) and the origin
 * {@code kafka:<topic>/<partition>@<offset>}. A record without a value (a tombstone) becomes an
 * empty raw record, which the normalizer dead-letters: nothing read is dropped unseen.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

  private static final long serialVersionUID = 1L;
  private static final byte[] EMPTY = new byte[0];

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
    byte[] value = record.value();
    out.collect(
        new RawRecord(
            value != null ? value : EMPTY,
            KafkaOrigin.format(record.topic(), record.partition(), record.offset())));
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }
}
