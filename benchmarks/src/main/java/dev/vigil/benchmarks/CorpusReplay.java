package dev.vigil.benchmarks;

import dev.vigil.event.AuditEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The whole corpus (every source, normalized once) as an endless stream in event-time order: each
 * pass is shifted one day past the last, so an engine sees a forward clock (windows slide and
 * expire as in a live run, and no event is late). The events are reused with their time set in
 * place: copying them per pass would cost more than judging them. One reader at a time.
 */
final class CorpusReplay {

  private final AuditEvent[] events;
  private final long[] originalTimes;
  private final long passLength;
  private int next;
  private long shift;

  CorpusReplay() throws IOException {
    events =
        Corpus.events(List.of("vault", "cloudtrail", "azure", "gcp")).stream()
            .sorted(Comparator.comparing(AuditEvent::getTime))
            .toArray(AuditEvent[]::new);
    originalTimes = new long[events.length];
    for (int i = 0; i < events.length; i++) {
      originalTimes[i] = events[i].getTime().toEpochMilli();
    }
    passLength =
        originalTimes[events.length - 1] - originalTimes[0] + Duration.ofDays(1).toMillis();
  }

  /** Events in one pass. */
  int size() {
    return events.length;
  }

  /** Starts again from the first event of the first pass. */
  void rewind() {
    next = 0;
    shift = 0;
  }

  /** The next event, its time set to its place in the current pass. */
  AuditEvent next() {
    AuditEvent event = events[next];
    event.setTime(Instant.ofEpochMilli(originalTimes[next] + shift));
    if (++next == events.length) {
      next = 0;
      shift += passLength;
    }
    return event;
  }
}
