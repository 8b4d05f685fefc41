package dev.vigil.detect.job;

import static dev.vigil.detect.job.OperatorEvents.at;
import static dev.vigil.detect.job.OperatorEvents.denied;
import static dev.vigil.detect.job.OperatorEvents.root;
import static dev.vigil.detect.job.OperatorEvents.rootEntry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine host under Flink's operator harness: explicit watermarks, out-of-order input, window
 * boundaries, suppression, state cleanup, and snapshot/restore mid-window.
 *
 * <p>Rules (src/test/resources/rules/test): {@code test_denied_burst}, three denials of one actor
 * within a minute (suppressed for a minute after it fires), and {@code test_root}, every event of a
 * root identity.
 */
class DetectionOperatorTest {

  private static RuleSet rules;
  private static Routes routes;

  @BeforeAll
  static void compile() throws Exception {
    rules = RuleSet.load(List.of(Path.of("src/test/resources/rules/test")));
    routes = Routes.of(rules);
  }

  @Test
  void aBurstAlertsOnceTheWatermarkPassesItWhateverTheArrivalOrder() throws Exception {
    try (var harness = harness()) {
      feed(harness, denied("a", 20), denied("a", 0), denied("a", 10));
      assertThat(alerts(harness)).isEmpty();

      harness.processWatermark(new Watermark(at(19)));
      assertThat(alerts(harness)).isEmpty();

      harness.processWatermark(new Watermark(at(20)));
      assertThat(alerts(harness)).extracting(a -> a.detection).containsExactly("test_denied_burst");
      assertThat(alerts(harness).get(0).json)
          .contains("\"window_start\":\"2024-03-01T10:00:00Z\"")
          .contains("\"window_end\":\"2024-03-01T10:00:20Z\"")
          .contains("\"actor.id\":\"a\"");
    }
  }

  @Test
  void windowsAreExactOnEventTime() throws Exception {
    try (var harness = harness()) {
      // 60 s apart: outside a one-minute window (which holds events less than a minute old).
      feed(harness, denied("a", 0), denied("a", 30), denied("a", 60));
      // Another actor's denials never add up with a's.
      feed(harness, denied("b", 0), denied("b", 59));
      harness.processWatermark(new Watermark(at(120)));
      assertThat(alerts(harness)).isEmpty();

      feed(harness, denied("b", 121));
      harness.processWatermark(new Watermark(at(121)));
      assertThat(alerts(harness)).isEmpty();

      feed(harness, denied("a", 125), denied("a", 126), denied("a", 130));
      harness.processWatermark(new Watermark(at(130)));
      assertThat(alerts(harness)).hasSize(1);
    }
  }

  @Test
  void aGroupStaysQuietForItsSuppressionPeriod() throws Exception {
    try (var harness = harness()) {
      feed(harness, denied("a", 0), denied("a", 1), denied("a", 2), denied("a", 3));
      feed(harness, denied("a", 30), denied("a", 40));
      harness.processWatermark(new Watermark(at(59)));
      assertThat(alerts(harness)).hasSize(1);

      feed(harness, denied("a", 70), denied("a", 71), denied("a", 72));
      harness.processWatermark(new Watermark(at(72)));
      assertThat(alerts(harness)).hasSize(2);
    }
  }

