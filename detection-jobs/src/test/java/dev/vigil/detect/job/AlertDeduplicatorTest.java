package dev.vigil.detect.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AlertDeduplicatorTest {

  private static final long MINUTE = 60_000;

  @Test
  void aRepeatPassesByTheClockItWasRaisedAtWhetherOrNotTheEntryWasCleanedUp() throws Exception {
    // Two runs that see the same alerts, but where this operator's own watermark (the slowest of
    // the detect subtasks) moved past the first alert's expiry at different moments.
    assertThat(passed(false)).isEqualTo(passed(true)).containsExactly("first", "third");
  }

  private static List<String> passed(boolean watermarkPassesTheExpiryFirst) throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> harness =
        harness()) {
      harness.open();
      harness.processElement(alert("first", 0, 0), 0);
      // Raised while its detect subtask's clock was before the first's expiry: a duplicate.
      harness.processElement(alert("second", 5 * MINUTE, 9 * MINUTE), 5 * MINUTE);
      if (watermarkPassesTheExpiryFirst) {
        harness.processWatermark(new Watermark(11 * MINUTE));
      }
      // Raised once that clock had passed it: the same finding again, much later.
      harness.processElement(alert("third", 2 * MINUTE, 11 * MINUTE), 2 * MINUTE);
      harness.processWatermark(new Watermark(Long.MAX_VALUE));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
      return harness.extractOutputValues().stream().map(a -> a.json).toList();
    }
  }

  @Test
  void aReArmedIdOutlivesTheTimerOfItsEarlierPassAndIsGoneAfterItsOwn() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> harness =
        harness()) {
      harness.open();
      harness.processElement(alert("first", 0, 0), 0);
      // The same id again once the clock it was raised at passed the first's expiry (10 minutes),
      // while this operator's watermark is still behind: it passes and re-arms the entry, to 22
      // minutes, with the first's timer still pending.
      harness.processElement(alert("second", 12 * MINUTE, 12 * MINUTE), 12 * MINUTE);

      // The first's timer fires and finds the later expiry: the entry stays, the timer is gone.
      harness.processWatermark(new Watermark(15 * MINUTE));
      assertThat(harness.numKeyedStateEntries()).isOne();
      assertThat(harness.numEventTimeTimers()).isOne();
      // So a repeat raised before the re-armed expiry is still a duplicate.
      harness.processElement(alert("third", 13 * MINUTE, 15 * MINUTE), 13 * MINUTE);

      harness.processWatermark(new Watermark(Long.MAX_VALUE));
      assertThat(harness.extractOutputValues())
          .extracting(a -> a.json)
          .containsExactly("first", "second");
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, AlertRecord, AlertRecord> harness()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertDeduplicator(Duration.ofMinutes(10))),
        AlertRecord::getAlertId,
        Types.STRING);
  }

  private static AlertRecord alert(String name, long time, long raisedAtClock) {
    AlertRecord alert = new AlertRecord();
    alert.alertId = "one-finding";
    alert.ruleId = "rule";
    alert.detection = "detection";
    alert.severity = "high";
    alert.time = time;
    alert.raisedAtClock = raisedAtClock;
    alert.json = name;
    return alert;
  }
}
