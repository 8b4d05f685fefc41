package dev.vigil.detect.notify;

import dev.vigil.detect.Elapsed;
import dev.vigil.rules.model.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * One destination's failed attempts in a row, across its messages, from the first to the delivery
 * that ends them: the warning when they begin and the line when deliveries succeed again.
 *
 * <p>Without the warning, PagerDuty or Slack answering 5xx, or refusing connections, shows nothing
 * until a message's retry budget ({@code retry.give_up_after}, 5 minutes by default) runs out; a
 * line per attempt would flood the log through a long outage. So a streak says one line when it
 * begins, naming the destination, its type and what went wrong (a status, or an I/O error's reason
 * and type), and one when a delivery ends it. Neither names a URL, a key or a message: a Slack
 * webhook's URL, a webhook's token in its query and a routing key are credentials. A 4xx other than
 * 429 neither begins nor ends a streak: the endpoint answered, the message was refused, and its own
 * line says so.
 */
final class DeliveryStreak {

  private final String destination;
  private final Duration giveUpAfter;
  private long failingSinceNanos;
  private int failedAttempts;
  private int givenUp;

  /**
   * @param destination the destination as the lines name it: {@code 'oncall' (pagerduty)}
   * @param giveUpAfter each message's retry budget, which the warning states
   */
  DeliveryStreak(String destination, Duration giveUpAfter) {
    this.destination = destination;
    this.giveUpAfter = giveUpAfter;
  }

  /**
   * An attempt failed in a way that is retried.
   *
   * @param failure a status ({@code HTTP 503}) or an I/O error ({@code connection refused
   *     (ConnectException)}), masked of secrets
   * @return the warning, at the streak's first failed attempt only
   */
  Optional<String> failed(long nowNanos, String failure) {
    if (failedAttempts++ > 0) {
      return Optional.empty();
    }
    failingSinceNanos = nowNanos;
    return Optional.of(
        "notify destination "
            + destination
            + ": deliveries failing: "
            + failure
            + "; retrying each message for up to "
            + Durations.format(giveUpAfter)
            + " (retry.give_up_after), one line when they succeed again");
  }

  /** A message of the streak ran out of its retry budget. */
  void gaveUp() {
    if (failedAttempts > 0) {
      givenUp++;
    }
  }

  /**
   * A message was delivered: the line saying so when attempts had failed before it, else none; the
   * streak starts over either way.
   */
  Optional<String> delivered(long nowNanos) {
    if (failedAttempts == 0) {
      return Optional.empty();
    }
    String line =
        "notify destination "
            + destination
            + ": deliveries succeed again after "
            + Elapsed.readable(Duration.ofNanos(nowNanos - failingSinceNanos))
            + " ("
            + failedAttempts
            + (failedAttempts == 1 ? " failed attempt" : " failed attempts")
            + (givenUp == 0
                ? ""
                : ", " + givenUp + (givenUp == 1 ? " message" : " messages") + " given up")
            + ")";
    failedAttempts = 0;
    givenUp = 0;
    return Optional.of(line);
  }
}
