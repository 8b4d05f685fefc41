package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.job.AlertRecord;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.RulePack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifySinkTest {

  private static final NotifyConfig CONFIG =
      NotifySections.read(
          Map.of(
              "destinations",
              Map.of(
                  "oncall",
                  Map.of(
                      "type",
                      "pagerduty",
                      "routing_key_file",
                      "/run/secrets/pd",
                      "retry",
                      Map.of("give_up_after", "2m", "request_timeout", "20s")),
                  "siem",
                  Map.of(
                      "type",
                      "webhook",
                      "url",
                      "https://siem.example/hook",
                      "hmac_key_env",
                      "VIGIL_WEBHOOK_KEY"))));

  @Test
  void theSinkTravelsWithTheJobGraphHoldingOnlyReferencesToSecrets() throws Exception {
    NotifySink sink = NotifySink.of(CONFIG, RulePack.builtIn(), Duration.ofMinutes(1));
    byte[] bytes = InstantiationUtil.serializeObject(sink);
    assertThat(InstantiationUtil.<NotifySink>deserializeObject(bytes, getClass().getClassLoader()))
        .isNotNull();
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("/run/secrets/pd", "VIGIL_WEBHOOK_KEY");
  }

  @Test
  void theEndOfTheInputWaitsAtMostForTheSlowestDestinationToGiveUp() {
    // oncall: 2m + 20s; siem: the default 5m + 10s; plus 5s of slack.
    assertThat(NotifySink.drainTime(CONFIG)).isEqualTo(Duration.ofMinutes(5).plusSeconds(15));
  }

  /** Far longer than a test waits: without the pager off the checkpoint path, it would hang. */
  private static final String GIVE_UP = "10m";

  private static final Duration PROMPTLY = Duration.ofSeconds(30);

  /** How long the writers of these tests wait at close for what is in flight. */
  private static final Duration CLOSE_TIME = Duration.ofSeconds(3);

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final PendingPages.Serializer serializer = new PendingPages.Serializer();

  @Test
  void aCheckpointHoldsWhatAFailingDestinationOwesWithoutWaitingAndARestoreDeliversIt()
      throws Exception {
    Alert alert = Alerts.spike(Alerts.id(1), "alice", 0);
    PendingPages checkpointed;
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver failing = new Receiver(500, "")) {
      AlertDispatcher dispatcher = start(config(pagerDuty, failing));
      NotifySink.Writer writer =
          new NotifySink.Writer(dispatcher, Duration.ofMinutes(10), CLOSE_TIME);
      try {
        writer.write(AlertRecord.of(alert, 0), null);
        await(() -> failing.requests().size() >= 2, "the webhook retrying");
        await(() -> delivered(dispatcher, "oncall") == 1, "the page to PagerDuty");
        List<PendingPages> state =
            assertTimeoutPreemptively(
                PROMPTLY,
                () -> {
                  writer.flush(false);
                  return writer.snapshotState(1);
                });
        // PagerDuty has its page: only the webhook's, still in retry, is owed.
        assertThat(state).hasSize(1);
        assertThat(state.get(0).pages())
            .containsExactly(new PendingPages.Page("siem", Notification.trigger(alert)));
        checkpointed =
            serializer.deserialize(serializer.getVersion(), serializer.serialize(state.get(0)));
      } finally {
        assertTimeoutPreemptively(PROMPTLY, writer::close);
      }
    }

    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver recovering = new Receiver(204, "").then(500, Map.of(), "")) {
      NotifySink.Writer writer =
          new NotifySink.Writer(
              start(config(pagerDuty, recovering)), Duration.ofMinutes(1), CLOSE_TIME);
      writer.restore(List.of(checkpointed));
      writer.flush(true);
      writer.close();

      assertThat(pagerDuty.requests()).as("delivered before the checkpoint: not again").isEmpty();
      List<Receiver.Request> requests = recovering.requests();
      assertThat(requests).hasSize(2);
      for (Receiver.Request request : requests) {
        assertThat(request.headers().getFirst("X-Vigil-Alert-Id")).isEqualTo(alert.alertId());
        assertThat(request.headers().getFirst("X-Vigil-Event")).isEqualTo("alert");
        JsonNode body = MAPPER.readTree(request.body());
        assertThat(body.get("type").asText()).isEqualTo("alert");
        assertThat(body.get("alert")).isEqualTo(MAPPER.readTree(AlertJson.toJson(alert)));
        assertThat(body.at("/grouping/alert_count").asInt()).isEqualTo(1);
        assertThat(body.at("/grouping/event_count").asLong()).isEqualTo(12);
      }
    }
  }

  @Test
  void aGrownCountNotSentYetIsHeldAndAfterARestoreUpdatesTheSameIncident() throws Exception {
    Alert first = Alerts.spike(Alerts.id(1), "alice", 0);
    PendingPages checkpointed;
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver webhook = new Receiver(204, "")) {
      AlertDispatcher dispatcher = start(config(pagerDuty, webhook));
      NotifySink.Writer writer =
          new NotifySink.Writer(dispatcher, Duration.ofMinutes(1), CLOSE_TIME);
      writer.write(AlertRecord.of(first, 0), null);
      Alert second = Alerts.spike(Alerts.id(2), "alice", 10);
      writer.write(AlertRecord.of(second, 0), null);
      await(() -> delivered(dispatcher, "oncall") == 1, "the first page");
      await(() -> delivered(dispatcher, "siem") == 1, "the first webhook call");
      // The update is due only a window (5 minutes) after the page: the checkpoint holds it.
      Notification update =
          new Notification(
              Notification.Kind.GROUP_UPDATE,
              first,
              2,
              24,
              Alerts.T0.plusSeconds(10),
              second.summary());
      List<PendingPages> state = writer.snapshotState(1);
      assertThat(state).hasSize(1);
      assertThat(state.get(0).pages())
          .containsExactly(
              new PendingPages.Page("oncall", update), new PendingPages.Page("siem", update));
      // The group is held too, its count counted as sent: the page above carries it.
      assertThat(state.get(0).grouping().groups())
          .singleElement()
          .satisfies(g -> assertThat(g.first()).isEqualTo(first))
          .satisfies(g -> assertThat(g.destinations()).containsExactly("oncall", "siem"))
          .satisfies(g -> assertThat(g.sentCount()).isEqualTo(2).isEqualTo(g.alertCount()));
      checkpointed = state.get(0);
      writer.close();
    }

    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver webhook = new Receiver(204, "")) {
      NotifySink.Writer writer =
          new NotifySink.Writer(
              start(config(pagerDuty, webhook)), Duration.ofMinutes(1), CLOSE_TIME);
      writer.restore(List.of(checkpointed));
      writer.flush(true);
      writer.close();

      assertThat(pagerDuty.requests()).as("the held count, once").hasSize(1);
      JsonNode event = MAPPER.readTree(pagerDuty.requests().get(0).body());
      assertThat(PagerDutyContract.violations(event)).isEmpty();
      assertThat(event.get("event_action").asText()).isEqualTo("trigger");
      assertThat(event.get("dedup_key").asText()).isEqualTo(first.alertId());
      assertThat(event.at("/payload/custom_details/alert_count").asInt()).isEqualTo(2);
      assertThat(event.at("/payload/custom_details/event_count").asLong()).isEqualTo(24);
      assertThat(webhook.requests()).hasSize(1);
      assertThat(webhook.requests().get(0).headers().getFirst("X-Vigil-Event"))
          .isEqualTo("alert_group_update");
      assertThat(webhook.requests().get(0).headers().getFirst("X-Vigil-Alert-Id"))
          .isEqualTo(first.alertId());
    }
  }

  @Test
  void theSinkOperatorCheckpointsWhileADestinationFailsAndResumesItsPagesFromTheState(
      @TempDir Path secrets) throws Exception {
    Files.writeString(secrets.resolve("pd"), AlertDispatcherTest.ROUTING_KEY);
    Files.writeString(secrets.resolve("hmac"), AlertDispatcherTest.HMAC_KEY);
    Alert alert = Alerts.spike(Alerts.id(3), "carol", 0);
    OperatorSubtaskState snapshot;
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver failing = new Receiver(503, "");
        OneInputStreamOperatorTestHarness<AlertRecord, CommittableMessage<Void>> harness =
            harness(fromFiles(config(pagerDuty, failing), secrets))) {
      harness.open();
      harness.processElement(new StreamRecord<>(AlertRecord.of(alert, 0)));
      await(() -> failing.requests().size() >= 2, "the webhook retrying");
      snapshot =
          assertTimeoutPreemptively(
              PROMPTLY,
              () -> {
                harness.prepareSnapshotPreBarrier(1);
                return harness.snapshot(1, 1);
              });
    }
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver recovering = new Receiver(204, "").then(500, Map.of(), "")) {
      try (OneInputStreamOperatorTestHarness<AlertRecord, CommittableMessage<Void>> harness =
          harness(fromFiles(config(pagerDuty, recovering), secrets))) {
        harness.initializeState(snapshot);
        harness.open();
        harness.endInput();
      }
      assertThat(recovering.requests()).hasSize(2);
      assertThat(recovering.requests().get(1).headers().getFirst("X-Vigil-Alert-Id"))
          .isEqualTo(alert.alertId());
      assertThat(
              MAPPER.readTree(recovering.requests().get(1).body()).at("/alert/alert_id").asText())
          .isEqualTo(alert.alertId());
    }
  }

  /**
   * A storm spanning a checkpoint and a restore of the sink operator is one incident: the alert
   * after the restore folds into the group opened before it, so PagerDuty gets no trigger under a
   * new dedup key, only updates of the first alert's incident, the last carrying the whole count.
   */
  @Test
  void aStormSpanningARestoreIsOneIncident(@TempDir Path secrets) throws Exception {
    Files.writeString(secrets.resolve("pd"), AlertDispatcherTest.ROUTING_KEY);
    Files.writeString(secrets.resolve("hmac"), AlertDispatcherTest.HMAC_KEY);
    Alert first = Alerts.spike(Alerts.id(1), "alice", 0);
    Alert second = Alerts.spike(Alerts.id(2), "alice", 10);
    Alert afterRestore = Alerts.spike(Alerts.id(3), "alice", 20);
    OperatorSubtaskState snapshot;
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver webhook = new Receiver(204, "");
        OneInputStreamOperatorTestHarness<AlertRecord, CommittableMessage<Void>> harness =
            harness(fromFiles(config(pagerDuty, webhook), secrets))) {
      harness.open();
      harness.processElement(new StreamRecord<>(AlertRecord.of(first, 0)));
      harness.processElement(new StreamRecord<>(AlertRecord.of(second, 0)));
      await(() -> pagerDuty.requests().size() == 1, "the first page");
      harness.prepareSnapshotPreBarrier(1);
      snapshot = harness.snapshot(1, 1);
      assertThat(MAPPER.readTree(pagerDuty.requests().get(0).body()).get("dedup_key").asText())
          .isEqualTo(first.alertId());
    }
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver webhook = new Receiver(204, "")) {
      try (OneInputStreamOperatorTestHarness<AlertRecord, CommittableMessage<Void>> harness =
          harness(fromFiles(config(pagerDuty, webhook), secrets))) {
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement(new StreamRecord<>(AlertRecord.of(afterRestore, 0)));
        harness.endInput();
      }

      // The count held at the checkpoint (2), then the whole storm's (3), on one incident; the
      // first trigger comes again if its answer had not arrived by the snapshot (same key).
      List<JsonNode> events = AlertDispatcherTest.bodies(pagerDuty);
      assertThat(events).extracting(e -> e.get("dedup_key").asText()).containsOnly(first.alertId());
      assertThat(events)
          .extracting(
              e -> e.at("/payload/custom_details/alert_count").asInt(),
              e -> e.at("/payload/custom_details/event_count").asLong())
          .containsSubsequence(tuple(2, 24L), tuple(3, 36L))
          .last()
          .isEqualTo(tuple(3, 36L));
      events.forEach(e -> assertThat(PagerDutyContract.violations(e)).isEmpty());
      // The sink carries the guidance of the pack it was built from (the built-in spike's).
      events.forEach(
          e ->
              assertThat(e.at("/payload/custom_details/rule_falsepositives/0").asText())
                  .startsWith("A workload retrying"));
      assertThat(events.get(events.size() - 1).at("/payload/summary").asText())
          .startsWith(afterRestore.summary())
          .endsWith("(3 alerts for this group, 36 events)");
      assertThat(webhook.requests())
          .extracting(r -> r.headers().getFirst("X-Vigil-Alert-Id"))
          .containsOnly(first.alertId());
    }
  }

  /**
   * A restored group keeps the destinations its trigger went to, less one vigil.yaml no longer
   * configures: its updates go to the others.
   */
  @Test
  void aRestoredGroupUpdatesOnlyTheDestinationsStillConfigured() throws Exception {
    Alert first = Alerts.spike(Alerts.id(1), "alice", 0);
    PendingPages checkpointed;
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver webhook = new Receiver(204, "")) {
      AlertDispatcher dispatcher = start(config(pagerDuty, webhook));
      NotifySink.Writer writer =
          new NotifySink.Writer(dispatcher, Duration.ofMinutes(1), CLOSE_TIME);
      writer.write(AlertRecord.of(first, 0), null);
      writer.flush(true);
      checkpointed = writer.snapshotState(1).get(0);
      writer.close();
    }
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver webhook = new Receiver(204, "")) {
      Map<String, Map<String, Object>> destinations = config(pagerDuty, webhook);
      destinations.remove("oncall");
      NotifySink.Writer writer =
          new NotifySink.Writer(start(destinations), Duration.ofMinutes(1), CLOSE_TIME);
      writer.restore(List.of(checkpointed));
      writer.write(AlertRecord.of(Alerts.spike(Alerts.id(2), "alice", 10), 0), null);
      writer.flush(true);
      writer.close();

      assertThat(pagerDuty.requests()).isEmpty();
      assertThat(webhook.requests()).singleElement();
      assertThat(webhook.requests().get(0).headers().getFirst("X-Vigil-Event"))
          .isEqualTo("alert_group_update");
      assertThat(webhook.requests().get(0).headers().getFirst("X-Vigil-Alert-Id"))
          .isEqualTo(first.alertId());
    }
  }

  @Test
  void closeWaitsForInFlightMessagesAtMostOneRequestToTheSlowestDestination() {
    // oncall: request_timeout 20s; siem: the default 10s; plus 5s of slack.
    assertThat(NotifySink.closeTime(CONFIG, Duration.ofMinutes(1)))
        .isEqualTo(Duration.ofSeconds(25));
  }

  /**
   * A stop's final savepoint completes only once this writer has closed, so the close keeps to half
   * of {@code final_savepoint_timeout}: a longer wait would turn a savepoint taken into a cancelled
   * job (GracefulStopITCase has it end to end).
   */
  @Test
  void closeWaitsAtMostHalfTheFinalSavepointTimeout() {
    assertThat(NotifySink.closeTime(CONFIG, Duration.ofSeconds(20)))
        .isEqualTo(Duration.ofSeconds(10));
  }

  /**
   * Closing the writer (a stop or a cancel, not the end of the input) sends each group's grown
   * count, the update of the open incident, and waits for it: sent and cut off at once, it would be
   * lost to a job that is not resumed.
   */
  @Test
  void closeDeliversTheGrownCountsItSends() throws Exception {
    Alert first = Alerts.spike(Alerts.id(1), "alice", 0);
    Alert second = Alerts.spike(Alerts.id(2), "alice", 10);
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver webhook = new Receiver(204, "")) {
      AlertDispatcher dispatcher = start(config(pagerDuty, webhook));
      NotifySink.Writer writer =
          new NotifySink.Writer(dispatcher, Duration.ofMinutes(1), CLOSE_TIME);
      writer.write(AlertRecord.of(first, 0), null);
      writer.write(AlertRecord.of(second, 0), null);
      await(() -> delivered(dispatcher, "oncall") == 1, "the first page");
      await(() -> delivered(dispatcher, "siem") == 1, "the first webhook call");
      // An answer that takes a moment, as PagerDuty's does: the update is in flight at the close.
      pagerDuty.slow(500);
      webhook.slow(500);

      assertTimeoutPreemptively(PROMPTLY, writer::close);

      assertThat(delivered(dispatcher, "oncall")).isEqualTo(2);
      assertThat(delivered(dispatcher, "siem")).isEqualTo(2);
      assertThat(dispatcher.stats().destinations().get("oncall").dropped()).isZero();
      List<JsonNode> events = AlertDispatcherTest.bodies(pagerDuty);
      assertThat(events).hasSize(2);
      JsonNode update = events.get(1);
      assertThat(PagerDutyContract.violations(update)).isEmpty();
      assertThat(update.get("event_action").asText()).isEqualTo("trigger");
      assertThat(update.get("dedup_key").asText()).isEqualTo(first.alertId());
      assertThat(update.at("/payload/custom_details/alert_count").asInt()).isEqualTo(2);
      assertThat(update.at("/payload/custom_details/event_count").asLong()).isEqualTo(24);
      assertThat(update.at("/payload/summary").asText())
          .isEqualTo(second.summary() + " (2 alerts for this group, 24 events)");
      assertThat(webhook.requests().get(1).headers().getFirst("X-Vigil-Event"))
          .isEqualTo("alert_group_update");
    }
  }

  /**
   * A destination that does not answer holds the close for the close time only; what it did not get
   * is logged as a count per destination, never a message's content or a key.
   */
  @Test
  void closeGivesUpOnADestinationThatDoesNotAnswerAndCountsWhatItDidNotGet() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Alert alert = Alerts.spike(Alerts.id(1), "alice", 0);
    try (Receiver pagerDuty = Receiver.pagerDuty();
        Receiver failing = new Receiver(503, "")) {
      AlertDispatcher dispatcher = start(config(pagerDuty, failing));
      NotifySink.Writer writer =
          new NotifySink.Writer(dispatcher, Duration.ofMinutes(1), CLOSE_TIME);
      writer.write(AlertRecord.of(alert, 0), null);
      await(() -> delivered(dispatcher, "oncall") == 1, "the page to PagerDuty");

      long start = System.nanoTime();
      assertTimeoutPreemptively(PROMPTLY, writer::close);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isBetween(CLOSE_TIME, CLOSE_TIME.plusSeconds(10));
      // Cut off while retrying: given up, as an interrupted send is.
      assertThat(dispatcher.stats().destinations().get("siem").gaveUp()).isOne();
      assertThat(dispatcher.stats().destinations().get("siem").delivered()).isZero();
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains(
            "notify: stopping after waiting PT3S with messages not delivered (siem 1); the job's"
                + " last checkpoint or savepoint holds them")
        .doesNotContain(AlertDispatcherTest.ROUTING_KEY)
        .doesNotContain(AlertDispatcherTest.HMAC_KEY)
        .doesNotContain(alert.summary());
  }

  /** PagerDuty as {@code oncall} and a webhook as {@code siem}, both retrying for 10 minutes. */
  private static Map<String, Map<String, Object>> config(
      Receiver pagerDuty, Receiver webhookReceiver) {
    Map<String, Object> oncall = AlertDispatcherTest.pagerDuty(pagerDuty.uri("/v2/enqueue"));
    Map<String, Object> siem = AlertDispatcherTest.pagerDuty(webhookReceiver.uri("/hooks/vigil"));
    siem.remove("routing_key_env");
    siem.put("type", "webhook");
    siem.put("hmac_key_env", "VIGIL_WEBHOOK_KEY");
    for (Map<String, Object> destination : List.of(oncall, siem)) {
      destination.put(
          "retry",
          Map.of(
              "initial_backoff", "10ms",
              "max_backoff", "50ms",
              "give_up_after", GIVE_UP,
              "request_timeout", "2s"));
    }
    Map<String, Map<String, Object>> destinations = new LinkedHashMap<>();
    destinations.put("oncall", oncall);
    destinations.put("siem", siem);
    return destinations;
  }

  private static AlertDispatcher start(Map<String, Map<String, Object>> destinations) {
    return AlertDispatcher.start(
        AlertDispatcherTest.config(new LinkedHashMap<>(destinations)),
        AlertDispatcherTest.ENV,
        AlertDispatcherTest.NO_RULE_ROUTES,
        AlertDispatcherTest.NO_GUIDANCE);
  }

  /** The same destinations with their secrets in files, which the sink reads on its own. */
  private static NotifyConfig fromFiles(
      Map<String, Map<String, Object>> destinations, Path secrets) {
    destinations.get("oncall").remove("routing_key_env");
    destinations.get("oncall").put("routing_key_file", secrets.resolve("pd").toString());
    destinations.get("siem").remove("hmac_key_env");
    destinations.get("siem").put("hmac_key_file", secrets.resolve("hmac").toString());
    return AlertDispatcherTest.config(new LinkedHashMap<>(destinations));
  }

  private static OneInputStreamOperatorTestHarness<AlertRecord, CommittableMessage<Void>> harness(
      NotifyConfig config) throws Exception {
    return new OneInputStreamOperatorTestHarness<>(
        new SinkWriterOperatorFactory<AlertRecord, Void>(
            NotifySink.of(config, RulePack.builtIn(), Duration.ofMinutes(1))),
        TypeInformation.of(AlertRecord.class).createSerializer(new SerializerConfigImpl()));
  }

  private static long delivered(AlertDispatcher dispatcher, String destination) {
    return dispatcher.stats().destinations().get(destination).delivered();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
