package dev.vigil.cli;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The records of {@code vigil normalize}, normalized and encoded on worker threads, and handed back
 * in the order they were read, so that the output is the same whatever the number of workers.
 *
 * <p>Design: one reader, the caller, splits the inputs in path order and {@link #submit}s each raw
 * record. Records are gathered into batches ({@link #BATCH_RECORDS} records or {@link #BATCH_BYTES}
 * bytes, whichever is reached first), so that handing work to a thread costs little beside the
 * work. A worker normalizes a batch and encodes its events and dead letters in the output format
 * (the two costly steps); the caller then hands the results, oldest batch first, to its {@link
 * Results}, which write them: reading, writing, the summary and progress stay on the caller's
 * thread, as in a sequential run. At most {@link #window} batches are in flight: when that many
 * are, the caller waits for the oldest and writes it before it reads on, so that reading is never
 * more than a bounded number of records ahead of writing, however large the input.
 *
 * <p>With one worker there is no thread and no batch: each record is normalized as it is submitted,
 * and each of its events and dead letters goes to the {@link Results} as it comes, for the writer
 * to encode straight into the stream ({@link OutputFormat#DIRECT}), as the command always did:
 * encoding ahead only pays when other threads do it.
 *
 * <p>The {@link Normalizer} and its parsers are shared by the workers: they are thread-safe (their
 * caches are concurrent maps of pure functions, per-record state lives in per-record objects, the
 * SHA-256 digests are per thread). Each batch has its own {@link OutputFormat#encoder()}.
 */
final class NormalizePipeline implements AutoCloseable {

  /** Records per batch: enough that a batch's work dwarfs the cost of handing it over. */
  static final int BATCH_RECORDS = 256;

  /** Bytes per batch, so that a batch of large records (envelopes) holds few of them. */
  static final int BATCH_BYTES = 256 * 1024;

  /**
   * How long closing waits for workers to stop after a failure. A worker stops at the end of its
   * batch, bounded work; its threads are daemons, so one that overran would not keep the JVM.
   */
  private static final long SHUTDOWN_WAIT_SECONDS = 5;

  /** Where each record's results go, in the order of the records, on the caller's thread. */
  interface Results {
    /** A record's results follow; called for every record, first. */
    void record(RawRecord record);

    void event(AuditEvent event, OutputFormat.Encoded<AuditEvent> encoded);

    void deadLetter(DeadLetter deadLetter, OutputFormat.Encoded<DeadLetter> encoded);
  }

  private final Normalizer normalizer;
  private final OutputFormat format;
  private final Results results;
  private final ExecutorService workers;
  private final int window;
  private final int batchRecords;
  private final int batchBytes;

  /** With one worker: the normalizer's output, handed on unencoded. */
  private final NormalizeOutput straightToResults =
      new NormalizeOutput() {
        @Override
        public void event(AuditEvent event) {
          results.event(event, OutputFormat.DIRECT.event(event));
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
          results.deadLetter(deadLetter, OutputFormat.DIRECT.deadLetter(deadLetter));
        }
      };

  private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
  private List<RawRecord> gathering = new ArrayList<>();
  private long gatheringBytes;

  /**
   * @param workers how many threads normalize; 1 for none but the caller's
   */
  NormalizePipeline(Normalizer normalizer, OutputFormat format, int workers, Results results) {
    this(normalizer, format, workers, results, BATCH_RECORDS, BATCH_BYTES);
  }

  /** With other batch sizes, for tests of the ordering and of the window. */
  NormalizePipeline(
      Normalizer normalizer,
      OutputFormat format,
      int workers,
      Results results,
      int batchRecords,
      int batchBytes) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1");
    }
    this.normalizer = normalizer;
    this.format = format;
    this.results = results;
    this.workers = workers == 1 ? null : Executors.newFixedThreadPool(workers, daemons());
    // Two batches a worker: one in work, one waiting, while the caller writes an older one.
    this.window = 2 * workers;
    this.batchRecords = batchRecords;
    this.batchBytes = batchBytes;
  }

  /**
   * Takes the next record. It may write earlier records' results (always those of whole batches,
   * oldest first), and it waits while the window is full. A failure of a {@link Results} method (a
   * write error) or of normalizing (a bug) propagates from here, after every record before the one
   * it happened at was written, as in a sequential run.
   */
  void submit(RawRecord record) {
    if (workers == null) {
      results.record(record);
      normalizer.normalize(record, straightToResults);
      return;
    }
    gathering.add(record);
    gatheringBytes += record.bytes().length;
    if (gathering.size() >= batchRecords || gatheringBytes >= batchBytes) {
      dispatch();
    }
  }

  /** Writes the results of every record submitted so far; then the pipeline takes more. */
  void flush() {
    dispatch();
    while (!inFlight.isEmpty()) {
      deliverOldest();
    }
  }

  /** Batches handed to the workers and not yet written: never more than the window. */
  int batchesInFlight() {
    return inFlight.size();
  }

  /**
   * Stops the workers without writing what is in flight (after a failure; {@link #flush} first to
   * write it), waiting a bounded time for them.
   */
  @Override
  public void close() {
    if (workers == null) {
      return;
    }
    inFlight.forEach(batch -> batch.cancel(false));
    inFlight.clear();
    workers.shutdownNow();
    try {
      workers.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void dispatch() {
    if (gathering.isEmpty()) {
      return;
    }
    while (inFlight.size() >= window) {
      deliverOldest();
    }
    Batch batch = new Batch(gathering, format.encoder());
    inFlight.add(workers.submit(batch::normalize));
    gathering = new ArrayList<>();
    gatheringBytes = 0;
  }

  private void deliverOldest() {
    Batch batch;
    try {
      batch = inFlight.peek().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException("interrupted while normalizing");
    } catch (ExecutionException e) {
      // Batch.normalize keeps every failure of a record for deliver; this is one outside them.
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof RuntimeException failure
          ? failure
          : new IllegalStateException(e.getCause());
    }
    inFlight.remove();
    batch.deliver(results);
  }

  /**
   * A batch of records and, once normalized, their events and dead letters with their encodings.
   */
  private final class Batch implements NormalizeOutput {
    private final List<RawRecord> records;
    private final OutputFormat.Encoder encoder;
    private final List<Consumer<Results>> outcomes = new ArrayList<>();

    /** For each record normalized, the end of its outcomes in {@link #outcomes}. */
    private final int[] ends;

    private int normalized;
    private Throwable failure;

    Batch(List<RawRecord> records, OutputFormat.Encoder encoder) {
      this.records = records;
      this.encoder = encoder;
      this.ends = new int[records.size()];
    }

    /**
     * Normalizes the records in order. A failure stops the batch at its record, keeping what that
     * record gave before it, for {@link #deliver} to write and then throw as a sequential run
     * would.
     */
    Batch normalize() {
      for (RawRecord record : records) {
        try {
          normalizer.normalize(record, this);
        } catch (RuntimeException | Error e) {
          failure = e;
        }
        ends[normalized++] = outcomes.size();
        if (failure != null) {
          break;
        }
      }
      return this;
    }

    @Override
    public void event(AuditEvent event) {
      OutputFormat.Encoded<AuditEvent> encoded = encoder.event(event);
      outcomes.add(results -> results.event(event, encoded));
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
      OutputFormat.Encoded<DeadLetter> encoded = encoder.deadLetter(deadLetter);
      outcomes.add(results -> results.deadLetter(deadLetter, encoded));
    }

    void deliver(Results results) {
      int outcome = 0;
      for (int i = 0; i < normalized; i++) {
        results.record(records.get(i));
        for (; outcome < ends[i]; outcome++) {
          outcomes.get(outcome).accept(results);
        }
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
    }
  }

  private static ThreadFactory daemons() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "vigil-normalize-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
