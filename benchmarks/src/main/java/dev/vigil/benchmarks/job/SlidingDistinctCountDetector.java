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
 * The baseline's windowed detections (denied-access spike, mass secret reads), keyed by {@code
 * actor.id}: the number of distinct values (request keys, resources) in a sliding event-time window
 * {@code (t - span, t]} ending at every arriving event, an alert when it reaches the threshold,
 * then quiet for that actor for one span.
 *
 * <p>Design: events wait in a map by event time until the watermark passes them (one timer per
 * distinct time), then enter the window in time order, so arrival order within the out-of-orderness
 * bound does not matter. The window is a deque of (time, value) with a count per distinct value:
 * each event costs an append, a few evictions and a map update. A timer one span after the newest
 * event clears the key's state.
 */
public final class SlidingDistinctCountDetector
    extends KeyedProcessFunction<String, Signal, BaselineAlert> {

  private static final long serialVersionUID = 1L;

  /** One actor's window. */
  public static class Window {
    public ArrayDeque<Long> times = new ArrayDeque<>();
    public ArrayDeque<String> values = new ArrayDeque<>();
    public HashMap<String, Integer> counts = new HashMap<>();
    public long lastAlert = Long.MIN_VALUE;
  }

  private final String detection;
  private final long spanMs;
  private final int threshold;
  private transient MapState<Long, List<String>> waiting;
  private transient ValueState<Window> windows;

  public SlidingDistinctCountDetector(String detection, long spanMs, int threshold) {
    this.detection = detection;
    this.spanMs = spanMs;
    this.threshold = threshold;
  }

  @Override
  public void open(OpenContext openContext) {
    waiting =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("waiting", Types.LONG, Types.LIST(Types.STRING)));
    windows =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("window", TypeInformation.of(Window.class)));
  }

  @Override
  public void processElement(Signal signal, Context context, Collector<BaselineAlert> out)
      throws Exception {
    List<String> at = waiting.get(signal.time);
    if (at == null) {
      at = new ArrayList<>(2);
      context.timerService().registerEventTimeTimer(signal.time);
    }
    at.add(signal.value);
    waiting.put(signal.time, at);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<BaselineAlert> out)
      throws Exception {
    Window window = windows.value();
    List<String> arriving = waiting.get(timestamp);
    if (arriving == null) {
      // The cleanup timer, one span after the newest event: the window is empty by now.
      if (window != null) {
        evict(window, timestamp);
        if (window.times.isEmpty()) {
          windows.clear();
        }
      }
      return;
    }
    waiting.remove(timestamp);
    if (window == null) {
      window = new Window();
    }
    evict(window, timestamp);
    for (String value : arriving) {
      window.times.addLast(timestamp);
      window.values.addLast(value);
      window.counts.merge(value, 1, Integer::sum);
      if (window.counts.size() >= threshold
          && (window.lastAlert == Long.MIN_VALUE || timestamp - window.lastAlert >= spanMs)) {
        window.lastAlert = timestamp;
        out.collect(
            new BaselineAlert(
                detection, context.getCurrentKey(), timestamp, null, window.counts.size()));
      }
    }
    windows.update(window);
    context.timerService().registerEventTimeTimer(timestamp + spanMs);
  }

  /** Drops what the window ending at {@code now} no longer holds: times at or before now - span. */
  private void evict(Window window, long now) {
    while (!window.times.isEmpty() && window.times.peekFirst() <= now - spanMs) {
      window.times.removeFirst();
      String value = window.values.removeFirst();
      window.counts.computeIfPresent(value, (v, n) -> n == 1 ? null : n - 1);
    }
  }
}
