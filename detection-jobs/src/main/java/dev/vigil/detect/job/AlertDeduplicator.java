package dev.vigil.detect.job;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets each {@code alert_id} through once. Alert ids are deterministic (rule, version, group,
 * window or request), so a second alert with the same id is the same finding seen again: a record
 * delivered twice after the engine's own memory of it, a key judged on two subtasks around a
 * rescale, a replay.
 *
 * <p>Design: whether a second alert passes must not depend on how the alerts of the several detect
 * subtasks interleave here, or a bounded run over the same files would give different alerts from
 * run to run. So the decision reads only what travels with the alerts: an alert passes when none
 * with its id passed before, or when the detect operator's clock when it was raised ({@link
 * AlertRecord#raisedAtClock}) has reached the earlier one's expiry (its time, or the clock it was
 * raised at if later, plus the retention). This operator's own watermark, the minimum over its
 * input channels, only cleans up: when it passes an expiry, every detect subtask had forwarded a
 * watermark past it, and its clock is at least that, so any alert with the id that arrives later
 * has a clock at or past the expiry and passes with or without the entry.
 *
 * <p>State: per alert id, the expiry of the last alert that passed. TTL: cleared by an event-time
 * timer at that expiry, so state follows the rules' windows (the retention is the longest window
 * plus suppression period of the pack, at least ten minutes). An id that passes again keeps the
 * timer of its earlier pass: that timer is already due (the id passed because its clock reached
 * that expiry, and this watermark follows), and when it fires it finds the later expiry and leaves
 * the entry to the later timer: left, not deleted, it is at most one extra timer per id, for a
 * short while. Late data: an alert is never late here; a duplicate of an alert whose entry has
 * expired passes again, which consumers keyed by alert id (OpenSearch, the pager) absorb.
 *
 * <p>Metrics: {@code rule.<id>.alerts} and, for the summary, accumulators per detection and
 * severity; {@code duplicateAlerts}.
 */
public final class AlertDeduplicator
    extends KeyedProcessFunction<String, AlertRecord, AlertRecord> {

  private static final long serialVersionUID = 1L;

  private final long retentionMillis;
  private transient ValueState<Long> expires;
  private transient Tally perRule;
  private transient Tally perDetection;
  private transient Counter duplicates;

  public AlertDeduplicator(Duration retention) {
    this.retentionMillis = retention.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    expires = getRuntimeContext().getState(new ValueStateDescriptor<>("alert-expires", Types.LONG));
    perRule = new Tally(getRuntimeContext(), "rule", "alerts", "alerts-by-rule/");
    perDetection = new Tally(getRuntimeContext(), "detection", "alerts", Tally.ALERTS);
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateAlerts");
  }

  @Override
  public void processElement(AlertRecord alert, Context context, Collector<AlertRecord> out)
      throws Exception {
    Long expiry = expires.value();
    if (expiry != null && alert.raisedAtClock < expiry) {
      duplicates.inc();
      return;
    }
    long expiresAt = saturatedAdd(Math.max(alert.time, alert.raisedAtClock), retentionMillis);
    expires.update(expiresAt);
    context.timerService().registerEventTimeTimer(expiresAt);
    perRule.add(alert.ruleId);
    perDetection.add(alert.detection + "/" + alert.severity);
    out.collect(alert);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<AlertRecord> out)
      throws Exception {
    Long expiry = expires.value();
    // A later alert with the id may have passed since this timer was set, with a later expiry.
    if (expiry != null && expiry <= timestamp) {
      expires.clear();
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
