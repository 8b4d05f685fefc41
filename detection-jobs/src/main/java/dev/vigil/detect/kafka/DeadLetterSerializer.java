package dev.vigil.detect.kafka;

import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.ingest.io.IoProblems;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters to the dead-letter topic (Avro single-object encoding, keyed by origin). A
 * dead letter larger than the topic takes ({@link OutputRecordLimits}) is written with its {@code
 * raw} cut to the longest prefix that fits (ending between characters when it is text), as {@code
 * TOO_LARGE_FOR_SINK}, its message keeping the reason and message it had: a raw record over the
 * normalizer's limit keeps its bytes in its {@code TOO_LARGE} dead letter, and a raw topic whose
 * records arrive compressed can deliver one of any size. Sent whole, it would fail the sink, and
 * the job, on every restart.
 */
final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSerializer.class);
  private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

  private final AvroSingleObjectSerializer<DeadLetter> letters;
  private final String topic;
  private final int maxRecordBytes;
  private transient Counter tooLarge;

  /**
   * @param maxRecordBytes the largest record the topic is sent, as {@link
   *     OutputRecordLimits#sizeOf} counts it
   */
  DeadLetterSerializer(String topic, int maxRecordBytes) {
    this.letters =
        new AvroSingleObjectSerializer<>(topic, DeadLetter.class, letter -> letter.getOrigin());
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
  }

  String topic() {
    return topic;
  }

  @Override
  public void open(InitializationContext context, KafkaSinkContext sinkContext) {
    tooLarge = context.getMetricGroup().counter(TooLargeForSink.METRIC);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    ProducerRecord<byte[], byte[]> record = letters.serialize(letter, context, timestamp);
    int size = OutputRecordLimits.sizeOf(record);
    if (size <= maxRecordBytes) {
      return record;
    }
    // Null in the serializer a TooLargeForSink holds (never opened), which counts the event or
    // alert the dead letter replaces instead.
    if (tooLarge != null) {
      tooLarge.inc();
    }
    Cut cut = cut(letter, context, timestamp);
    LOG.warn(
        "the dead letter of {} is {} bytes, over the {} a record of topic {} may have: written as"
            + " {} with the first {} of its {} raw bytes",
        letter.getOrigin(),
        size,
        maxRecordBytes,
        topic,
        DeadLetterReason.TOO_LARGE_FOR_SINK,
        cut.keptRawBytes(),
        letter.getRaw().remaining());
    return cut.record();
  }

  private record Cut(ProducerRecord<byte[], byte[]> record, int keptRawBytes) {}

  /**
   * As {@code letter}, {@code TOO_LARGE_FOR_SINK}, with as much of its raw record as fits: cut on a
   * character boundary when the whole record is text, so that it stays text, and at the byte when
   * it is not, as OpenSearch's copy is ({@link EventJson#isText}). The message is written first, so
   * the raw bytes fill what is left: the sizes of their length prefixes change with the cut, so the
   * cut is tried again until it fits (twice at most).
   */
  private Cut cut(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    int rawBytes = letter.getRaw().remaining();
    String before =
        letter.getReason() == DeadLetterReason.TOO_LARGE_FOR_SINK
            ? letter.getMessage()
            : letter.getReason() + ": " + letter.getMessage();
    DeadLetter.Builder cut =
        DeadLetter.newBuilder(letter)
            .setReason(DeadLetterReason.TOO_LARGE_FOR_SINK)
            .setMessage(
                before
                    + "; raw holds the first of its "
                    + rawBytes
                    + " bytes only, as many as fit in a record of topic "
                    + topic
                    + " (at most "
                    + maxRecordBytes
                    + " bytes)")
            .setRaw(NO_BYTES);
    int empty = OutputRecordLimits.sizeOf(letters.serialize(cut.build(), context, timestamp));
    int keep = Math.min(rawBytes, Math.max(0, maxRecordBytes - empty));
    boolean text = EventJson.isText(letter.getRaw());
    while (true) {
      if (text) {
        keep = IoProblems.characterBoundary(letter.getRaw(), keep);
      }
      ByteBuffer raw = letter.getRaw().duplicate();
      raw.limit(raw.position() + keep);
      ProducerRecord<byte[], byte[]> record =
          letters.serialize(cut.setRaw(raw.slice()).build(), context, timestamp);
      int over = OutputRecordLimits.sizeOf(record) - maxRecordBytes;
      if (over <= 0 || keep == 0) {
        return new Cut(record, keep);
      }
      keep = Math.max(0, keep - over);
    }
  }
}
