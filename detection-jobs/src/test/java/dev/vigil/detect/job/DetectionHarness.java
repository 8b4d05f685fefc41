package dev.vigil.detect.job;

import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The detection operator under Flink's keyed test harness, fed through the job's route step. */
final class DetectionHarness {

  private DetectionHarness() {}

  /** The operator judging by {@code rules}, opened; restored from {@code restoreFrom} if given. */
  static KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> open(
      RuleSet rules, OperatorSubtaskState restoreFrom, Duration vaultPairMemory) throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new DetectionOperator(rules, vaultPairMemory), RoutedEvent::getKey, Types.STRING);
    if (restoreFrom != null) {
      harness.initializeState(restoreFrom);
    }
    harness.open();
    return harness;
  }

  /**
   * Routes each event as the job's route operator does and hands every routed copy to the operator,
   * stamped with the event's time.
   */
  static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, AlertRecord> harness,
      Routes routes,
      List<AuditEvent> events)
      throws Exception {
    for (AuditEvent event : events) {
      List<RoutedEvent> routed = new ArrayList<>();
      GroupRouter.routed(routes, event, 0, routed::add);
      for (RoutedEvent r : routed) {
        harness.processElement(new StreamRecord<>(r, event.getTime().toEpochMilli()));
      }
    }
  }
}
