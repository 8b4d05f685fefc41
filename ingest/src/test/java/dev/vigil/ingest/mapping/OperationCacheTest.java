package dev.vigil.ingest.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OperationCacheTest {

  @Test
  void computesOncePerKey() {
    AtomicInteger calls = new AtomicInteger();
    OperationCache<String, String> cache =
        new OperationCache<>(8, key -> key.toUpperCase() + calls.incrementAndGet());
    assertThat(cache.get("a", 1)).isEqualTo("A1");
    assertThat(cache.get("a", 1)).isEqualTo("A1");
    assertThat(calls).hasValue(1);
  }

  @Test
  void staysWithinItsBoundUnderAFloodOfKeys() {
    OperationCache<Integer, Integer> cache = new OperationCache<>(100, key -> key * 2);
    for (int i = 0; i < 10_000; i++) {
      assertThat(cache.get(i, 4)).isEqualTo(i * 2);
      assertThat(cache.size()).isLessThanOrEqualTo(100);
    }
    // Still caching after the flood.
    cache.get(-1, 4);
    assertThat(cache.size()).isPositive();
  }

  @Test
  void neverStoresOversizedKeys() {
    OperationCache<String, Integer> cache = new OperationCache<>(8, String::length);
    String huge = "m".repeat(OperationCache.MAX_KEY_CHARS + 1);
    assertThat(cache.get(huge, huge.length())).isEqualTo(huge.length());
    assertThat(cache.size()).isZero();
  }

  @Test
  void needsARealBound() {
    assertThatThrownBy(() -> new OperationCache<String, String>(0, key -> key))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
