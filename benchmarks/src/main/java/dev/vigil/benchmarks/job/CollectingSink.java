package dev.vigil.benchmarks.job;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Hands a job's alerts to the benchmark, which runs the job on a MiniCluster in its own JVM: each
 * subtask adds what it receives to a queue named by the run. Alerts are few, so this costs the jobs
 * nothing measurable.
 */
final class CollectingSink<T> implements Sink<T> {

  private static final long serialVersionUID = 1L;
  private static final Map<String, Queue<FoundAlert>> RUNS = new ConcurrentHashMap<>();

  /** Turns a job's alert into what the benchmark compares. */
  @FunctionalInterface
  interface Mapper<T> extends Serializable {
    FoundAlert map(T alert);
  }

  private final String run;
  private final Mapper<T> mapper;

  CollectingSink(String run, Mapper<T> mapper) {
    this.run = run;
    this.mapper = mapper;
    RUNS.put(run, new ConcurrentLinkedQueue<>());
  }

  /** The alerts the run collected; forgets the run. */
  static List<FoundAlert> take(String run) {
    Queue<FoundAlert> found = RUNS.remove(run);
    return found == null ? List.of() : List.copyOf(found);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    Queue<FoundAlert> queue = RUNS.get(run);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context context) {
        queue.add(mapper.map(element));
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
