package dev.vigil.detect.opensearch;

import dev.vigil.detect.Elapsed;
import java.time.Duration;
import java.util.Optional;

/**
 * The failed attempts of one batch in a row, from the first failure to the success that ends them,
 * and the line that says OpenSearch takes writes again. The sender warns at a batch's first failure
 * and every tenth retry; without this line on-call would see an outage begin but never end. The
 * line names the sink, how long the batch failed and how often it was sent again: no document, no
 * OpenSearch answer (which may quote a value).
 */
final class RetryStreak {

  private final String sink;
  private long failingSince = -1;
  private int retries;

  /**
   * @param sink which sink's batches, as the lines name it (its writer and cluster, no credentials)
   */
  RetryStreak(String sink) {
    this.sink = sink;
  }

  /**
   * An attempt failed at {@code nowMillis}.
   *
   * @return how long the batch has been failing, since its first failed attempt
   */
  Duration failed(long nowMillis) {
    if (failingSince < 0) {
      failingSince = nowMillis;
    }
    return Duration.ofMillis(nowMillis - failingSince);
  }

  /** The batch is about to be sent again. */
  void retrying() {
    retries++;
  }

  /**
   * The batch got through at {@code nowMillis}: the line saying so when attempts had failed (always
   * warned of, the first one at least), else none; the streak starts over either way.
   */
  Optional<String> succeeded(long nowMillis) {
    Optional<String> line =
        retries == 0
            ? Optional.empty()
            : Optional.of(
                "OpenSearch "
                    + sink
                    + ": bulk writes succeed again after "
                    + Elapsed.readable(Duration.ofMillis(nowMillis - failingSince))
                    + ", "
                    + retries
                    + (retries == 1 ? " retry" : " retries"));
    failingSince = -1;
    retries = 0;
    return line;
  }
}
