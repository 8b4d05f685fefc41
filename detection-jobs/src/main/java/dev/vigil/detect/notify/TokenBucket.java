package dev.vigil.detect.notify;

import java.util.function.LongSupplier;

/**
 * A per-destination rate limit: {@code burst} tokens at most, refilled continuously at {@code
 * perSecond}. One send takes one token. The worker of a destination is the only caller, so the
 * bucket needs no locking; the clock is injectable so tests need not sleep.
 */
final class TokenBucket {

  private final double perNano;
  private final double capacity;
  private final LongSupplier nanoClock;
  private double tokens;
  private long refilledAt;

  TokenBucket(double perSecond, int burst, LongSupplier nanoClock) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.perNano = perSecond / 1e9;
    this.capacity = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.refilledAt = nanoClock.getAsLong();
  }

  /**
   * Takes a token when one is available and returns 0; otherwise takes nothing and returns how many
   * nanoseconds to wait before the next token.
   */
  long tryTake() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
  }
}
