package dev.vigil.detect.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes records through, and throws once (per test JVM) in the first subtask that has passed
 * {@code afterRecords} records since a checkpoint completed: a failure mid-stream, after state and
 * offsets exist to recover from. The flag is static because the restarted task is a new instance in
 * the same JVM (a MiniCluster).
 */
final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

  private static final long serialVersionUID = 1L;
  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();

  private final long afterRecords;
  private transient long passed;
  private transient boolean checkpointed;

  FailOnceAfterCheckpoint(long afterRecords) {
    this.afterRecords = afterRecords;
  }

  @Override
  public T map(T value) {
    if (checkpointed && ++passed >= afterRecords && FAILED.compareAndSet(false, true)) {
      throw new IllegalStateException("injected failure (test)");
    }
    return value;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    checkpointed = true;
    CHECKPOINTED.set(true);
  }
}
