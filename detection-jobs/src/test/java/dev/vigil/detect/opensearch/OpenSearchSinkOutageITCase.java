package dev.vigil.detect.opensearch;

import static dev.vigil.detect.opensearch.SinkFixture.CONTRACT;
import static dev.vigil.detect.opensearch.SinkFixture.bulk;
import static dev.vigil.detect.opensearch.SinkFixture.config;
import static dev.vigil.detect.opensearch.SinkFixture.count;
import static dev.vigil.detect.opensearch.SinkFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.event.AuditEvent;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.junit.RealOpenSearch;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OpenSearch unreachable while the job writes: the writer holds at most a bounded number of
 * documents and then blocks (backpressure), and once OpenSearch answers again every document
 * arrives exactly once.
 */
@RealOpenSearch
class OpenSearchSinkOutageITCase {

  private static final int MAX_ACTIONS = 20;
  private static final int MAX_BUFFERED = 1;
  private static final int DOCUMENTS = 300;

  @Test
  @Timeout(120)
  void theWriterBlocksWhileOpenSearchIsDownAndDeliversEverythingOnceItIsBack(
      OpenSearchEndpoint openSearch) throws Exception {
    try (OpenSearchConnection admin =
            OpenSearchConnection.open(OpenSearchConfig.local(openSearch.url()));
        TogglingProxy proxy = new TogglingProxy(openSearch.url().getPort())) {
      SinkFixture.installTemplates(admin.client());
      List<AuditEvent> events = new ArrayList<>();
      for (int i = 0; i < DOCUMENTS; i++) {
        events.add(event("outage-" + i, Instant.parse("2031-09-01T00:00:00Z").plusSeconds(i)));
      }
      String index = CONTRACT.eventIndex(events.get(0));
      URI throughProxy = URI.create("http://127.0.0.1:" + proxy.port());
      OpenSearchSinkWriter<AuditEvent> writer =
          SinkFixture.writer(
              config(throughProxy, bulk(MAX_ACTIONS, MAX_BUFFERED, Duration.ZERO)),
              DocumentMapper.events(CONTRACT),
              null);

      proxy.down();
      AtomicInteger written = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread task =
          new Thread(
              () -> {
                try {
                  for (AuditEvent event : events) {
                    writer.write(event, null);
                    written.incrementAndGet();
                  }
                  writer.flush(false);
                } catch (Throwable t) {
                  failure.set(t);
                }
              },
              "task");
      task.start();

      Thread.sleep(3000);
      assertThat(task.isAlive()).as("the task is held back").isTrue();
      // Held: the batch being retried, MAX_BUFFERED queued, the one filling (whose last document
      // blocks in submit).
      assertThat(written.get())
          .as("documents taken while OpenSearch is down")
          .isLessThanOrEqualTo((MAX_BUFFERED + 2) * MAX_ACTIONS);
      assertThat(count(admin.client(), index)).isZero();

      proxy.up();
      task.join(Duration.ofSeconds(60).toMillis());

      assertThat(failure.get()).isNull();
      assertThat(task.isAlive()).isFalse();
      assertThat(written.get()).isEqualTo(DOCUMENTS);
      assertThat(count(admin.client(), index)).as("every document, once").isEqualTo(DOCUMENTS);
      writer.close();
    }
  }
}
