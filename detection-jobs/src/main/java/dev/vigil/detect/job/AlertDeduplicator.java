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
 * <p>State: per alert id, a flag. TTL: the flag is cleared by an event-time timer at the alert's
 * time (or the watermark, if later) plus the retention given (the longest window plus suppression
 * period of the pack, at least ten minutes), so state follows the rules' windows. Late data: an
 * alert is never late here; a duplicate of an alert whose flag has expired passes again, which
 * consumers keyed by alert id (OpenSearch, the pager) absorb.
 *
 * <p>Metrics: {@code rule.<id>.alerts} and, for the summary, accumulators per detection and
 * severity; {@code duplicateAlerts}.
 */
public final class AlertDeduplicator
    extends KeyedProcessFunction<String, AlertRecord, AlertRecord> {

  private static final long serialVersionUID = 1L;

  private final long retentionMillis;
  private transient ValueState<Boolean> seen;
  private transient Tally perRule;
  private transient Tally perDetection;
  private transient Counter duplicates;

  public AlertDeduplicator(Duration retention) {
    this.retentionMillis = retention.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    seen = getRuntimeContext().getState(new ValueStateDescriptor<>("alert-seen", Types.BOOLEAN));
    perRule = new Tally(getRuntimeContext(), "rule", "alerts", "alerts-by-rule/");
    perDetection = new Tally(getRuntimeContext(), "detection", "alerts", Tally.ALERTS);
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateAlerts");
  }

  @Override
  public void processElement(AlertRecord alert, Context context, Collector<AlertRecord> out)
      throws Exception {
    if (seen.value() != null) {
      duplicates.inc();
      return;
    }
    seen.update(true);
    long from = Math.max(alert.time, context.timerService().currentWatermark());
    context.timerService().registerEventTimeTimer(saturatedAdd(from, retentionMillis));
    perRule.add(alert.ruleId);
    perDetection.add(alert.detection + "/" + alert.severity);
    out.collect(alert);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<AlertRecord> out) {
    seen.clear();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
