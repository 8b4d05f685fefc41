package dev.vigil.dashboards.client;

import dev.vigil.ingest.yaml.ConfigMapping;
import java.io.Serializable;
import java.time.Duration;
import java.util.Set;

/**
 * How the OpenSearch sinks batch and retry (docs/opensearch.md, "Sink semantics").
 *
 * @param maxActions documents per bulk request
 * @param maxBytes bytes of documents per bulk request
 * @param flushInterval longest a document waits in a partly filled batch; 0 flushes only on size
 *     and checkpoints
 * @param maxBufferedRequests full batches that may wait for the sender before {@code write} blocks:
 *     what the writer holds in memory is at most {@code (maxBufferedRequests + 2) * maxBytes} (the
 *     waiting ones, the one being sent, the one filling)
 * @param initialBackoff first wait before retrying a refused or failed request; doubles per attempt
 * @param maxBackoff longest wait between two attempts
 * @param giveUpAfter how long one batch may keep failing before the writer fails the job (which
 *     restarts from its last checkpoint and, documents being keyed by id, writes them again); 0
 *     retries forever
 */
public record BulkConfig(
    int maxActions,
    long maxBytes,
    Duration flushInterval,
    int maxBufferedRequests,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration giveUpAfter)
    implements Serializable {

  private static final Set<String> KEYS =
      Set.of(
          "max_actions",
          "max_bytes",
          "flush_interval",
          "max_buffered_requests",
          "initial_backoff",
          "max_backoff",
          "give_up_after");

  public static final BulkConfig DEFAULT =
      new BulkConfig(
          1000,
          5L * 1024 * 1024,
          Duration.ofSeconds(1),
          2,
          Duration.ofMillis(100),
          Duration.ofSeconds(30),
          Duration.ofMinutes(10));

  public BulkConfig {
    if (maxActions < 1 || maxBytes < 1 || maxBufferedRequests < 1) {
      throw new IllegalArgumentException(
          "bulk max_actions, max_bytes and max_buffered_requests must be greater than 0");
    }
    if (initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "bulk initial_backoff must be > 0 and max_backoff at least initial_backoff");
    }
  }

  static BulkConfig read(ConfigMapping node) {
    node.onlyKeys(KEYS);
    int maxActions = node.integer("max_actions", DEFAULT.maxActions(), 1, Integer.MAX_VALUE);
    long maxBytes = node.bytes("max_bytes", DEFAULT.maxBytes());
    Duration flushInterval = node.duration("flush_interval", DEFAULT.flushInterval(), true);
    int maxBufferedRequests =
        node.integer("max_buffered_requests", DEFAULT.maxBufferedRequests(), 1, Integer.MAX_VALUE);
    Duration initialBackoff = node.duration("initial_backoff", DEFAULT.initialBackoff(), false);
    Duration maxBackoff = node.duration("max_backoff", DEFAULT.maxBackoff(), false);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw node.writes("max_backoff")
          ? node.error("max_backoff", "must not be shorter than initial_backoff")
          : node.error("initial_backoff", "must not be longer than max_backoff (30s, its default)");
    }
    return new BulkConfig(
        maxActions,
        maxBytes,
        flushInterval,
        maxBufferedRequests,
        initialBackoff,
        maxBackoff,
        node.duration("give_up_after", DEFAULT.giveUpAfter(), true));
  }
}
