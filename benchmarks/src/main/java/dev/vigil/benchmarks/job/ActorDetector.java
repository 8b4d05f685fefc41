package dev.vigil.benchmarks.job;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The baseline's windowed detections, all keyed by {@code actor.id}, in one operator (one shuffle
 * per event, as a Flink developer would write it for detections that share a key):
 *
 * <ul>
 *   <li>{@code denied_access_spike}: ≥ 10 distinct denied requests in a sliding 5 min window;
 *   <li>{@code mass_secret_reads}: ≥ 50 distinct secrets read in a sliding 10 min window;
 *   <li>{@code break_glass_use}: a break-glass event, at most one alert per hour;
 *   <li>{@code break_glass_escalation}: a break-glass event followed (or accompanied) by a
 *       privileged action within an hour, at most one alert per hour.
 * </ul>
 *
 * Each alerts when an arriving event ends a window {@code (t - span, t]} that satisfies it, then
 * stays quiet for that actor for one span (the engine's semantics, docs/rules.md "Correlations").
 *
 * <p>Design: signals wait in a map by event time until the watermark passes them (one timer per
 * distinct time), then enter the windows in time order, so arrival order within the out-of-order
 * bound does not matter. A distinct-count window is a deque of (time, value) with a count per
 * distinct value. The escalation needs only the break-glass events still in its window and the
 * newest privileged action since the first of them (an action before every break-glass event of the
 * window can never follow one), so an ordinary actor's secret reads cost it nothing. A timer one
 * span after the newest event clears the key's state.
 */
public final class ActorDetector extends KeyedProcessFunction<String, Signal, BaselineAlert> {

  private static final long serialVersionUID = 1L;

  static final long DENIED_SPAN_MS = 5 * 60_000L;
  static final int DENIED_THRESHOLD = 10;
  static final long READS_SPAN_MS = 10 * 60_000L;
  static final int READS_THRESHOLD = 50;
  static final long BREAK_GLASS_SPAN_MS = 60 * 60_000L;

  /** A sliding distinct count. */
  public static class DistinctWindow {
    public ArrayDeque<Long> times = new ArrayDeque<>();
    public ArrayDeque<String> values = new ArrayDeque<>();
    public HashMap<String, Integer> counts = new HashMap<>();
    public long lastAlert = Long.MIN_VALUE;

    void evict(long now, long span) {
      while (!times.isEmpty() && times.peekFirst() <= now - span) {
        times.removeFirst();
        String value = values.removeFirst();
        counts.computeIfPresent(value, (v, n) -> n == 1 ? null : n - 1);
      }
    }

    /** Adds the value; whether the window now alerts. */
    boolean add(long time, String value, long span, int threshold) {
      times.addLast(time);
      values.addLast(value);
      counts.merge(value, 1, Integer::sum);
      if (counts.size() >= threshold && quietOver(lastAlert, time, span)) {
        lastAlert = time;
        return true;
      }
      return false;
    }
  }

  /** One actor's windows. */
  public static class Windows {
    public DistinctWindow denied = new DistinctWindow();
    public DistinctWindow reads = new DistinctWindow();
    public long breakGlassAlert = Long.MIN_VALUE;
    public long escalationAlert = Long.MIN_VALUE;

    /** Break-glass events in the last hour: time and judging order. */
    public ArrayDeque<Long> breakGlassTimes = new ArrayDeque<>();

    public ArrayDeque<Long> breakGlassOrder = new ArrayDeque<>();
    public long privilegedTime = Long.MIN_VALUE;
    public long privilegedOrder = Long.MIN_VALUE;

    /** Judging order of the signals of this actor. */
    public long judged;

    /** When the newest signal leaves every window and quiet period. */
    public long keepUntil = Long.MIN_VALUE;
  }

  private transient MapState<Long, List<Signal>> waiting;
  private transient ValueState<Windows> windows;

  @Override
  public void open(OpenContext openContext) {
    waiting =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "waiting", Types.LONG, Types.LIST(TypeInformation.of(Signal.class))));
    windows =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("windows", TypeInformation.of(Windows.class)));
  }

  @Override
  public void processElement(Signal signal, Context context, Collector<BaselineAlert> out)
      throws Exception {
    List<Signal> at = waiting.get(signal.time);
    if (at == null) {
      at = new ArrayList<>(2);
      context.timerService().registerEventTimeTimer(signal.time);
    }
    at.add(signal);
    waiting.put(signal.time, at);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<BaselineAlert> out)
      throws Exception {
    Windows state = windows.value();
    List<Signal> arriving = waiting.get(timestamp);
    if (arriving == null) {
      // A cleanup timer: every window and quiet period has passed unless newer events came.
      if (state != null && timestamp >= state.keepUntil) {
        windows.clear();
      }
      return;
    }
    waiting.remove(timestamp);
    if (state == null) {
      state = new Windows();
    }
    String actor = context.getCurrentKey();
    state.denied.evict(timestamp, DENIED_SPAN_MS);
    state.reads.evict(timestamp, READS_SPAN_MS);
    while (!state.breakGlassTimes.isEmpty()
        && state.breakGlassTimes.peekFirst() <= timestamp - BREAK_GLASS_SPAN_MS) {
      state.breakGlassTimes.removeFirst();
      state.breakGlassOrder.removeFirst();
    }
    long span = 0;
    for (Signal signal : arriving) {
      long order = state.judged++;
      if ((signal.flags & Signal.DENIED) != 0) {
        span = Math.max(span, DENIED_SPAN_MS);
        if (state.denied.add(timestamp, signal.request, DENIED_SPAN_MS, DENIED_THRESHOLD)) {
          out.collect(alert("denied_access_spike", "denied_access_spike", actor, timestamp));
        }
      }
      if ((signal.flags & Signal.SECRET_READ) != 0) {
        span = Math.max(span, READS_SPAN_MS);
        if (state.reads.add(timestamp, signal.resource, READS_SPAN_MS, READS_THRESHOLD)) {
          out.collect(alert("mass_secret_reads", "mass_secret_reads", actor, timestamp));
        }
      }
      if ((signal.flags & Signal.BREAK_GLASS) != 0) {
        span = BREAK_GLASS_SPAN_MS;
        state.breakGlassTimes.addLast(timestamp);
        state.breakGlassOrder.addLast(order);
        if (quietOver(state.breakGlassAlert, timestamp, BREAK_GLASS_SPAN_MS)) {
          state.breakGlassAlert = timestamp;
          out.collect(alert("break_glass_use", "break_glass_use", actor, timestamp));
        }
      }
      if ((signal.flags & Signal.PRIVILEGED) != 0 && !state.breakGlassTimes.isEmpty()) {
        state.privilegedTime = timestamp;
        state.privilegedOrder = order;
      }
      if ((signal.flags & (Signal.BREAK_GLASS | Signal.PRIVILEGED)) != 0
          && escalated(state, timestamp)
          && quietOver(state.escalationAlert, timestamp, BREAK_GLASS_SPAN_MS)) {
        state.escalationAlert = timestamp;
        out.collect(alert("break_glass_use", "break_glass_escalation", actor, timestamp));
      }
    }
    if (timestamp + span > state.keepUntil) {
      state.keepUntil = timestamp + span;
      context.timerService().registerEventTimeTimer(state.keepUntil);
    }
    windows.update(state);
  }

  /**
   * Whether a break-glass event of the window comes before or with its newest privileged action.
   */
  private static boolean escalated(Windows state, long now) {
    return !state.breakGlassOrder.isEmpty()
        && state.privilegedTime > now - BREAK_GLASS_SPAN_MS
        && state.breakGlassOrder.peekFirst() <= state.privilegedOrder;
  }

  /** Whether a group that last alerted at {@code last} may alert again at {@code now}. */
  private static boolean quietOver(long last, long now, long span) {
    return last == Long.MIN_VALUE || now - last >= span;
  }

  private static BaselineAlert alert(String detection, String rule, String actor, long time) {
    return new BaselineAlert(detection, rule, actor, time, null);
  }
}
