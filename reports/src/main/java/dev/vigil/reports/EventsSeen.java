package dev.vigil.reports;

/**
 * The events of a period read so far, to count a record delivered twice once: each is held as its
 * time (epoch milliseconds) and a 64-bit digest of its id and the fields it is counted by, in two
 * primitive arrays kept at most half full (32 to 64 bytes an event, where a string and a map entry
 * per event take about 200), so a month of millions of events fits in a modest heap. Two different
 * records are taken for one only when they have the same millisecond and their digests collide,
 * which for 64 bits is negligible next to the events one millisecond holds.
 */
final class EventsSeen {

  private static final long EMPTY = 0;

  private long[] times = new long[1 << 10];
  private long[] digests = new long[1 << 10];
  private int size;

  /**
   * Adds the event; false when the same record (id, time, source, category, denied) was added
   * before.
   */
  boolean add(String eventId, long epochMilli, String source, String category, boolean denied) {
    long digest = digest(eventId, source, category, denied);
    if (size * 2 >= times.length) {
      grow();
    }
    return insert(times, digests, epochMilli, digest);
  }

  private boolean insert(long[] timeSlots, long[] digestSlots, long time, long digest) {
    int mask = timeSlots.length - 1;
    for (int slot = (int) mix(time ^ digest) & mask; ; slot = (slot + 1) & mask) {
      if (digestSlots[slot] == EMPTY) {
        timeSlots[slot] = time;
        digestSlots[slot] = digest;
        size++;
        return true;
      }
      if (digestSlots[slot] == digest && timeSlots[slot] == time) {
        return false;
      }
    }
  }

  private void grow() {
    long[] oldTimes = times;
    long[] oldDigests = digests;
    times = new long[oldTimes.length * 2];
    digests = new long[oldDigests.length * 2];
    size = 0;
    for (int i = 0; i < oldTimes.length; i++) {
      if (oldDigests[i] != EMPTY) {
        insert(times, digests, oldTimes[i], oldDigests[i]);
      }
    }
  }

  /** FNV-1a over the fields with separators, finished by a 64-bit mix; never {@link #EMPTY}. */
  private static long digest(String eventId, String source, String category, boolean denied) {
    long hash = 0xcbf29ce484222325L;
    for (String part : new String[] {eventId, source, category, denied ? "1" : "0"}) {
      for (int i = 0; i < part.length(); i++) {
        hash = (hash ^ part.charAt(i)) * 0x100000001b3L;
      }
      hash = (hash ^ 0xFFFF) * 0x100000001b3L;
    }
    long mixed = mix(hash);
    return mixed == EMPTY ? 1 : mixed;
  }

  /** MurmurHash3's 64-bit finalizer. */
  private static long mix(long value) {
    value ^= value >>> 33;
    value *= 0xff51afd7ed558ccdL;
    value ^= value >>> 33;
    value *= 0xc4ceb93e2b2bd8d5L;
    value ^= value >>> 33;
    return value;
  }
}
