package dev.vigil.detect.job;

import static dev.vigil.detect.job.OperatorEvents.at;
import static dev.vigil.detect.job.OperatorEvents.denied;
import static dev.vigil.detect.job.OperatorEvents.root;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.JobOptions;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Route;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.RulePack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A restore from a savepoint taken with another rule pack (a rule added or removed, or a Vigil
 * upgrade whose built-in pack changed): keyed state follows its route by identity, whatever the
 * route's position in the new plan, and the state of a route the pack no longer has is dropped.
 */
class DetectionOperatorPackChangeTest {

  private static final Path TEST_PACK = Path.of("src/test/resources/rules/test");

  @Test
  void aPackThatGainsASuppressRouteBeforeTheCorrelationsStillAlertsOnTheTenthDenial()
      throws Exception {
    RuleSet before = RuleSet.load(List.of(RulePack.builtInRoot()));
    RuleSet after =
        RuleSet.load(
            List.of(
                RulePack.builtInRoot(),
                Path.of("src/test/resources/rules/pack-change/login_burst_note.yml")));
    // The new rule's suppress route is planned before the correlation routes and moves them.
    assertThat(actorRoute(after).index()).isGreaterThan(actorRoute(before).index());
    assertThat(actorRoute(after).id()).isEqualTo(actorRoute(before).id());

    List<AuditEvent> nine = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      nine.add(denied("ent-b", i * 5));
    }
    AuditEvent tenth = denied("ent-b", 45);

    List<String> undisturbed;
    try (var harness = harness(before, null)) {
      feed(harness, before, nine);
      harness.processWatermark(new Watermark(at(40)));
      feed(harness, before, List.of(tenth));
      harness.processWatermark(new Watermark(at(45)));
      undisturbed = spikeAlertIds(harness);
    }
    assertThat(undisturbed).hasSize(1);

