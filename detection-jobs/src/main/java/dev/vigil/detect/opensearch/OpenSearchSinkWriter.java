package dev.vigil.detect.opensearch;

import dev.vigil.dashboards.client.BulkConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.event.DeadLetter;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Collects documents into bulk batches of at most {@code maxActions} documents or {@code maxBytes}
 * bytes and hands each full batch to the {@link BulkSender}. A partly filled batch goes out after
 * {@code flushInterval} (a processing-time timer, run on the task thread like {@code write}) and on
 * {@link #flush}, which Flink calls before every checkpoint barrier and at the end of input: flush
 * returns only when everything written so far is acknowledged by OpenSearch, so a completed
 * checkpoint means every document before it is indexed (or dead-lettered there).
 */
final class OpenSearchSinkWriter<T> implements SinkWriter<T> {

  private final OpenSearchConnection connection;
  private final DocumentMapper<T> mapper;
  private final BulkConfig config;
  private final ProcessingTimeService timers;
  private final BulkSender sender;

  private List<IndexDocument> batch;
  private long batchBytes;
  private boolean timerPending;

  OpenSearchSinkWriter(
      OpenSearchConnection connection,
      DocumentMapper<T> mapper,
      DocumentMapper<DeadLetter> deadLetters,
      BulkConfig config,
      SinkWriterMetricGroup metrics,
      ProcessingTimeService timers,
      String name) {
    this.connection = connection;
    this.mapper = mapper;
    this.config = config;
    this.timers = timers;
    this.sender =
        new BulkSender(
            connection.client(),
            connection.endpoint(),
            config,
            deadLetters,
            metrics,
            Clock.systemUTC(),
            name);
    this.batch = new ArrayList<>();
  }

  @Override
  public void write(T element, Context context) throws IOException, InterruptedException {
    IndexDocument document = mapper.map(element);
    batch.add(document);
    batchBytes += document.sizeInBytes();
    if (batch.size() >= config.maxActions() || batchBytes >= config.maxBytes()) {
      submitBatch();
    } else if (!timerPending && !config.flushInterval().isZero()) {
      timerPending = true;
      timers.registerTimer(
          timers.getCurrentProcessingTime() + config.flushInterval().toMillis(),
          time -> {
            timerPending = false;
            if (!batch.isEmpty()) {
              submitBatch();
            }
          });
    }
  }

  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    if (!batch.isEmpty()) {
      submitBatch();
    }
    sender.awaitAcknowledged();
  }

  @Override
  public void close() throws Exception {
    try {
      sender.close();
    } finally {
      connection.close();
    }
  }

  private void submitBatch() throws IOException, InterruptedException {
    List<IndexDocument> full = batch;
    batch = new ArrayList<>(Math.min(config.maxActions(), 1024));
    batchBytes = 0;
    sender.submit(full);
  }
}
