package dev.vigil.detect.kafka;

import dev.vigil.ingest.NormalizerLimits;
import java.io.Serializable;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The largest record the job writes whole to its output topics, in bytes as Kafka's producer counts
 * a record; a larger one becomes a {@code TOO_LARGE_FOR_SINK} dead letter ({@link EventSerializer},
 * {@link AlertJsonSerializer}, {@link DeadLetterSerializer}) instead of a failed send.
 *
 * <p>Why: the producer refuses a record over its {@code max.request.size} (counted uncompressed),
 * the broker one whose batch is over the topic's {@code max.message.bytes} (counted compressed).
 * Flink's Kafka sink fails the job on either, and the restart from the last checkpoint reads the
 * same raw record again: a job that never gets past it. So each limit here is the smaller of what
 * the producer sends and what the topic takes, found when the job starts ({@link TopicSetup}).
 *
 * @param events for the events topic
 * @param deadLetter for the dead-letter topic
 * @param alerts for the alerts topic
 */
public record OutputRecordLimits(int events, int deadLetter, int alerts) implements Serializable {

  /**
   * The producers' {@code max.request.size} unless {@code kafka.client_properties} sets it: room
   * for the largest event the normalizer lets through, whose {@code raw} is up to its record limit
   * and whose other fields are drawn from that record. An eighth more than the raw record leaves
   * them room (they take under a kilobyte in a typical event); an event that still does not fit is
   * dead-lettered, not lost.
   */
  public static final int MAX_REQUEST_BYTES = maxRequestBytes(NormalizerLimits.DEFAULTS);

  /**
   * The least an output topic and the producers must take for the job to write to Kafka ({@code
   * max.message.bytes}, {@code max.request.size}): a dead letter cut to fit still carries its
   * reason, message and origin, and should keep some of its raw record as evidence.
   */
  public static final int MIN_RECORD_BYTES = 64 * 1024;

  /**
   * The brokers' default {@code message.max.bytes} (1 MiB and a 12-byte log overhead), assumed for
   * a topic whose own {@code max.message.bytes} cannot be read.
   */
  static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

  static int maxRequestBytes(NormalizerLimits limits) {
    return limits.maxRecordBytes() + limits.maxRecordBytes() / 8;
  }

  /**
   * What a record may be, as {@link #sizeOf} counts it, to pass both the producer's check and the
   * topic's. The topic counts the compressed batch, which can be a little larger than the record in
   * it when the record does not compress: every codec frames its blocks (LZ4 4 bytes per 64 KiB,
   * gzip 5, Snappy about 7 per 32 KiB, zstd 3 per 128 KiB, plus a header). A 512th of the topic's
   * limit covers that with room to spare.
   *
   * @param maxRequestBytes the producer's {@code max.request.size}
   * @param topicMaxMessageBytes the topic's {@code max.message.bytes}
   */
  static int limit(int maxRequestBytes, int topicMaxMessageBytes) {
    return Math.min(maxRequestBytes, topicMaxMessageBytes - topicMaxMessageBytes / 512);
  }

  /** A record's size as the producer checks it against {@code max.request.size}. */
  static int sizeOf(ProducerRecord<byte[], byte[]> record) {
    return AbstractRecords.estimateSizeInBytesUpperBound(
        RecordBatch.CURRENT_MAGIC_VALUE,
        CompressionType.NONE,
        record.key(),
        record.value(),
        Record.EMPTY_HEADERS);
  }
}