    OperatorSubtaskState savepoint;
    try (var harness = harness(before, null)) {
      feed(harness, before, nine);
      harness.processWatermark(new Watermark(at(40)));
      assertThat(spikeAlertIds(harness)).isEmpty();
      savepoint = harness.snapshot(1, 1);
    }
    try (var harness = harness(after, savepoint)) {
      feed(harness, after, List.of(tenth));
      harness.processWatermark(new Watermark(at(45)));
      // The same alert, under the same id: the id derives from the rule and the group, not the
      // route.
      assertThat(spikeAlertIds(harness)).containsExactlyElementsOf(undisturbed);
    }
  }

  @Test
  void aPackWithFewerRoutesRestoresAndDropsTheRemovedRoutesState() throws Exception {
    RuleSet both = RuleSet.load(List.of(TEST_PACK));
    RuleSet rootOnly = RuleSet.load(List.of(TEST_PACK.resolve("root_used.yml")));
    assertThat(Routes.of(both).routes()).hasSize(2);
    assertThat(Routes.of(rootOnly).routes()).hasSize(1);

    OperatorSubtaskState savepoint;
    try (var harness = harness(both, null)) {
      feed(harness, both, List.of(denied("a", 0), denied("a", 1), root("r", 2)));
      harness.processWatermark(new Watermark(at(2)));
      // The root event has left (retention zero); the denials wait for the burst's window.
      assertThat(harness.numKeyedStateEntries()).isPositive();
      savepoint = harness.snapshot(1, 1);
    }
    try (var harness = harness(rootOnly, savepoint)) {
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
      feed(harness, rootOnly, List.of(denied("a", 3), root("r", 4)));
      harness.processWatermark(new Watermark(at(4)));
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.detection)
          .containsExactly("test_root");
    }
  }

  /**
   * A savepoint of the version that keyed state by route position: a key is placed only where the
   * current pack routes its events under that position and group; anything else is dropped, and no
   * key, however written, stops the restore.
   */
  @Test
  void aKeyOfTheFormerPositionalFormatIsReplayedOnlyWhereThePositionIsUnambiguous()
      throws Exception {
    RuleSet pack = RuleSet.load(List.of(TEST_PACK));
    Routes routes = Routes.of(pack);
    Route actor = routes.routes().get(1);
    assertThat(actor.description()).isEqualTo("group-by [actor.id]");
    String actorKey = "1\u001ea";

    OperatorSubtaskState savepoint;
    try (var harness = legacyHarness()) {
      // What the former version held: two of a's denials on its actor route (position 1).
      harness.processElement(held(actorKey, denied("a", 0)));
      harness.processElement(held(actorKey, denied("a", 1)));
      // A position that holds another route now (the event route does not take denials), one
      // beyond the pack, and keys no version wrote.
      harness.processElement(held("0\u001ea", denied("a", 1)));
      harness.processElement(held("7\u001ea", denied("a", 1)));
      harness.processElement(held("99999999999\u001ea", denied("a", 1)));
      harness.processElement(held("no-separator", denied("a", 1)));
      harness.processElement(held("zz\u001ea", denied("a", 1)));
      harness.processWatermark(new Watermark(at(1)));
      savepoint = harness.snapshot(1, 1);
    }
    try (var harness = harness(pack, savepoint)) {
      // Only the actor route's bucket is left, with its cleanup timer.
      assertThat(harness.numKeyedStateEntries()).isOne();
      assertThat(harness.numEventTimeTimers()).isOne();
      feed(harness, pack, List.of(denied("a", 2)));
      harness.processWatermark(new Watermark(at(2)));
      // Two replayed denials and the new one: the burst of three.
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.detection)
          .containsExactly("test_denied_burst");
    }
  }

  private static Route actorRoute(RuleSet rules) throws Exception {
    return Routes.of(rules).routes().stream()
        .filter(r -> r.description().equals("group-by [actor.id]"))
        .findFirst()
        .orElseThrow();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness(
      RuleSet rules, OperatorSubtaskState restoreFrom) throws Exception {
    return DetectionHarness.open(rules, restoreFrom, JobOptions.DEFAULT_VAULT_PAIR_MEMORY);
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness,
      RuleSet rules,
      List<AuditEvent> events)
      throws Exception {
    DetectionHarness.feed(harness, Routes.of(rules), events);
  }

  private static List<String> spikeAlertIds(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness) {
    return harness.extractOutputValues().stream()
        .filter(a -> a.detection.equals("denied_access_spike"))
        .map(a -> a.alertId)
        .toList();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord>
      legacyHarness() throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new PositionalStateWriter(), RoutedEvent::getKey, Types.STRING);
    harness.open();
    return harness;
  }

  private static StreamRecord<RoutedEvent> held(String key, AuditEvent event) {
    return new StreamRecord<>(new RoutedEvent(key, event, 0), event.getTime().toEpochMilli());
  }

  /**
   * Writes the detection operator's state as the version that keyed it by route position did: each
   * event held under the key it is given, in one bucket that leaves at 125 s, with its cleanup
   * timer, and the clock.
   */
  private static final class PositionalStateWriter extends AbstractStreamOperator<AlertRecord>
      implements OneInputStreamOperator<RoutedEvent, AlertRecord>, Triggerable<String, Long> {

    private transient InternalListState<String, Long, HeldEvent> held;
    private transient InternalTimerService<Long> cleanup;
    private transient ListState<Long> clockState;
    private transient long clock = Long.MIN_VALUE;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
      super.initializeState(context);
      clockState = context.getOperatorStateStore().getListState(DetectionOperator.CLOCK);
    }

    @Override
    public void open() throws Exception {
      super.open();
      held =
          (InternalListState<String, Long, HeldEvent>)
              getOrCreateKeyedState(LongSerializer.INSTANCE, DetectionOperator.HELD);
      cleanup =
          getInternalTimerService(DetectionOperator.CLEANUP_TIMERS, LongSerializer.INSTANCE, this);
    }

    @Override
    public void processElement(StreamRecord<RoutedEvent> element) throws Exception {
      long leaves = at(125);
      held.setCurrentNamespace(leaves);
      held.add(new HeldEvent(element.getValue().event, 0, Long.MIN_VALUE));
      cleanup.registerEventTimeTimer(leaves, leaves);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
      clock = mark.getTimestamp();
      super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
      super.snapshotState(context);
      clockState.update(List.of(clock));
    }

    @Override
    public void onEventTime(InternalTimer<String, Long> timer) {}

    @Override
    public void onProcessingTime(InternalTimer<String, Long> timer) {}
  }
}
