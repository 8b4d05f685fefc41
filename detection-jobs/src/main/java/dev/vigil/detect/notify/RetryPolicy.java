package dev.vigil.detect.notify;

import java.io.Serializable;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a destination retries a delivery that may still succeed (HTTP 429, 5xx, connection errors and
 * timeouts): exponential backoff from {@code initialBackoff}, doubling up to {@code maxBackoff},
 * with "equal jitter" (half the step fixed, half random) so that destinations that failed together
 * do not retry in lockstep, and never a zero wait. It gives up once {@code giveUpAfter} has passed
 * since the first attempt.
 *
 * @param requestTimeout how long one HTTP exchange may take
 */
public record RetryPolicy(
    Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter, Duration requestTimeout)
    implements Serializable {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofMinutes(5),
          Duration.ofSeconds(10));

  /** The wait before retry number {@code retry} (1 for the first retry). */
  Duration backoff(int retry, RandomGenerator random) {
    long initial = initialBackoff.toMillis();
    long step = initial << Math.min(retry - 1, 30);
    if (step <= 0 || step > maxBackoff.toMillis()) {
      step = maxBackoff.toMillis();
    }
    long half = Math.max(1, step / 2);
    return Duration.ofMillis(step - half + random.nextLong(half + 1));
  }
}
