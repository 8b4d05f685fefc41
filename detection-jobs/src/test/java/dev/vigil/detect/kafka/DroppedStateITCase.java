package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint taken with the exactly-once Kafka alerts sink, resumed by a configuration without it
 * (sinks.kafka.alerts: false, the alerts going to files instead): the restore is refused, before
 * anything is said to run, with the sink named in vigil.yaml's terms from Flink's operator hash;
 * allowed to drop that state, the job resumes and runs.
 */
@RealKafka
class DroppedStateITCase {

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void aResumeWithoutASinkNamesItAndGoesOnOnlyWhenAllowedToDropItsState(KafkaEndpoint kafka)
      throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    String checkpoints =
        "interval: 4m\nmin_pause: 4m\ntimeout: 30s\nstorage: " + dir.resolve("checkpoints");
    VigilConfig withKafkaAlerts =
        fixture.config(dir, checkpoints, "exactly_once", "", Duration.ofSeconds(2));
    VigilConfig withoutKafkaAlerts =
        fixture.config(
            dir,
            checkpoints,
            "exactly_once",
            "sinks:\n  kafka:\n    alerts: false\n  files:\n    directory: out\n",
            Duration.ofSeconds(2));

    EmbeddedJobRunner.Stop stop;
    try (EmbeddedJobRunner.Running first =
        EmbeddedJobRunner.start(withKafkaAlerts, Optional.empty())) {
      fixture.produceVault(List.of(vaultRead("dropped-state-0001")));
      assertThat(fixture.readUntil(fixture.eventsTopic(), Duration.ofMinutes(3), r -> !r.isEmpty()))
          .isNotEmpty();
      stop = first.stop(new Silent());
    }
    assertThat(stop).isInstanceOf(EmbeddedJobRunner.Stop.WithSavepoint.class);
    String savepoint = ((EmbeddedJobRunner.Stop.WithSavepoint) stop).path();

    List<URI> started = new CopyOnWriteArrayList<>();
    JobResult refused;
    try (EmbeddedJobRunner.ShutdownStop shutdownStop =
        EmbeddedJobRunner.ShutdownStop.install(new Silent())) {
      refused =
          EmbeddedJobRunner.run(
              withoutKafkaAlerts,
              JobPreflight.check(withoutKafkaAlerts),
              Optional.of(savepoint),
              false,
              started::add,
              status -> {},
              shutdownStop);
    }

    assertThat(started).as("nothing said to run before the restore").isEmpty();
    assertThat(refused.getApplicationStatus().deriveJobStatus()).isEqualTo(JobStatus.FAILED);
    Throwable cause =
        refused
            .getSerializedThrowable()
            .orElseThrow()
            .deserializeError(getClass().getClassLoader());
    assertThat(DroppedState.describe(cause)).contains("alerts-kafka (sinks.kafka.alerts)");

    try (EmbeddedJobRunner.Running allowed =
        EmbeddedJobRunner.start(
            withoutKafkaAlerts,
            JobPreflight.check(withoutKafkaAlerts),
            Optional.of(savepoint),
            true)) {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      JobStatus status = allowed.cluster().getJobStatus(allowed.jobId()).get();
      while (status != JobStatus.RUNNING && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
        status = allowed.cluster().getJobStatus(allowed.jobId()).get();
      }
      assertThat(status).isEqualTo(JobStatus.RUNNING);
    }
  }

  private static String vaultRead(String requestId) {
    return ("{\"time\":\"2070-01-01T00:00:00Z\",\"type\":\"request\",\"auth\":{\"accessor\":"
            + "\"hmac-sha256:11aa\",\"display_name\":\"app\",\"policies\":[\"default\"],"
            + "\"token_policies\":[\"default\"],\"token_type\":\"service\"},\"request\":{\"id\":"
            + "\"%s\",\"operation\":\"read\",\"mount_type\":\"kv\",\"namespace\":{\"id\":\"root\"},"
            + "\"path\":\"kv/data/app\",\"remote_address\":\"10.20.0.5\"}}")
        .formatted(requestId);
  }

  private static final class Silent implements EmbeddedJobRunner.StopListener {
    @Override
    public void savepointRequested(Duration timeout) {}

    @Override
    public void stopped(EmbeddedJobRunner.Stop stop) {}
  }
}
