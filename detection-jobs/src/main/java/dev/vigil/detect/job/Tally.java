package dev.vigil.detect.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Counts by label, twice: a Flink metric per label (for dashboards of a running job) and an
 * accumulator per label (merged over subtasks into the job result, which the bounded run's summary
 * reads). Labels are created on first use, so only what occurs is reported.
 */
public final class Tally {

  /** Accumulator names the job result carries (see {@link dev.vigil.detect.DetectSummary}). */
  public static final String RECORDS = "recordsIn";

  public static final String EVENTS = "events/";
  public static final String DEAD_LETTERS = "dead_letters/";
  public static final String DEAD_LETTERS_BY_SOURCE = "dead_letters_by_source/";
  public static final String ALERTS = "alerts/";
  public static final String LATE = "lateRecords";

  /**
   * {@code <origin>: <what went wrong>} of each input whose reading failed part-way (a cut-off
   * gzip), in read order (accumulator only: a list, not a count).
   */
  public static final String DAMAGED_INPUTS = "damagedInputs";

  /** The earliest and latest event time normalized, epoch millis (accumulators only). */
  public static final String EARLIEST_EVENT = "earliestEventTime";

  public static final String LATEST_EVENT = "latestEventTime";

  private final RuntimeContext context;
  private final MetricGroup metrics;
  private final String labelKey;
  private final String metricName;
  private final String accumulatorPrefix;
  private final Map<String, Counter> counters = new HashMap<>();
  private final Map<String, LongCounter> accumulators = new HashMap<>();

  /**
   * @param labelKey the metric group key of the label (for example {@code reason})
   * @param metricName the counter's name under {@code <labelKey>.<label>}
   * @param accumulatorPrefix the accumulator name before the label
   */
  public Tally(
      RuntimeContext context, String labelKey, String metricName, String accumulatorPrefix) {
    this.context = context;
    this.metrics = context.getMetricGroup();
    this.labelKey = labelKey;
    this.metricName = metricName;
    this.accumulatorPrefix = accumulatorPrefix;
  }

  public void add(String label) {
    Counter counter = counters.get(label);
    if (counter == null) {
      counter = metrics.addGroup(labelKey, label).counter(metricName);
      counters.put(label, counter);
      LongCounter accumulator = new LongCounter();
      context.addAccumulator(accumulatorPrefix + label, accumulator);
      accumulators.put(label, accumulator);
    }
    counter.inc();
    accumulators.get(label).add(1);
  }

  /** One unlabelled counter: a metric and an accumulator of the same name. */
  public static Single single(RuntimeContext context, String name) {
    Counter counter = context.getMetricGroup().counter(name);
    LongCounter accumulator = new LongCounter();
    context.addAccumulator(name, accumulator);
    return new Single(counter, accumulator);
  }

  /** See {@link #single}. */
  public record Single(Counter counter, LongCounter accumulator) {
    public void add() {
      counter.inc();
      accumulator.add(1);
    }
  }
}
