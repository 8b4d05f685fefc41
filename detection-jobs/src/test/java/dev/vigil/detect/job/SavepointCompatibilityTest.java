package dev.vigil.detect.job;

import static dev.vigil.detect.job.SavepointSnapshotGenerator.at;
import static dev.vigil.detect.job.SavepointSnapshotGenerator.denied;
import static dev.vigil.detect.job.SavepointSnapshotGenerator.vaultRootEntry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * A savepoint of an earlier Vigil restores into this one and the job carries on as if it had never
 * stopped: the snapshots of each release's {@code detect} and {@code deduplicate-alerts} operators
 * (src/test/resources/savepoints/&lt;release&gt;, written by that release's build with {@link
 * SavepointSnapshotGenerator}) are restored into the current operators and fed the rest of the
 * scenario. A state descriptor renamed, a state type whose serializer cannot read the old bytes, or
 * a key (route identity, group) written differently fails here: the restore throws, or the restored
 * state is not found and the open window, the Vault pairing or the remembered alert id is lost.
 */
class SavepointCompatibilityTest {

  /** Every release whose snapshots are checked in, oldest first. */
  static final List<String> RELEASES = List.of("stop-20", "stop-21");

  private static RuleSet rules;
  private static Routes routes;

  @BeforeAll
  static void compile() throws Exception {
    rules = RuleSet.load(List.of(SavepointSnapshotGenerator.RULES));
    routes = Routes.of(rules);
  }

  @Test
  void everyCheckedInReleaseIsTested() throws Exception {
    try (var releases = Files.list(SavepointSnapshotGenerator.SAVEPOINTS)) {
      assertThat(releases.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(RELEASES);
    }
  }

  /**
   * After the savepoint: alice's third denial (30 s) completes her window; bob's denial (31 s)
   * falls in his burst's suppression; req-1's response arrives behind the clock.
   */
  private static void detectAfterTheSavepoint(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness)
      throws Exception {
    feed(harness, denied("alice", 30), denied("bob", 31), vaultRootEntry("req-1", "response", 14));
    harness.processWatermark(new Watermark(at(40)));
  }

  @ParameterizedTest
  @FieldSource("RELEASES")
  void theDetectOperatorCarriesOnFromTheReleasesSavepoint(String release) throws Exception {
    List<String> undisturbed = new ArrayList<>();
    try (var harness = detect(null)) {
      SavepointSnapshotGenerator.detectUntilTheSavepoint(harness, routes);
      int beforeTheSavepoint = harness.extractOutputValues().size();
      detectAfterTheSavepoint(harness);
      harness.extractOutputValues().stream()
          .skip(beforeTheSavepoint)
          .forEach(a -> undisturbed.add(a.json));
    }
    // Carol's burst from the events waiting past the clock, alice's from her open window; not
    // bob's (suppressed), not req-1's response (its request alerted before the savepoint).
    assertThat(undisturbed).hasSize(2);
    assertThat(undisturbed.get(0)).contains("\"actor.id\":\"carol\"");
    assertThat(undisturbed.get(1))
        .contains("\"actor.id\":\"alice\"")
        .contains("\"window_start\":\"2024-03-01T10:00:05Z\"")
        .contains("\"window_end\":\"2024-03-01T10:00:30Z\"");

    try (var harness = detect(snapshot(release, SavepointSnapshotGenerator.DETECT))) {
      detectAfterTheSavepoint(harness);
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.json)
          .containsExactlyElementsOf(undisturbed);

      // The burst events leave at their time plus the route's retention (two minutes) in 5 s
      // buckets, the Vault pair once both entries are judged: nothing stays, no timer waits.
      harness.processWatermark(new Watermark(at(31 + 120 + 5)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
      assertThat(harness.extractOutputValues()).hasSize(2);
    }
  }

  @ParameterizedTest
  @FieldSource("RELEASES")
  void theDeduplicatorStillKnowsTheReleasesAlertIds(String release) throws Exception {
    try (var harness = SavepointSnapshotGenerator.deduplicate()) {
      harness.initializeState(snapshot(release, SavepointSnapshotGenerator.DEDUPLICATE));
      harness.open();
      // alert-a passed at the clock 20 s: remembered until the clock reaches 20 s + 10 min.
      harness.processElement(
          new StreamRecord<>(SavepointSnapshotGenerator.alert("alert-a", 10, 619), at(10)));
      harness.processElement(
          new StreamRecord<>(SavepointSnapshotGenerator.alert("alert-b", 300, 300), at(300)));
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.alertId)
          .containsExactly("alert-b");

      // Its entry and timer go once the watermark passes that expiry, alert-b's at its own.
      harness.processWatermark(new Watermark(at(620)));
      assertThat(harness.numKeyedStateEntries()).isOne();
      assertThat(harness.numEventTimeTimers()).isOne();
      harness.processWatermark(new Watermark(at(900)));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();

      harness.processElement(
          new StreamRecord<>(SavepointSnapshotGenerator.alert("alert-a", 10, 900), at(10)));
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.alertId)
          .containsExactly("alert-b", "alert-a");
    }
  }

  private static OperatorSubtaskState snapshot(String release, String operator) throws Exception {
    return OperatorSnapshotUtil.readStateHandle(
        SavepointSnapshotGenerator.SAVEPOINTS.resolve(release).resolve(operator).toString());
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> detect(
      OperatorSubtaskState restoreFrom) throws Exception {
    var harness =
        SavepointSnapshotGenerator.detect(SavepointSnapshotGenerator.detectionOperator(rules));
    if (restoreFrom != null) {
      harness.initializeState(restoreFrom);
    }
    harness.open();
    return harness;
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness,
      AuditEvent... events)
      throws Exception {
    SavepointSnapshotGenerator.feed(harness, routes, events);
  }
}
