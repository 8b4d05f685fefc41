package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The line that says OpenSearch takes a sink's writes again, from the attempts of one batch. */
class RetryStreakTest {

  private static final String SINK = "vigil-opensearch-events-0 to http://127.0.0.1:9200";

  @Test
  void aBatchThatGetsThroughAtOnceSaysNothing() {
    RetryStreak streak = new RetryStreak(SINK);

    assertThat(streak.succeeded(1_000)).isEmpty();
  }

  @Test
  void aSuccessAfterFailedAttemptsSaysHowLongAndHowManyRetries() {
    RetryStreak streak = new RetryStreak(SINK);
    long start = 10_000;
    for (int attempt = 0; attempt < 14; attempt++) {
      assertThat(streak.failed(start + attempt * 20_000L))
          .isEqualTo(Duration.ofSeconds(attempt * 20L));
      streak.retrying();
    }

    assertThat(streak.succeeded(start + 305_400))
        .hasValue(
            "OpenSearch vigil-opensearch-events-0 to http://127.0.0.1:9200: bulk writes succeed"
                + " again after 5m 5s, 14 retries");
  }

  @Test
  void theLineIsSaidOnceAndTheNextStreakCountsAfresh() {
    RetryStreak streak = new RetryStreak(SINK);
    streak.failed(0);
    streak.retrying();
    assertThat(streak.succeeded(800))
        .hasValue(
            "OpenSearch vigil-opensearch-events-0 to http://127.0.0.1:9200: bulk writes succeed"
                + " again after 800ms, 1 retry");
    assertThat(streak.succeeded(900)).as("said once").isEmpty();

    assertThat(streak.failed(60_000)).as("a new streak starts at its own failure").isZero();
    streak.retrying();
    streak.failed(61_000);
    streak.retrying();
    assertThat(streak.succeeded(62_000))
        .hasValue(
            "OpenSearch vigil-opensearch-events-0 to http://127.0.0.1:9200: bulk writes succeed"
                + " again after 2s, 2 retries");
  }
}
