package dev.vigil.detect.opensearch;

import dev.vigil.dashboards.client.BulkConfig;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.HealthStatus;

/** Shared pieces of the sink's real-OpenSearch tests. */
final class SinkFixture {

  static final IndexContract CONTRACT = IndexContract.builtIn();
  static final IndexSettings SINGLE_NODE = new IndexSettings(1, 0, Duration.ofSeconds(1));

  private SinkFixture() {}

  static void installTemplates(OpenSearchClient client) throws IOException {
    new TemplateInstaller(client, SINGLE_NODE).install();
  }

  /** The local cluster's configuration, with these bulk settings. */
  static OpenSearchConfig config(URI url, BulkConfig bulk) {
    OpenSearchConfig local = OpenSearchConfig.local(url);
    return new OpenSearchConfig(
        local.urls(),
        null,
        null,
        local.tls(),
        local.connectTimeout(),
        local.responseTimeout(),
        null,
        local.index(),
        bulk);
  }

  static BulkConfig bulk(int maxActions, int maxBuffered, Duration giveUp) {
    return new BulkConfig(
        maxActions,
        BulkConfig.DEFAULT.maxBytes(),
        Duration.ZERO,
        maxBuffered,
        Duration.ofMillis(50),
        Duration.ofMillis(500),
        giveUp);
  }

  static <T> OpenSearchSinkWriter<T> writer(
      OpenSearchConfig config, DocumentMapper<T> mapper, ManualTimers timers) {
    return new OpenSearchSinkWriter<>(
        OpenSearchConnection.open(config),
        mapper,
        DocumentMapper.deadLetters(CONTRACT, config.bulk().maxBytes()),
        config.bulk(),
        UnregisteredMetricsGroup.createSinkWriterMetricGroup(),
        timers,
        "vigil-opensearch-events-0");
  }

  static <T> void writeAll(OpenSearchSinkWriter<T> writer, List<T> elements) throws Exception {
    for (T element : elements) {
      writer.write(element, null);
    }
    writer.flush(false);
  }

  static long count(OpenSearchClient client, String index) throws IOException {
    awaitPrimaries(client, index);
    client.indices().refresh(r -> r.index(index).ignoreUnavailable(true));
    return client.count(c -> c.index(index).ignoreUnavailable(true)).count();
  }

  static long countTerm(OpenSearchClient client, String index, String field, String value)
      throws IOException {
    awaitPrimaries(client, index);
    client.indices().refresh(r -> r.index(index).ignoreUnavailable(true));
    return client
        .count(
            c -> c.index(index).query(q -> q.term(t -> t.field(field).value(FieldValue.of(value)))))
        .count();
  }

  /**
   * Waits until an index the sink has just created has its primary shards: counted in between, it
   * answers 503 "all shards failed" (seen in CI when a poll met the index being created).
   */
  private static void awaitPrimaries(OpenSearchClient client, String index) throws IOException {
    if (client.indices().exists(e -> e.index(index)).value()) {
      client
          .cluster()
          .health(
              h -> h.index(index).waitForStatus(HealthStatus.Yellow).timeout(t -> t.time("30s")));
    }
  }

  /** A synthetic event of the default class at a given time, with a given id. */
  static AuditEvent event(String id, Instant time) {
    AuditEvent event =
        EventJson.readEvent(
            "{\"event_id\":\"x\",\"time\":\"2031-01-01T00:00:00Z\",\"source\":\"AWS_CLOUDTRAIL\","
                + "\"category\":\"OTHER\",\"ocsf_class_uid\":6003,\"action\":\"describe\","
                + "\"operation\":\"DescribeInstances\",\"outcome\":\"SUCCESS\",\"denied\":false,"
                + "\"actor\":{\"id\":\"AIDAEXAMPLE\",\"type\":\"USER\"},\"src\":{\"ip\":\"192.0.2.7\"},"
                + "\"target\":{},\"raw\":\"{\\\"eventName\\\":\\\"DescribeInstances\\\"}\","
                + "\"origin\":\"test:1\"}");
    event.setEventId(id);
    event.setTime(time);
    event.setOrigin("test:" + id);
    return event;
  }
}
