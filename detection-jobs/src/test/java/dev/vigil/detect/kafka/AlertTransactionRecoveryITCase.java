package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.flink.connector.kafka.sink.internal.KafkaCommitter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery commit of the exactly-once alerts sink, on the test broker (formatted as {@code
 * vigil stack} formats its own): the committer of a job restored from a checkpoint commits that
 * checkpoint's transaction with a new producer that resumes the stored producer id and epoch. The
 * transaction may still be open (the job went down between the checkpoint and its commit) or
 * already committed (the usual case); either way the alert must be visible once to {@code
 * read_committed} consumers and the commit must succeed, because a failed recovery commit is what
 * signals a lost transaction. {@code KafkaFailoverITCase} restores such checkpoints too, but checks
 * only the alerts read back, which a refused repeat of a committed transaction does not change.
 */
@RealKafka
class AlertTransactionRecoveryITCase {

  @TempDir Path dir;

  @Test
  @Timeout(180)
  void aRestoredCommitterCommitsTheTransactionTheStoppedJobLeftOpen(KafkaEndpoint kafka)
      throws Exception {
    Sink sink = new Sink(kafka);
    KafkaCommittable committable = sink.precommit("alert-open", false);

    RecordingRequest request = sink.commitAsRestored(committable);

    assertThat(request.failures).as("the recovery commit's failures").isEmpty();
    assertThat(sink.committedKeys()).containsExactly("alert-open");
  }

  /**
   * The usual restore: the checkpoint's transaction was committed when the checkpoint completed,
   * and the restored committer commits it again, which Kafka must accept as a retry. Under
   * transaction protocol 2 the broker bumps the producer epoch at every commit, so the connector's
   * retry (with the epoch it stored) is refused as fenced and logged as a likely data loss: the
   * same error a lost transaction gives, so a real loss could not be told from this one.
   */
  @Test
  @Timeout(180)
  void aRestoredCommitterAcceptsTheTransactionCommittedBeforeTheStop(KafkaEndpoint kafka)
      throws Exception {
    Sink sink = new Sink(kafka);
    KafkaCommittable committable = sink.precommit("alert-committed", true);

    RecordingRequest request = sink.commitAsRestored(committable);

    assertThat(request.failures).as("the recovery commit's failures").isEmpty();
    assertThat(sink.committedKeys()).containsExactly("alert-committed");
  }

  /** The exactly-once alerts sink's producers and committer, as the job configures them. */
  private final class Sink {
    final RawTopicsFixture fixture;
    final VigilConfig config;
    final Properties properties;

    Sink(KafkaEndpoint kafka) {
      fixture = new RawTopicsFixture(kafka.bootstrapServers());
      config = fixture.config(dir, "interval: 1s", "exactly_once");
      TopicSetup.ensureTopics(config.kafka(), config.sinks());
      properties = KafkaConnectors.producerProperties(config.kafka());
      properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }

    /**
     * The writer of the first run: the alert is in a transaction that is flushed when the
     * checkpoint is taken; the checkpoint's commit happened ({@code committed}) or not when the job
     * went down.
     */
    KafkaCommittable precommit(String alertId, boolean committed) {
      String transactionalId = config.kafka().transactionalIdPrefix() + "-0-7";
      FlinkKafkaInternalProducer<byte[], byte[]> writer =
          new FlinkKafkaInternalProducer<>(properties, transactionalId);
      try {
        writer.initTransactions();
        writer.beginTransaction();
        writer.send(
            new ProducerRecord<>(
                fixture.alertsTopic(),
                bytes(alertId),
                bytes("{\"alert_id\":\"" + alertId + "\"}")));
        writer.flush();
        KafkaCommittable committable =
            new KafkaCommittable(
                writer.getProducerId(), writer.getEpoch(), writer.getTransactionalId(), null);
        if (committed) {
          writer.commitTransaction();
        }
        return committable;
      } finally {
        // As a cancelled task closes it: without waiting, so an open transaction stays open.
        writer.close(Duration.ZERO);
      }
    }

    /** The committer of the run restored from the checkpoint commits what the checkpoint holds. */
    RecordingRequest commitAsRestored(KafkaCommittable committable) throws Exception {
      RecordingRequest request = new RecordingRequest(committable);
      try (KafkaCommitter committer =
          new KafkaCommitter(
              properties,
              config.kafka().transactionalIdPrefix(),
              0,
              1,
              false,
              FlinkKafkaInternalProducer::new)) {
        committer.commit(List.of(request));
      }
      return request;
    }

    List<String> committedKeys() {
      List<ConsumerRecord<byte[], byte[]>> alerts =
          fixture.readUntil(fixture.alertsTopic(), Duration.ofSeconds(20), read -> !read.isEmpty());
      return alerts.stream()
          .map(record -> new String(record.key(), StandardCharsets.UTF_8))
          .toList();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A commit request that records how the committer settled it. */
  private static final class RecordingRequest implements Committer.CommitRequest<KafkaCommittable> {
    private final KafkaCommittable committable;
    final List<Throwable> failures = new ArrayList<>();

    RecordingRequest(KafkaCommittable committable) {
      this.committable = committable;
    }

    @Override
    public KafkaCommittable getCommittable() {
      return committable;
    }

    @Override
    public int getNumberOfRetries() {
      return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
      failures.add(t);
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
      failures.add(t);
    }

    @Override
    public void retryLater() {
      failures.add(new IllegalStateException("asked to retry later"));
    }

    @Override
    public void updateAndRetryLater(KafkaCommittable committable) {
      failures.add(new IllegalStateException("asked to retry later with " + committable));
    }

    @Override
    public void signalAlreadyCommitted() {}
  }
}
