package dev.vigil.detect.opensearch;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.job.AlertRecord;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Flink sink (Sink v2) that indexes events, alerts or dead letters into OpenSearch through {@code
 * opensearch-java}, by the index contract of {@code vigil-dashboards}: batched bulk requests,
 * retries with backoff, backpressure while OpenSearch is unavailable, flush on checkpoint,
 * documents keyed by their own id, refused documents to the dead-letter index. At-least-once
 * delivery with idempotent writes: in effect, each document once. See docs/opensearch.md.
 *
 * <p>The index contract (the retention file) is read once where the job is built, for all its
 * sinks, and travels with each, so every task manager names indices identically ({@link
 * IndexSetup#prepare} has read it once before, to refuse a broken file at start); the password is
 * read where each writer connects (environment or file on the task manager), never shipped.
 */
public final class OpenSearchSink<T> implements Sink<T> {

  private final OpenSearchConfig config;
  private final IndexContract contract;
  private final DocumentMapper<T> mapper;
  private final String kind;

  private OpenSearchSink(
      OpenSearchConfig config, IndexContract contract, DocumentMapper<T> mapper, String kind) {
    this.config = config;
    this.contract = contract;
    this.mapper = mapper;
    this.kind = kind;
  }

  /**
   * The job's events, into the daily events indices.
   *
   * @param contract {@link IndexSetup#contract} of {@code config}, read once for all the job's
   *     sinks
   */
  public static OpenSearchSink<AuditEvent> events(OpenSearchConfig config, IndexContract contract) {
    return new OpenSearchSink<>(config, contract, DocumentMapper.events(contract), "events");
  }

  /** The job's alerts, into the alerts index, with the index's own fields added. */
  public static OpenSearchSink<AlertRecord> alerts(
      OpenSearchConfig config, IndexContract contract) {
    return new OpenSearchSink<>(config, contract, DocumentMapper.alerts(contract), "alerts");
  }

  /** The normalizer's dead letters, into the dead-letter index. */
  public static OpenSearchSink<DeadLetter> deadLetters(
      OpenSearchConfig config, IndexContract contract) {
    return new OpenSearchSink<>(
        config,
        contract,
        DocumentMapper.deadLetters(contract, config.bulk().maxBytes()),
        "deadletters");
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new OpenSearchSinkWriter<>(
        OpenSearchConnection.open(config),
        mapper,
        DocumentMapper.deadLetters(contract, config.bulk().maxBytes()),
        config.bulk(),
        context.metricGroup(),
        context.getProcessingTimeService(),
        "vigil-opensearch-" + kind + "-" + context.getTaskInfo().getIndexOfThisSubtask());
  }
}
