package dev.vigil.detect.kafka;

import dev.vigil.ingest.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Passes raw records through, and throws once (per test JVM) at the first record whose text
 * contains the marker: a failure at a chosen point of the input, for instance while the alerts of
 * the records just before it are in an open Kafka transaction. The flag is static because the
 * restarted task is a new instance in the same JVM (a MiniCluster).
 */
final class FailOnceOnMarker implements MapFunction<RawRecord, RawRecord> {

  private static final long serialVersionUID = 1L;
  static final AtomicBoolean FAILED = new AtomicBoolean();

  private final String marker;

  FailOnceOnMarker(String marker) {
    this.marker = marker;
  }

  @Override
  public RawRecord map(RawRecord record) {
    if (!FAILED.get()
        && new String(record.bytes(), StandardCharsets.UTF_8).contains(marker)
        && FAILED.compareAndSet(false, true)) {
      throw new IllegalStateException("injected failure (test)");
    }
    return record;
  }
}
