package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void allowsTheBurstThenTheRate() {
    AtomicLong now = new AtomicLong(1_000);
    TokenBucket bucket = new TokenBucket(2.0, 3, now::get);
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    long wait = bucket.tryTake();
    assertThat(wait).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));

    now.addAndGet(wait);
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isPositive();

    // A long idle period refills only up to the burst.
    now.addAndGet(TimeUnit.HOURS.toNanos(1));
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.tryTake()).isZero();
    }
    assertThat(bucket.tryTake()).isPositive();
  }
}
