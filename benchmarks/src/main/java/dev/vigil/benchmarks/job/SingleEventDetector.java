package dev.vigil.benchmarks.job;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The baseline's single-event detections (root use, policy change), keyed by request: one alert per
 * detection per request (a Vault request and its response alert once), at the event time of the
 * earliest matching entry, emitted when the watermark passes it. The request is remembered for ten
 * minutes after its alert, as the engine remembers alert ids, so a late duplicate does not alert
 * again.
 */
public final class SingleEventDetector extends KeyedProcessFunction<String, Signal, BaselineAlert> {

  private static final long serialVersionUID = 1L;
  private static final long MEMORY_MS = 10 * 60_000L;

  /** Per request: the earliest matching time per detection not yet alerted, and those alerted. */
  public static class Request {
    public long[] earliest = {Long.MAX_VALUE, Long.MAX_VALUE};
    public int alerted;
    public long forgetAt = Long.MAX_VALUE;
  }

  private transient ValueState<Request> requests;

  @Override
  public void open(OpenContext openContext) {
    requests =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("request", TypeInformation.of(Request.class)));
  }

  @Override
  public void processElement(Signal signal, Context context, Collector<BaselineAlert> out)
      throws Exception {
    Request request = requests.value();
    if (request == null) {
      request = new Request();
    }
    int pending = signal.flags & ~request.alerted;
    if (pending == 0) {
      return;
    }
    for (int i = 0; i < BaselineDetectionJob.SINGLE_DETECTIONS.length; i++) {
      if ((pending & (1 << i)) != 0 && signal.time < request.earliest[i]) {
        request.earliest[i] = signal.time;
      }
    }
    requests.update(request);
    context.timerService().registerEventTimeTimer(signal.time);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<BaselineAlert> out)
      throws Exception {
    Request request = requests.value();
    if (request == null) {
      return;
    }
    boolean emitted = false;
    boolean waiting = false;
    for (int i = 0; i < BaselineDetectionJob.SINGLE_DETECTIONS.length; i++) {
      long earliest = request.earliest[i];
      if (earliest == Long.MAX_VALUE) {
        continue;
      }
      if (earliest <= timestamp) {
        out.collect(
            new BaselineAlert(
                BaselineDetectionJob.SINGLE_DETECTIONS[i],
                BaselineDetectionJob.SINGLE_DETECTIONS[i],
                null,
                earliest,
                context.getCurrentKey()));
        request.alerted |= 1 << i;
        request.earliest[i] = Long.MAX_VALUE;
        emitted = true;
      } else {
        waiting = true;
      }
    }
    if (emitted) {
      request.forgetAt = timestamp + MEMORY_MS;
      context.timerService().registerEventTimeTimer(request.forgetAt);
      requests.update(request);
    } else if (!waiting && timestamp >= request.forgetAt) {
      requests.clear();
    }
  }
}
