package dev.vigil.ingest.mapping;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A bounded, thread-safe memo of a pure function, for the per-operation mapping lookups of the
 * parsers (GCP, Vault).
 *
 * <p>Design: a real deployment sees a few hundred distinct (service, method, log) triples, so a
 * plain concurrent map answers almost every record with one hash lookup and no regex. The bound is
 * there for hostile or broken input (a stream of unique method names): when the map is full it is
 * cleared and refills with what is current. That costs one recomputation per live key after a
 * flood, never unbounded memory; an LRU would buy little for a function this cheap to recompute.
 * Keys longer than {@link #MAX_KEY_CHARS} are computed but never stored.
 */
public final class OperationCache<K, V> {

  public static final int MAX_KEY_CHARS = 512;

  private final ConcurrentHashMap<K, V> entries = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final Function<K, V> compute;

  public OperationCache(int maxEntries, Function<K, V> compute) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.maxEntries = maxEntries;
    this.compute = compute;
  }

  /** The cached value, computing and storing it on a miss; {@code keyChars} sizes the key. */
  public V get(K key, int keyChars) {
    V value = entries.get(key);
    if (value != null) {
      return value;
    }
    value = compute.apply(key);
    if (keyChars <= MAX_KEY_CHARS) {
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.putIfAbsent(key, value);
    }
    return value;
  }

  public int size() {
    return entries.size();
  }
}
