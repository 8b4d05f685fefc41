package dev.vigil.detect.kafka;

import static dev.vigil.detect.kafka.PipelineEndToEndITCase.assertAlerts;
import static dev.vigil.detect.kafka.PipelineEndToEndITCase.assertDeadLetters;
import static dev.vigil.detect.kafka.PipelineEndToEndITCase.assertEvents;
import static dev.vigil.detect.kafka.PipelineEndToEndITCase.awaitCount;
import static dev.vigil.detect.kafka.PipelineEndToEndITCase.expectedEventDocuments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSearch goes away for a minute while the job runs and records keep coming: the real node's
 * process is stopped (through the stack module, as {@code vigil stack} would) and started again on
 * its data. The sinks retry with backoff and hold the job back meanwhile (bounded batches, no
 * unbounded buffering, no failure); afterwards every event, dead letter and alert is in OpenSearch
 * exactly once, as in the bounded file run of the same records. The proxy-based {@code
 * OpenSearchSinkOutageITCase} covers the sink alone; this is the whole job against the real node.
 */
@RealKafka
class OpenSearchOutageEndToEndITCase {

  static final Duration OUTAGE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  @Timeout(420)
  void everyDocumentOnceAfterOpenSearchWasDownForAMinute(KafkaEndpoint kafka) throws Exception {
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    try (OwnOpenSearch.Launching launching = OwnOpenSearch.launchInBackground()) {
      RawTopicsFixture.Expected expected = RawTopicsFixture.expected(dir);
      OwnOpenSearch openSearch = launching.get();
      // Small batches, so that what the sinks may hold is far less than what arrives meanwhile;
      // a checkpoint may wait for OpenSearch longer than the outage lasts.
      String sections =
          """
          opensearch:
            url: %s
            index: {replicas: 0}
            bulk: {max_actions: 20, max_buffered_requests: 1, flush_interval: 200ms,
                   initial_backoff: 100ms, max_backoff: 2s, give_up_after: 5m}
          """
              .formatted(openSearch.url());
      VigilConfig config =
          fixture.config(
              dir,
              "interval: 1s\ntimeout: 3m\nstorage: " + dir.resolve("cp"),
              "exactly_once",
              sections);
      try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
        // Vault's records first, all of them indexed, then OpenSearch goes away.
        fixture.produceCorpus(List.of("vault"));
        long vaultDocuments = documentsOfSource(expected, "VAULT");
        awaitCount(() -> openSearch.count("vigil-events-*"), vaultDocuments, Duration.ofMinutes(1));
        long eventsBefore = eventsInKafka(fixture);

        openSearch.stop();
        Instant stopped = Instant.now();
        assertThat(openSearch.running()).isFalse();
        // The rest of the corpus arrives while OpenSearch is down.
        fixture.produceCorpus(List.of("cloudtrail"));
        fixture.produceCorpus(List.of("azure", "gcp"));
        int bad = fixture.produceBadRecords();
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), stopped.plus(OUTAGE)).toMillis()));

        // Held back, not failed: still running, never restarted, and the events that reached
        // Kafka meanwhile are fewer than half of those that arrived.
        assertThat(running.cluster().getJobStatus(running.jobId()).get())
            .isEqualTo(JobStatus.RUNNING);
        long duringOutage = expected.eventIds().size() - eventsBefore;
        assertThat(eventsInKafka(fixture) - eventsBefore)
            .as("events that got through while OpenSearch was down, of %d", duringOutage)
            .isLessThan(duringOutage / 2);

        openSearch.start();
        awaitCount(
            () -> openSearch.count("vigil-events-*"),
            expectedEventDocuments(expected).size(),
            Duration.ofMinutes(2));
        // Every record is in; move event time past every window. (Pushers that arrive with a
        // backlog, all partitions going idle together after it, would leave the watermark behind:
        // see PartitionWatermarks.)
        fixture.producePushers();
        awaitCount(
            () -> openSearch.count("vigil-alerts-*"),
            expected.alertIds().size(),
            Duration.ofMinutes(2));
        awaitCount(
            () -> openSearch.count("vigil-deadletters-*"),
            expected.deadLetters() + bad,
            Duration.ofMinutes(1));
        // A little longer: a duplicate would arrive now.
        Thread.sleep(3_000);

        assertEvents(openSearch, expected, fixture);
        assertDeadLetters(openSearch, expected.deadLetters() + bad, fixture);
        assertAlerts(openSearch, expected);

        AccessExecutionGraph graph =
            running.cluster().getArchivedExecutionGraph(running.jobId()).get();
        assertThat(graph.getState()).isEqualTo(JobStatus.RUNNING);
        // A failed task, even restarted alone, would run as a later attempt.
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
          assertThat(vertex.getCurrentExecutionAttempt().getAttemptNumber())
              .as("attempt of %s: the job never failed", vertex.getTaskNameWithSubtaskIndex())
              .isZero();
        }
      }
    }
  }

  /** Event documents of the file run whose source is {@code source}. */
  static long documentsOfSource(RawTopicsFixture.Expected expected, String source)
      throws Exception {
    IndexContract contract = IndexContract.builtIn();
    Set<String> documents = new HashSet<>();
    for (String line : expected.eventJson()) {
      AuditEvent event = EventJson.readEvent(line);
      if (event.getSource().name().equals(source)) {
        documents.add(contract.eventIndex(event) + "/" + event.getEventId());
      }
    }
    return documents.size();
  }

  /** Distinct events in the job's events topic, which gets every event the job let through. */
  static long eventsInKafka(RawTopicsFixture fixture) {
    return RawTopicsFixture.distinctKeys(
        fixture.readUntil(fixture.eventsTopic(), Duration.ofSeconds(3), read -> false));
  }
}
