package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover: the job fails mid-stream after a checkpoint (an injected exception, restarted by the
 * restart strategy), then is cancelled and started again from its last retained checkpoint, and
 * fails once more while its alerts are being written. The alerts read with {@code read_committed}
 * afterwards equal those of the undisturbed file run: none missing, none twice.
 */
@RealKafka
class KafkaFailoverITCase {

  @TempDir Path dir;

  @Test
  @Timeout(900)
  void failureAndCancelRestartGiveTheUndisturbedAlerts(KafkaEndpoint kafka) throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    RawTopicsFixture.Expected expected = RawTopicsFixture.expected(dir);
    Path storage = dir.resolve("checkpoints");
    VigilConfig config =
        fixture.config(
            dir,
            "interval: 1s\nstorage: " + storage + "\nrestart_attempts: 3\nrestart_delay: 1s",
            "exactly_once");
    FailOnceAfterCheckpoint.FAILED.set(false);
    FailOnceAfterCheckpoint.CHECKPOINTED.set(false);
    int bad;

    try (EmbeddedJobRunner.Running first =
        EmbeddedJobRunner.start(
            config,
            Optional.empty(),
            raw ->
                raw.map(new FailOnceAfterCheckpoint<>(100))
                    .returns(raw.getType())
                    .name("fail-once"))) {
      // Half the input, a completed checkpoint, then the rest: the failure comes mid-stream.
      fixture.produceCorpus(List.of("vault", "cloudtrail"));
      Instant deadline = Instant.now().plusSeconds(120);
      while (!FailOnceAfterCheckpoint.CHECKPOINTED.get() && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      assertThat(FailOnceAfterCheckpoint.CHECKPOINTED).as("a checkpoint completed").isTrue();
      fixture.produceCorpus(List.of("azure", "gcp"));
      bad = fixture.produceBadRecords();
      fixture.readUntil(
          fixture.eventsTopic(),
          Duration.ofMinutes(5),
          read -> RawTopicsFixture.distinctKeys(read) >= expected.eventIds().size());
      assertThat(FailOnceAfterCheckpoint.FAILED).as("the injected failure happened").isTrue();
      assertThat(first.cluster().getJobStatus(first.jobId()).get()).isEqualTo(JobStatus.RUNNING);
      // Let a checkpoint cover the whole input, then cancel (the checkpoint is retained).
      Thread.sleep(3_000);
      first.cancel();
    }

    Optional<ResumePoint> retained = ResumePoint.latest(config.checkpoints().storage());
    assertThat(retained)
        .as("a retained checkpoint")
        .get()
        .extracting(ResumePoint::kind)
        .isEqualTo(ResumePoint.Kind.CHECKPOINT);
    Optional<String> checkpoint = retained.map(ResumePoint::path);
    // The restarted job fails once more, at the second pusher: its alerts come from the first
    // pusher, sent just before, so they are in flight (in an open transaction, or not yet out of
    // the detection operator) when it fails, and are emitted again after the restore.
    FailOnceOnMarker.FAILED.set(false);
    try (EmbeddedJobRunner.Running second =
        EmbeddedJobRunner.start(
            config,
            checkpoint,
            raw ->
                raw.map(new FailOnceOnMarker(RawTopicsFixture.PUSHER_ID_PREFIX + "1"))
                    .returns(raw.getType())
                    .name("fail-on-marker"))) {
      fixture.producePushers();
      List<ConsumerRecord<byte[], byte[]>> alerts =
          fixture.readUntil(
              fixture.alertsTopic(),
              Duration.ofMinutes(3),
              read -> read.size() >= expected.alertIds().size());
      Instant settle = Instant.now().plusSeconds(5);
      alerts =
          fixture.readUntil(
              fixture.alertsTopic(),
              Duration.between(Instant.now(), settle),
              read -> read.size() > expected.alertIds().size());
      assertThat(FailOnceOnMarker.FAILED).as("the second injected failure happened").isTrue();
      assertThat(alerts.stream().map(RawTopicsFixture::summary).sorted().toList())
          .doesNotHaveDuplicates()
          .isEqualTo(
              expected.alertJson().stream().map(RawTopicsFixture::summary).sorted().toList());
      assertThat(
              RawTopicsFixture.distinctKeys(
                  fixture.readUntil(
                      fixture.deadLetterTopic(),
                      Duration.ofMinutes(1),
                      read -> RawTopicsFixture.distinctKeys(read) >= expected.deadLetters() + bad)))
          .isEqualTo(expected.deadLetters() + bad);
    }
  }
}