  @Test
  void stateAndTimersAreGoneOnceTheWatermarkPassesTheRetention() throws Exception {
    try (var harness = harness()) {
      feed(harness, denied("a", 0), denied("a", 1), denied("a", 2), root("r", 5));
      harness.processWatermark(new Watermark(at(10)));
      assertThat(alerts(harness)).hasSize(2);
      // The root event (single-event rule, retention zero) is gone; the burst's events stay for
      // the window plus the suppression period (120 s), in buckets of 1/24 of it (5 s): leaving at
      // 120 s (the event at 0) and at 125 s (those at 1 and 2).
      assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
      assertThat(harness.numEventTimeTimers()).isEqualTo(2);

      harness.processWatermark(new Watermark(at(124)));
      assertThat(harness.numKeyedStateEntries()).isOne();
      harness.processWatermark(new Watermark(at(125)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aBusyKeyDropsOneBucketPerTimerAndARestoreAfterwardsChangesNothing() throws Exception {
    List<AuditEvent> firstMinute = new ArrayList<>();
    for (int second = 0; second < 60; second++) {
      firstMinute.add(denied("a", second));
    }
    List<AuditEvent> later = List.of(denied("a", 200), denied("a", 201), denied("a", 202));

    List<String> undisturbed = new ArrayList<>();
    try (var harness = harness()) {
      feed(harness, firstMinute.toArray(AuditEvent[]::new));
      harness.processWatermark(new Watermark(at(60)));
      // Leave times 120 s to 179 s, in 5 s buckets: 120, 125, ..., 180.
      assertThat(harness.numKeyedStateEntries()).isEqualTo(13);
      assertThat(harness.numEventTimeTimers()).isEqualTo(13);

      harness.processWatermark(new Watermark(at(150)));
      assertThat(harness.numKeyedStateEntries()).isEqualTo(6);
      assertThat(harness.numEventTimeTimers()).isEqualTo(6);

      feed(harness, later.toArray(AuditEvent[]::new));
      harness.processWatermark(new Watermark(at(202)));
      alerts(harness).forEach(a -> undisturbed.add(a.json));

      harness.processWatermark(new Watermark(at(205 + 120)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }

    List<String> restored = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      feed(harness, firstMinute.toArray(AuditEvent[]::new));
      harness.processWatermark(new Watermark(at(150)));
      snapshot = harness.snapshot(1, 1);
      alerts(harness).forEach(a -> restored.add(a.json));
    }
    try (var harness = harness(snapshot)) {
      assertThat(harness.numKeyedStateEntries()).isEqualTo(6);
      feed(harness, later.toArray(AuditEvent[]::new));
      harness.processWatermark(new Watermark(at(202)));
      alerts(harness).forEach(a -> restored.add(a.json));
    }

    // The burst at 0-2 s, then (after a minute's suppression) the one at 200-202 s.
    assertThat(undisturbed).hasSize(2);
    assertThat(restored).containsExactlyElementsOf(undisturbed);
  }

  @Test
  void aLateEventIsJudgedAtTheClockNotDropped() throws Exception {
    try (var harness = harness()) {
      feed(harness, denied("a", 100), denied("a", 101));
      harness.processWatermark(new Watermark(at(110)));
      feed(harness, denied("a", 50), root("r", 40));
      assertThat(alerts(harness))
          .extracting(a -> a.detection)
          .containsExactlyInAnyOrder("test_denied_burst", "test_root");
    }
  }

  @Test
  void aVaultRequestAndItsResponseAlertOnceAndLeaveNothingBehind() throws Exception {
    try (var harness = harness()) {
      feed(harness, rootEntry("req-1", "request", 0), rootEntry("req-1", "response", 4));
      harness.processWatermark(new Watermark(at(1)));
      assertThat(alerts(harness)).extracting(a -> a.detection).containsExactly("test_root");

      // Both entries judged: neither the held events (retention zero) nor the request's pairing
      // stay, and no timer does.
      harness.processWatermark(new Watermark(at(2)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aResponseLaterThanTheEnginesMemoryIsNotASecondAlertOfItsRequest() throws Exception {
    try (var harness = harness()) {
      feed(harness, rootEntry("req-1", "request", 0));
      harness.processWatermark(new Watermark(at(1)));
      // Another root act twenty minutes on: the engine forgets alerts ten minutes older than the
      // newest, and the job's deduplicator lets an id pass again once it is that far behind.
      feed(harness, root("other", 1200));
      harness.processWatermark(new Watermark(at(3600)));
      assertThat(alerts(harness)).hasSize(2);

      // The response of req-1 comes an hour late (a stalled partition, a retried shipment): it is
      // judged, but it is the same request, already reported.
      feed(harness, rootEntry("req-1", "response", 4));
      assertThat(alerts(harness)).hasSize(2);

      // The pair is complete: what was kept for it goes once the response is judged.
      harness.processWatermark(new Watermark(at(3601)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aLateResponseAfterARestoreIsNotASecondAlertOfItsRequest() throws Exception {
    OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      feed(harness, rootEntry("req-1", "request", 0));
      harness.processWatermark(new Watermark(at(1)));
      assertThat(alerts(harness)).hasSize(1);
      snapshot = harness.snapshot(1, 1);
    }
    // The restored engines start from the held events alone, and the request left them once
    // judged; what the request raised is in the checkpoint.
    try (var harness = harness(snapshot)) {
      harness.processWatermark(new Watermark(at(3600)));
      feed(harness, rootEntry("req-1", "response", 4));
      assertThat(alerts(harness)).isEmpty();
      harness.processWatermark(new Watermark(at(3601)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aRequestWhoseResponseNeverComesIsForgottenADayLater() throws Exception {
    try (var harness = harness()) {
      feed(harness, rootEntry("req-1", "request", 0));
      harness.processWatermark(new Watermark(at(1)));
      assertThat(alerts(harness)).hasSize(1);
      assertThat(harness.numKeyedStateEntries()).isOne();
      assertThat(harness.numEventTimeTimers()).isOne();

      harness.processWatermark(new Watermark(at(24 * 3600 - 1)));
      assertThat(harness.numKeyedStateEntries()).isOne();
      harness.processWatermark(new Watermark(at(24 * 3600)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  /**
   * The job's Vault pair memory (watermarks.vault_pair_memory) bounds how long an unpaired request
   * is kept: an entry later than that is a request of its own, and alerts again.
   */
  @Test
  void aShorterVaultPairMemoryForgetsAnUnpairedRequestSooner() throws Exception {
    try (var harness = harness(null, Duration.ofHours(1))) {
      feed(harness, rootEntry("req-1", "request", 0));
      harness.processWatermark(new Watermark(at(1)));
      assertThat(alerts(harness)).hasSize(1);
      // Another root act twenty minutes on: the engine forgets alerts ten minutes older.
      feed(harness, root("other", 1200));

      harness.processWatermark(new Watermark(at(3599)));
      assertThat(alerts(harness)).hasSize(2);
      assertThat(harness.numKeyedStateEntries()).isOne();
      harness.processWatermark(new Watermark(at(3600)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();

      feed(harness, rootEntry("req-1", "response", 4));
      assertThat(alerts(harness)).hasSize(3);
    }
  }

  @Test
  void aRestoreMidWindowGivesTheOutputOfAnUndisturbedRun() throws Exception {
    List<List<AuditEvent>> batches =
        List.of(
            List.of(denied("a", 0), denied("a", 5), root("r", 6), denied("b", 3)),
            List.of(denied("a", 40), denied("b", 50), denied("a", 8)),
            List.of(denied("b", 55), denied("a", 70), denied("a", 75), denied("a", 130)));
    long[] watermarks = {at(4), at(45), at(200)};

    List<String> undisturbed = new ArrayList<>();
    try (var harness = harness()) {
      for (int i = 0; i < batches.size(); i++) {
        feed(harness, batches.get(i).toArray(AuditEvent[]::new));
        harness.processWatermark(new Watermark(watermarks[i]));
      }
      alerts(harness).forEach(a -> undisturbed.add(a.json));
    }

    List<String> restored = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var harness = harness()) {
      feed(harness, batches.get(0).toArray(AuditEvent[]::new));
      harness.processWatermark(new Watermark(watermarks[0]));
      feed(harness, batches.get(1).toArray(AuditEvent[]::new));
      // Mid-window: b's events at 3 and 50 are open, a's burst is pending behind the watermark.
      snapshot = harness.snapshot(1, 1);
      alerts(harness).forEach(a -> restored.add(a.json));
    }
    try (var harness = harness(snapshot)) {
      harness.processWatermark(new Watermark(watermarks[1]));
      feed(harness, batches.get(2).toArray(AuditEvent[]::new));
      harness.processWatermark(new Watermark(watermarks[2]));
      alerts(harness).forEach(a -> restored.add(a.json));
    }

    assertThat(undisturbed).hasSize(4);
    assertThat(restored).containsExactlyElementsOf(undisturbed);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness()
      throws Exception {
    return harness(null);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness(
      OperatorSubtaskState restoreFrom) throws Exception {
    return harness(restoreFrom, JobOptions.DEFAULT_VAULT_PAIR_MEMORY);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness(
      OperatorSubtaskState restoreFrom, Duration vaultPairMemory) throws Exception {
    return DetectionHarness.open(rules, restoreFrom, vaultPairMemory);
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness,
      AuditEvent... events)
      throws Exception {
    DetectionHarness.feed(harness, routes, List.of(events));
  }

  private static List<AlertRecord> alerts(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness) {
    return harness.extractOutputValues();
  }
}
