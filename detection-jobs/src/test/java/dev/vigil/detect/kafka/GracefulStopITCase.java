package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.notify.Receiver;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the job the way Ctrl-C and SIGTERM stop {@code vigil run} ({@link
 * EmbeddedJobRunner.Running#stop}, which the shutdown hook calls) and starting it again from what
 * {@code vigil run} would pick: the alert raised before the stop is not raised, written or paged
 * again, a storm spanning the stop stays one incident (the pager's open group is in the savepoint),
 * and records fed after the restart are judged.
 *
 * <p>No checkpoint completes before the stop (the first is four minutes away), so the final
 * savepoint is the only state the restart can resume from: resuming from nothing would read the
 * alerting record again and page twice. The alerts go out in Kafka transactions (the default), so
 * the first alert is visible to a {@code read_committed} consumer only if the stop committed it.
 */
@RealKafka
class GracefulStopITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void aRestartAfterAGracefulStopPagesNothingTwiceKeepsAStormOneIncidentAndJudgesWhatFollows(
      KafkaEndpoint kafka) throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    Path storage = dir.resolve("checkpoints");
    try (Receiver pagerDuty = Receiver.pagerDuty()) {
      VigilConfig config = config(fixture, storage, pagerDuty);
      String storageUri = config.checkpoints().storage();
      RecordingListener listener = new RecordingListener();

      EmbeddedJobRunner.Stop stop;
      try (EmbeddedJobRunner.Running first = EmbeddedJobRunner.start(config, Optional.empty())) {
        // One record and then silence, as a root token used at night: nothing follows to move
        // event time on, so the page comes only because, while all is silent, the 2 s bound is
        // counted in wall-clock time and the record is judged once the 3 s idleness has passed.
        fixture.produceVault(List.of(rootTokenUse("graceful-stop-0001", "2070-01-01T00:00:00Z")));
        await(() -> pagerDuty.requests().size() >= 1, Duration.ofMinutes(3), "the first page");
        assertThat(ResumePoint.latest(storageUri))
            .as("no checkpoint before the stop: only the savepoint holds what the run did")
            .isEmpty();

        stop = first.stop(listener);
      }

      assertThat(stop).isInstanceOf(EmbeddedJobRunner.Stop.WithSavepoint.class);
      String savepoint = ((EmbeddedJobRunner.Stop.WithSavepoint) stop).path();
      assertThat(savepoint).startsWith(storage.resolve(ResumePoint.SAVEPOINTS).toUri().toString());
      assertThat(listener.heard)
          .containsExactly("savepoint requested within 30s", "stopped: " + stop);
      Optional<ResumePoint> resumeFrom = ResumePoint.latest(storageUri);
      assertThat(resumeFrom)
          .as("the restart resumes from the final savepoint")
          .get()
          .extracting(ResumePoint::kind, ResumePoint::path)
          .containsExactly(ResumePoint.Kind.SAVEPOINT, savepoint);
      List<Alert> committedAtStop = alerts(fixture, 1, Duration.ofSeconds(30));
      assertThat(committedAtStop).as("the stop committed the alert it wrote").hasSize(1);
      String firstAlert = committedAtStop.get(0).alertId();
      assertThat(pageKeys(pagerDuty)).containsExactly(firstAlert);

      try (EmbeddedJobRunner.Running second =
          EmbeddedJobRunner.start(config, resumeFrom.map(ResumePoint::path))) {
        // The same root token 10 s after the first use, within the grouping window: the storm
        // goes on across the stop. After the first run's clock, so not late; judged after one
        // idleness again. It folds into the first alert's group, restored from the savepoint, so
        // no page under a new key: the group's update, due a window after the restart, carries
        // the count to the first alert's incident.
        fixture.produceVault(List.of(rootTokenUse("graceful-stop-0002", "2070-01-01T00:00:10Z")));
        await(() -> pagerDuty.requests().size() >= 2, Duration.ofMinutes(3), "the group update");
        JsonNode update = JSON.readTree(pagerDuty.requests().get(1).body());
        assertThat(update.path("dedup_key").asText()).isEqualTo(firstAlert);
        assertThat(update.at("/payload/custom_details/alert_count").asInt()).isEqualTo(2);

        // Years later (2085): a new incident, paged at once.
        fixture.produceVault(List.of(rootTokenUse("graceful-stop-0003", "2085-06-01T00:00:00Z")));
        await(() -> pagerDuty.requests().size() >= 3, Duration.ofMinutes(3), "the second page");
        // Commits the later alerts' transaction; the checkpoint is newer than the savepoint.
        second.cluster().triggerCheckpoint(second.jobId()).get(2, TimeUnit.MINUTES);
        List<Alert> alerts = alerts(fixture, 3, Duration.ofMinutes(1));
        // A little longer: an alert or page sent twice would arrive now.
        Thread.sleep(3_000);
        alerts = alerts(fixture, 4, Duration.ofSeconds(5));

        assertThat(alerts)
            .extracting(Alert::alertId)
            .doesNotHaveDuplicates()
            .hasSize(3)
            .contains(firstAlert);
        String laterIncident =
            alerts.stream()
                .filter(alert -> alert.time().equals(Instant.parse("2085-06-01T00:00:00Z")))
                .map(Alert::alertId)
                .findFirst()
                .orElseThrow();
        assertThat(pageKeys(pagerDuty))
            .as("the storm across the stop is one incident, the later use another")
            .containsExactly(firstAlert, firstAlert, laterIncident);
        assertThat(ResumePoint.latest(storageUri))
            .as("a checkpoint taken after the restart supersedes the savepoint resumed from")
            .get()
            .extracting(ResumePoint::kind)
            .isEqualTo(ResumePoint.Kind.CHECKPOINT);
      }
    }
  }

  /**
   * A page still being sent when the stop comes, to a destination that answers only after a request
   * timeout longer than {@code final_savepoint_timeout}: the pager's wait at close (which Flink's
   * stop-with-savepoint waits for, since it completes once the tasks have closed) keeps within that
   * timeout, so the stop reports the savepoint it took instead of cancelling the job.
   */
  @Test
  @Timeout(600)
  void aSlowDestinationAtTheStopDoesNotTurnTheFinalSavepointIntoACancel(KafkaEndpoint kafka)
      throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    Path storage = dir.resolve("checkpoints");
    try (Receiver pagerDuty = Receiver.pagerDuty().slow(60_000)) {
      Files.writeString(dir.resolve("pd-routing-key"), "graceful-stop-routing-key\n");
      String sections =
          """
          notify:
            destinations:
              oncall:
                type: pagerduty
                url: %s
                routing_key_file: pd-routing-key
                retry: {request_timeout: 30s}
          """
              .formatted(pagerDuty.uri("/v2/enqueue"));
      VigilConfig config =
          fixture.config(
              dir,
              "interval: 4m\nmin_pause: 4m\ntimeout: 30s\nfinal_savepoint_timeout: 20s\n"
                  + "storage: "
                  + storage,
              "exactly_once",
              sections,
              Duration.ofSeconds(2));
      RecordingListener listener = new RecordingListener();

      EmbeddedJobRunner.Stop stop;
      try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
        fixture.produceVault(List.of(rootTokenUse("slow-stop-0001", "2070-01-01T00:00:00Z")));
        await(() -> pagerDuty.requests().size() >= 1, Duration.ofMinutes(3), "the page sent");
        stop = running.stop(listener);
      }

      assertThat(stop)
          .as("the page in flight is in the savepoint; waiting for it must not cancel the job")
          .isInstanceOf(EmbeddedJobRunner.Stop.WithSavepoint.class);
      assertThat(ResumePoint.latest(config.checkpoints().storage()))
          .get()
          .extracting(ResumePoint::kind)
          .isEqualTo(ResumePoint.Kind.SAVEPOINT);
    }
  }

  /**
   * A stop that comes as soon as the job is submitted, while its JobManager is still being created:
   * the stop waits for the job and its tasks to run, within {@code final_savepoint_timeout}, and
   * then takes the savepoint, instead of cancelling a job that only just started.
   */
  @Test
  @Timeout(600)
  void aStopRightAfterTheSubmissionStillEndsWithTheFinalSavepoint(KafkaEndpoint kafka)
      throws Exception {
    assertAnEarlyStopEndsWithTheFinalSavepoint(kafka, running -> {});
  }

  /**
   * A stop that comes as soon as the job runs (when {@code vigil run} says it started and hands it
   * to its Ctrl-C hook), while some of its tasks are still being deployed and initialized (the
   * exactly-once alerts sink's transactional producer starting): Flink refuses a savepoint until
   * every task runs ("Not all required tasks are currently running"), so the stop waits for that.
   */
  @Test
  @Timeout(600)
  void aStopAsSoonAsTheJobRunsStillEndsWithTheFinalSavepoint(KafkaEndpoint kafka) throws Exception {
    assertAnEarlyStopEndsWithTheFinalSavepoint(
        kafka,
        running ->
            await(
                () -> running.cluster().getJobStatus(running.jobId()).join() == JobStatus.RUNNING,
                Duration.ofMinutes(2),
                "the job running"));
  }

  private void assertAnEarlyStopEndsWithTheFinalSavepoint(
      KafkaEndpoint kafka, BeforeStop beforeStop) throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    Path storage = dir.resolve("checkpoints");
    VigilConfig config =
        fixture.config(
            dir,
            "interval: 4m\nmin_pause: 4m\ntimeout: 30s\nstorage: " + storage,
            "exactly_once",
            "",
            Duration.ofSeconds(2));
    RecordingListener listener = new RecordingListener();

    EmbeddedJobRunner.Stop stop;
    try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
      beforeStop.accept(running);
      stop = running.stop(listener);
    }

    assertThat(stop).isInstanceOf(EmbeddedJobRunner.Stop.WithSavepoint.class);
    assertThat(listener.heard)
        .containsExactly("savepoint requested within 30s", "stopped: " + stop);
    assertThat(ResumePoint.latest(config.checkpoints().storage()))
        .get()
        .extracting(ResumePoint::kind, ResumePoint::path)
        .containsExactly(
            ResumePoint.Kind.SAVEPOINT, ((EmbeddedJobRunner.Stop.WithSavepoint) stop).path());
  }

  private interface BeforeStop {
    void accept(EmbeddedJobRunner.Running running) throws Exception;
  }

  /**
   * The fixture's topics at exactly-once alerts, a PagerDuty destination at the receiver, grouping
   * alerts within 20 s of event time (and sending a grown count 20 s after the group's last
   * message), and checkpoints no sooner than four minutes after the start (Flink starts the first
   * one at a random point between the least pause and the interval).
   */
  private VigilConfig config(RawTopicsFixture fixture, Path storage, Receiver pagerDuty)
      throws IOException {
    Files.writeString(dir.resolve("pd-routing-key"), "graceful-stop-routing-key\n");
    String sections =
        """
        notify:
          grouping: {window: 20s}
          destinations:
            oncall:
              type: pagerduty
              url: %s
              routing_key_file: pd-routing-key
        """
            .formatted(pagerDuty.uri("/v2/enqueue"));
    return fixture.config(
        dir,
        "interval: 4m\nmin_pause: 4m\ntimeout: 30s\nstorage: " + storage,
        "exactly_once",
        sections,
        Duration.ofSeconds(2));
  }

  /** A Vault request by a root token: one critical {@code root_token_use} alert. */
  private static String rootTokenUse(String requestId, String time) {
    return vaultRequest(requestId, time, "root", "update", "sys/mounts/kv-new");
  }

  private static String vaultRequest(
      String requestId, String time, String policy, String operation, String path) {
    return ("{\"time\":\"%s\",\"type\":\"request\",\"auth\":{\"accessor\":\"hmac-sha256:11aa\","
            + "\"display_name\":\"%s\",\"policies\":[\"%s\"],\"token_policies\":[\"%s\"],"
            + "\"token_type\":\"service\"},\"request\":{\"id\":\"%s\",\"operation\":\"%s\","
            + "\"mount_type\":\"system\",\"namespace\":{\"id\":\"root\"},\"path\":\"%s\","
            + "\"remote_address\":\"10.20.0.5\"}}")
        .formatted(time, policy, policy, policy, requestId, operation, path);
  }

  /** The committed alerts, read until {@code atLeast} are there or the time is up. */
  private static List<Alert> alerts(RawTopicsFixture fixture, int atLeast, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records =
        fixture.readUntil(fixture.alertsTopic(), timeout, read -> read.size() >= atLeast);
    return records.stream()
        .map(record -> AlertJson.read(new String(record.value(), StandardCharsets.UTF_8)))
        .toList();
  }

  /** The dedup key of every page, in the order they came: PagerDuty's key is the alert id. */
  private static List<String> pageKeys(Receiver pagerDuty) throws IOException {
    List<String> keys = new ArrayList<>();
    for (Receiver.Request request : pagerDuty.requests()) {
      keys.add(JSON.readTree(request.body()).path("dedup_key").asText());
    }
    return keys;
  }

  private static void await(BooleanSupplier done, Duration timeout, String what)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    assertThat(done.getAsBoolean()).as(what + " within " + timeout).isTrue();
  }

  /** What the shutdown hook's listener is told, in order. */
  private static final class RecordingListener implements EmbeddedJobRunner.StopListener {
    final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void savepointRequested(Duration timeout) {
      heard.add("savepoint requested within " + timeout.toSeconds() + "s");
    }

    @Override
    public void stopped(EmbeddedJobRunner.Stop stop) {
      heard.add("stopped: " + stop);
    }
  }
}
