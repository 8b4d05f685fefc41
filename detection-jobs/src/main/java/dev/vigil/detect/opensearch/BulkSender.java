package dev.vigil.detect.opensearch;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.vigil.dashboards.client.BulkConfig;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.transport.TransportException;
import org.opensearch.client.transport.httpclient5.ResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers batches of documents to OpenSearch from a thread of its own, one batch at a time and in
 * order, and holds the writer back when it falls behind.
 *
 * <p>Design. The writer hands over full batches through a queue of {@code maxBufferedRequests};
 * when the queue is full, {@link #submit} blocks, which is Flink backpressure: while OpenSearch is
 * down, the job slows to a stop instead of buffering without bound or dropping. One batch is
 * retried until every document in it has an answer:
 *
 * <ul>
 *   <li>the whole request failed to connect, timed out, or got 429 or 5xx: the whole batch again,
 *       after an exponential backoff ({@code initialBackoff} doubling to {@code maxBackoff});
 *   <li>some items got 429 or 5xx (a full write queue, a shard relocating): those items again;
 *   <li>an item got 400 (a mapping conflict, a strict mapping meeting an unknown field, a value its
 *       field's type cannot hold): retrying cannot help, so the document becomes a dead letter
 *       ({@code INDEX_REJECTED}, the whole document kept in {@code raw}, the reason in {@code
 *       message}) indexed into the dead-letter index, and the sink carries on;
 *   <li>anything else (401/403 missing permissions, 404 without auto-creation, a dead letter the
 *       dead-letter index refuses): a configuration problem, not a document's; the sender fails and
 *       the writer fails the job, which restarts from its last checkpoint.
 * </ul>
 *
 * A batch that keeps failing for {@code giveUpAfter} fails the job too. Either way nothing is lost:
 * what was not acknowledged is replayed from the checkpoint, and since every document is written
 * with its own id ({@code event_id}, {@code alert_id}) the replay overwrites what did arrive. Dead
 * letters are indexed after the batch that produced them, before it is acknowledged, so a
 * checkpoint never completes with a rejected document unaccounted for.
 */
final class BulkSender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BulkSender.class);

  /**
   * The logger of the failure that stops a sender (a batch given up on): the job fails with it, so
   * {@code vigil run}, whose own line reports that failure, keeps this one off its console, while a
   * cluster's log keeps it with the time the sender gave up.
   */
  static final String FAILURE_LOGGER = BulkSender.class.getName() + ".failure";

  private static final Logger FAILURE_LOG = LoggerFactory.getLogger(FAILURE_LOGGER);
  private static final long POLL_MILLIS = 100;
  private static final int INDICES_NAMED = 3;

  private final OpenSearchClient client;
  private final String endpoint;
  // Names this sender (its sink's kind and subtask, and the cluster) in its retry lines.
  private final String sinkLabel;
  private final BulkConfig config;
  private final DocumentMapper<DeadLetter> deadLetters;
  private final Clock clock;
  private final BlockingQueue<List<IndexDocument>> queue;
  private final Thread thread;
  private final Object lock = new Object();
  private final Counter sent;
  private final Counter sentBytes;
  private final Counter sendErrors;
  private final Counter rejected;
  private final Counter retries;

  private int unacknowledged;
  private volatile Throwable failure;
  private volatile boolean closed;

  /**
   * @param endpoint the URLs {@code client} sends to, named in every warning and failure (on-call
   *     reads which cluster is down from them); never credentials
   * @param threadName the sender thread's name, which says its sink and subtask ({@code
   *     vigil-opensearch-alerts-0}): the retry lines name it, so that on-call tells which sink
   *     waits
   */
  BulkSender(
      OpenSearchClient client,
      String endpoint,
      BulkConfig config,
      DocumentMapper<DeadLetter> deadLetters,
      SinkWriterMetricGroup metrics,
      Clock clock,
      String threadName) {
    this.client = client;
    this.endpoint = endpoint;
    this.sinkLabel = threadName + " to " + endpoint;
    this.config = config;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(config.maxBufferedRequests());
    this.sent = metrics.getNumRecordsSendCounter();
    this.sentBytes = metrics.getNumBytesSendCounter();
    this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
    this.rejected = metrics.counter("documentsDeadLettered");
    this.retries = metrics.counter("bulkRetries");
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues a batch; blocks while {@code maxBufferedRequests} batches are already waiting.
   *
   * @throws IOException when the sender has failed (the cause says why)
   */
  void submit(List<IndexDocument> batch) throws IOException, InterruptedException {
    checkFailure();
    synchronized (lock) {
      unacknowledged++;
    }
    boolean queued = false;
    try {
      while (!(queued = queue.offer(batch, POLL_MILLIS, TimeUnit.MILLISECONDS))) {
        checkFailure();
      }
    } finally {
      if (!queued) {
        synchronized (lock) {
          unacknowledged--;
        }
      }
    }
  }

  /** Waits until every submitted batch is in OpenSearch (or dead-lettered there). */
  void awaitAcknowledged() throws IOException, InterruptedException {
    synchronized (lock) {
      while (unacknowledged > 0 && failure == null) {
        lock.wait(POLL_MILLIS);
      }
    }
    checkFailure();
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }

  private void checkFailure() throws IOException {
    Throwable cause = failure;
    if (cause != null) {
      throw new IOException("the OpenSearch sink stopped: " + cause.getMessage(), cause);
    }
  }

  private void run() {
    try {
      while (!closed) {
        List<IndexDocument> batch = queue.take();
        List<IndexDocument> refused = deliver(batch, false);
        if (!refused.isEmpty()) {
          deliver(refused, true);
        }
        synchronized (lock) {
          unacknowledged--;
          lock.notifyAll();
        }
      }
    } catch (InterruptedException e) {
      // closing
    } catch (Throwable t) {
      if (!closed) {
        FAILURE_LOG.error("OpenSearch sink for {} failed: {}", endpoint, t.getMessage());
        failure = t;
      }
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Sends documents until each is indexed or refused for good.
   *
   * @return dead letters for the refused ones (none when {@code deadLetterBatch})
   */
  private List<IndexDocument> deliver(List<IndexDocument> documents, boolean deadLetterBatch)
      throws IOException, InterruptedException {
    List<IndexDocument> pending = documents;
    List<IndexDocument> refused = new ArrayList<>();
    RetryStreak streak = new RetryStreak(sinkLabel);
    int attempt = 0;
    while (true) {
      String problem;
      try {
        BulkResponse response = client.bulk(request(pending));
        if (response.items().size() != pending.size()) {
          throw new IllegalStateException(
              "OpenSearch answered "
                  + response.items().size()
                  + " items for a bulk request of "
                  + pending.size());
        }
        List<IndexDocument> again = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
          IndexDocument document = pending.get(i);
          BulkResponseItem item = response.items().get(i);
          if (item.error() == null) {
            sent.inc();
            sentBytes.inc(document.sizeInBytes());
          } else if (retryable(item.status())) {
            again.add(document);
          } else if (item.status() == 400 && !deadLetterBatch) {
            refused.add(deadLetterFor(document, item.error()));
            sendErrors.inc();
            rejected.inc();
          } else {
            throw new Refused(
                "OpenSearch refused document "
                    + document.id()
                    + " in "
                    + document.index()
                    + " with HTTP "
                    + item.status()
                    + " ("
                    + Rejections.describe(item.error())
                    + ")"
                    + (deadLetterBatch
                        ? ": the dead-letter index must take every dead letter; check its template"
                        : ": not a problem of the document; check the cluster and its permissions"));
          }
        }
        if (again.isEmpty()) {
          streak.succeeded(clock.millis()).ifPresent(LOG::info);
          return refused;
        }
        problem =
            again.size()
                + " of "
                + documents(pending.size())
                + " answered with HTTP "
                + statusOfFirstFailure(response)
                + " (a busy cluster)";
        pending = again;
      } catch (Refused e) {
        throw e;
      } catch (OpenSearchException e) {
        if (!retryable(e.status())) {
          throw new Refused(
              "OpenSearch refused the bulk request with HTTP "
                  + e.status()
                  + " ("
                  + Rejections.describe(e.error())
                  + ")");
        }
        problem = "HTTP " + e.status() + " (" + Rejections.describe(e.error()) + ")";
      } catch (ResponseException e) {
        // The transport's own answer to a status it counts as a node failure (502, 503, 504).
        if (!retryable(e.status())) {
          throw new Refused("OpenSearch refused the bulk request with HTTP " + e.status());
        }
        problem = "HTTP " + e.status();
      } catch (TransportException e) {
        int status = e.getCause() instanceof ResponseException response ? response.status() : -1;
        if (status > 0 && !retryable(status)) {
          throw new Refused(
              "OpenSearch refused the bulk request with HTTP " + status + ": " + e.getMessage());
        }
        problem = status > 0 ? "HTTP " + status + ": " + e.getMessage() : e.getMessage();
      } catch (IOException e) {
        problem = IoProblems.innermost(e);
      }
      Duration failing = streak.failed(clock.millis());
      if (!config.giveUpAfter().isZero() && failing.compareTo(config.giveUpAfter()) >= 0) {
        throw new IOException(
            "OpenSearch at "
                + endpoint
                + " did not take a batch of "
                + documents(pending.size())
                + " for "
                + indices(pending)
                + " in "
                + failing.toMillis()
                + " ms (give_up_after "
                + config.giveUpAfter().toMillis()
                + " ms); last problem: "
                + problem);
      }
      long wait = backoffMillis(attempt++);
      if (attempt == 1 || attempt % 10 == 0) {
        LOG.warn(
            "OpenSearch bulk attempt {} by {} failed, retrying {} for {} in {} ms: {}",
            attempt,
            sinkLabel,
            documents(pending.size()),
            indices(pending),
            wait,
            problem);
      }
      retries.inc();
      streak.retrying();
      Thread.sleep(wait);
    }
  }

  /** {@code 1 document}, {@code 500 documents}. */
  static String documents(int count) {
    return count + (count == 1 ? " document" : " documents");
  }

  /**
   * Which indices the documents go to, in order of first appearance, at most {@value
   * #INDICES_NAMED} named: {@code vigil-events-vault-2024.05}, {@code vigil-deadletters-2024.05}
   * (so a writer's dead letters say they are), {@code vigil-events-vault-2024.05,
   * vigil-events-aws-2024.05 and 2 more}.
   */
  static String indices(List<IndexDocument> documents) {
    List<String> names = documents.stream().map(IndexDocument::index).distinct().toList();
    String named = String.join(", ", names.subList(0, Math.min(INDICES_NAMED, names.size())));
    return names.size() <= INDICES_NAMED
        ? named
        : named + " and " + (names.size() - INDICES_NAMED) + " more";
  }

  private BulkRequest request(List<IndexDocument> documents) {
    BulkRequest.Builder bulk = new BulkRequest.Builder();
    for (IndexDocument document : documents) {
      // The JSON was written once, as UTF-8, by the mapper; RawValue copies its bytes as they are.
      bulk.operations(
          op ->
              op.index(
                  index ->
                      index
                          .index(document.index())
                          .id(document.id())
                          .document(new RawValue(new RawJson(document.json())))));
    }
    return bulk.build();
  }

  private IndexDocument deadLetterFor(IndexDocument document, ErrorCause error) {
    String reason = Rejections.describe(error);
    LOG.warn("OpenSearch rejected document {} in {}: {}", document.id(), document.index(), reason);
    DeadLetter deadLetter =
        DeadLetter.newBuilder()
            .setRaw(ByteBuffer.wrap(document.json()))
            .setReason(DeadLetterReason.INDEX_REJECTED)
            .setMessage(
                "OpenSearch rejected document "
                    + document.id()
                    + " for index "
                    + document.index()
                    + ": "
                    + reason)
            .setOrigin(document.origin())
            .setSourceGuess(document.source())
            .setReceivedAt(clock.instant())
            .build();
    return deadLetters.map(deadLetter);
  }

  private long backoffMillis(int attempt) {
    long initial = config.initialBackoff().toMillis();
    long max = config.maxBackoff().toMillis();
    return attempt >= 30 ? max : Math.min(max, initial << attempt);
  }

  private static int statusOfFirstFailure(BulkResponse response) {
    for (BulkResponseItem item : response.items()) {
      if (item.error() != null && retryable(item.status())) {
        return item.status();
      }
    }
    return 0;
  }

  private static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }

  /** OpenSearch said no in a way no retry changes. */
  private static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }
}
