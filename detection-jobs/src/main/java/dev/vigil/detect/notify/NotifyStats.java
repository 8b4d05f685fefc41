package dev.vigil.detect.notify;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the dispatcher did so far: alerts in, and per destination what became of the messages.
 *
 * @param submitted alerts handed to {@link AlertDispatcher#submit}
 * @param duplicates alerts whose id was seen recently (a replay), so nothing was sent
 * @param folded alerts that joined an open group instead of paging
 * @param unrouted alerts no destination takes
 */
public record NotifyStats(
    long submitted,
    long duplicates,
    long folded,
    long unrouted,
    Map<String, DestinationStats> destinations) {

  /**
   * @param delivered messages answered with 2xx
   * @param rejected messages refused with a 4xx other than 429 (not retried)
   * @param gaveUp messages that ran out of retry budget
   * @param dropped messages dropped because the queue stayed full or the dispatcher closed
   */
  public record DestinationStats(long delivered, long rejected, long gaveUp, long dropped) {}

  /** The live counters behind a destination's stats. */
  static final class Counters {
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong gaveUp = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();

    DestinationStats snapshot() {
      return new DestinationStats(delivered.get(), rejected.get(), gaveUp.get(), dropped.get());
    }
  }

  static Map<String, DestinationStats> snapshot(Map<String, Counters> counters) {
    Map<String, DestinationStats> out = new LinkedHashMap<>();
    counters.forEach((name, live) -> out.put(name, live.snapshot()));
    return out;
  }
}
