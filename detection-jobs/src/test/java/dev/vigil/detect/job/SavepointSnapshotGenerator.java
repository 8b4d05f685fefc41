package dev.vigil.detect.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.testing.InlineEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the snapshots of the job's stateful operators that {@link SavepointCompatibilityTest}
 * restores: what a savepoint of one Vigil release holds for {@code detect} and {@code
 * deduplicate-alerts}, taken mid-way through a few events (Flink's own migration tests do the same
 * with {@link OperatorSnapshotUtil}). Off unless {@value #RELEASE} names the release.
 *
 * <p>Each release adds its snapshots, written by the release's own build, so that every later build
 * is tested against them (docs/detection-job.md, "Restoring a savepoint of an earlier Vigil"):
 *
 * <pre>
 * timeout 600 ./mvnw -B -q -o -pl detection-jobs -am test \
 *     -Dtest=SavepointSnapshotGenerator -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dvigil.savepoint.release=stop-22
 * </pre>
 *
 * <p>It writes {@code src/test/resources/savepoints/<release>/} (a few KB); add the release to
 * {@link SavepointCompatibilityTest#RELEASES} and commit both. Snapshots already checked in are
 * never rewritten: they are what that release wrote. To write those of an older release, copy this
 * file into a checkout of it and run it there (adapting {@link #detectionOperator} to that
 * release's constructor, the only line that has differed), then copy its output back.
 */
@EnabledIfSystemProperty(named = SavepointSnapshotGenerator.RELEASE, matches = ".+")
class SavepointSnapshotGenerator {

  static final String RELEASE = "vigil.savepoint.release";
  static final Path SAVEPOINTS = Path.of("src/test/resources/savepoints");
  static final String DETECT = "detect.snapshot";
  static final String DEDUPLICATE = "deduplicate-alerts.snapshot";

  /** The job's default {@code job.max_parallelism}: key groups decide where a key's state is. */
  static final int MAX_PARALLELISM = 128;

  /** The test pack: the denied burst correlation (by actor) and the root rule (event route). */
  static final Path RULES = Path.of("src/test/resources/rules/test");

  /** How long the deduplicator remembers an alert id: the job's minimum. */
  static final Duration ALERT_MEMORY = Duration.ofMinutes(10);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

  @Test
  void writeSnapshots() throws Exception {
    Path dir = SAVEPOINTS.resolve(System.getProperty(RELEASE));
    Files.createDirectories(dir);
    RuleSet rules = RuleSet.load(List.of(RULES));
    try (var harness = detect(detectionOperator(rules))) {
      harness.open();
      detectUntilTheSavepoint(harness, Routes.of(rules));
      OperatorSnapshotUtil.writeStateHandle(harness.snapshot(1, 1), dir.resolve(DETECT).toString());
    }
    try (var harness = deduplicate()) {
      harness.open();
      deduplicateUntilTheSavepoint(harness);
      OperatorSnapshotUtil.writeStateHandle(
          harness.snapshot(1, 1), dir.resolve(DEDUPLICATE).toString());
    }
  }

  /** The job's detect operator as this release constructs it (DetectionJob.build). */
  static DetectionOperator detectionOperator(RuleSet rules) {
    return new DetectionOperator(rules, JobOptions.DEFAULT_VAULT_PAIR_MEMORY);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> detect(
      DetectionOperator operator) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        operator, RoutedEvent::getKey, Types.STRING, MAX_PARALLELISM, 1, 0);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> deduplicate()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertDeduplicator(ALERT_MEMORY)),
        AlertRecord::getAlertId,
        Types.STRING,
        MAX_PARALLELISM,
        1,
        0);
  }

  /**
   * Up to the savepoint: bob's burst (0-2 s) has alerted and suppresses bob for a minute; alice's
   * window is open with two denials (5, 10 s); Vault request req-1 (12 s) has alerted as a root act
   * and its response has not come; the clock is at 20 s; carol's three denials (21-23 s) have
   * arrived past the clock and wait in the engine's buffer.
   */
  static void detectUntilTheSavepoint(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness,
      Routes routes)
      throws Exception {
    feed(
        harness,
        routes,
        denied("bob", 0),
        denied("bob", 1),
        denied("bob", 2),
        denied("alice", 5),
        denied("alice", 10),
        vaultRootEntry("req-1", "request", 12));
    harness.processWatermark(new Watermark(at(20)));
    feed(harness, routes, denied("carol", 21), denied("carol", 22), denied("carol", 23));
  }

  /** Up to the savepoint: alert-a (at 10 s, raised at the clock 20 s) has passed. */
  static void deduplicateUntilTheSavepoint(
      KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> harness)
      throws Exception {
    harness.processElement(new StreamRecord<>(alert("alert-a", 10, 20), at(10)));
    harness.processWatermark(new Watermark(at(20)));
  }

  /** Hands the operator every (route, group) record of each event, as the job's route step does. */
  static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness,
      Routes routes,
      AuditEvent... events)
      throws Exception {
    DetectionHarness.feed(harness, routes, List.of(events));
  }

  /** Epoch milliseconds {@code seconds} after the scenario's instant. */
  static long at(int seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  /** A denied CloudTrail call by {@code actor}, its id naming both. */
  static AuditEvent denied(String actor, int second) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", "denied-" + actor + "-" + second);
    event.put("source", "AWS_CLOUDTRAIL");
    event.put("denied", true);
    event.put("time", T0.plusSeconds(second).toString());
    event.putObject("actor").put("id", actor);
    return InlineEvents.build(event, 0, 0, 0, 0, "savepoint-scenario");
  }

  /** The {@code entry} ("request" or "response") Vault writes for a root token's request. */
  static AuditEvent vaultRootEntry(String requestId, String entry, int second) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", requestId + ":" + entry);
    event.put("source", "VAULT");
    event.put("time", T0.plusSeconds(second).toString());
    event.putObject("actor").put("id", "root-token").put("root", true);
    return InlineEvents.build(event, 0, 0, 0, 0, "savepoint-scenario");
  }

  /** An alert as the detect operator hands it on, raised at the clock {@code clockSecond}. */
  static AlertRecord alert(String alertId, int second, int clockSecond) {
    AlertRecord alert = new AlertRecord();
    alert.alertId = alertId;
    alert.ruleId = "rule-1";
    alert.detection = "test_rule";
    alert.severity = "high";
    alert.time = at(second);
    alert.raisedAtClock = at(clockSecond);
    alert.json = "{\"alert_id\":\"" + alertId + "\"}";
    return alert;
  }
}
