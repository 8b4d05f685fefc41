package dev.vigil.detect.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes Avro records to a topic in Avro's single-object encoding ({@code C3 01}, the schema's
 * 8-byte CRC-64-AVRO fingerprint, then the binary record): a consumer that knows the schema (or a
 * set of versions of it) decodes with {@link org.apache.avro.message.BinaryMessageDecoder}, no
 * registry needed, and a record of an unknown schema version fails loudly instead of decoding into
 * garbage.
 *
 * <p>The encoder is built per task on first use (it is not serializable) and reused; it is
 * thread-safe and reuses its buffers, so each record costs one encode and one copy.
 *
 * @param <T> the generated record class
 */
public final class AvroSingleObjectSerializer<T extends SpecificRecord>
    implements KafkaRecordSerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final Class<T> type;
  private final SerializableKey<T> key;
  private transient BinaryMessageEncoder<T> encoder;
  private transient StringSerializer keys;

  /** A key function that Flink can ship to the tasks. */
  public interface SerializableKey<T> extends Function<T, String>, java.io.Serializable {}

  /**
   * @param key the record's Kafka key (partitioning and compaction), or null for none
   */
  public AvroSingleObjectSerializer(String topic, Class<T> type, SerializableKey<T> key) {
    this.topic = topic;
    this.type = type;
    this.key = key;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T record, KafkaSinkContext context, Long timestamp) {
    if (encoder == null) {
      encoder = encoderFor(type);
      keys = new StringSerializer();
    }
    byte[] value;
    try {
      value = encoder.encode(record).array();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a " + type.getSimpleName(), e);
    }
    String recordKey = key == null ? null : key.apply(record);
    // No event-time timestamp: the broker's retention works on record timestamps, and a replay of
    // old records must not be deleted on arrival. The producer stamps the write time.
    return new ProducerRecord<>(
        topic, null, null, recordKey == null ? null : keys.serialize(topic, recordKey), value);
  }

  /** The encoder of a generated class, from its own model and schema. */
  static <T extends SpecificRecord> BinaryMessageEncoder<T> encoderFor(Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    return new BinaryMessageEncoder<>(model, model.getSchema(type));
  }
}
