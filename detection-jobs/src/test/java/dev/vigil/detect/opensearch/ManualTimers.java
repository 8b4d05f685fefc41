package dev.vigil.detect.opensearch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;

/** Processing-time timers a test fires by hand, on its own thread, as Flink's mailbox would. */
final class ManualTimers implements ProcessingTimeService {

  private final List<ProcessingTimeCallback> pending = new ArrayList<>();

  @Override
  public long getCurrentProcessingTime() {
    return System.currentTimeMillis();
  }

  @Override
  public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
    pending.add(callback);
    return new Registered();
  }

  int pending() {
    return pending.size();
  }

  void fireAll() throws Exception {
    List<ProcessingTimeCallback> due = new ArrayList<>(pending);
    pending.clear();
    for (ProcessingTimeCallback callback : due) {
      callback.onProcessingTime(getCurrentProcessingTime());
    }
  }

  private static final class Registered extends CompletableFuture<Object>
      implements ScheduledFuture<Object> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return 0;
    }
  }
}
