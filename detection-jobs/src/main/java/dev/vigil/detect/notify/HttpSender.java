package dev.vigil.detect.notify;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Sends one notification with retries: 2xx is delivered; 429, 5xx and I/O errors (refused
 * connection, reset, timeout) are retried with {@link RetryPolicy} backoff, a 429's {@code
 * Retry-After} (seconds or HTTP date) replacing the computed wait; any other status is final. The
 * whole exchange is bounded by the policy's {@code giveUpAfter}: a wait that would cross it ends
 * the delivery at once rather than sleeping in vain.
 *
 * <p>The request is rebuilt for every attempt (a webhook signs each attempt with a fresh
 * timestamp). Response bodies and exception messages pass through the destination's masker before
 * they reach a detail string, since a misbehaving endpoint may echo the credential it was sent.
 */
final class HttpSender {

  /** Waits between attempts; tests replace it to record waits instead of sleeping. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final int DETAIL_BODY_CHARS = 300;

  private final HttpClient client;
  private final RetryPolicy policy;
  private final RandomGenerator random;
  private final Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final UnaryOperator<String> masker;

  HttpSender(
      HttpClient client,
      RetryPolicy policy,
      RandomGenerator random,
      Sleeper sleeper,
      LongSupplier nanoClock,
      UnaryOperator<String> masker) {
    this.client = client;
    this.policy = policy;
    this.random = random;
    this.sleeper = sleeper;
    this.nanoClock = nanoClock;
    this.masker = masker;
  }

  /**
   * @param request builds the request of one attempt, given the time it is sent
   */
  DeliveryOutcome send(Function<Instant, HttpRequest> request) {
    long start = nanoClock.getAsLong();
    int attempts = 0;
    while (true) {
      attempts++;
      int status = 0;
      String failure;
      Duration retryAfter = null;
      try {
        HttpResponse<String> response =
            client.send(request.apply(Instant.now()), HttpResponse.BodyHandlers.ofString());
        status = response.statusCode();
        if (status >= 200 && status < 300) {
          return new DeliveryOutcome(DeliveryOutcome.Result.DELIVERED, status, attempts, "");
        }
        failure = "HTTP " + status + bodySnippet(response.body());
        if (status != 429 && status < 500) {
          return new DeliveryOutcome(DeliveryOutcome.Result.REJECTED, status, attempts, failure);
        }
        if (status == 429) {
          retryAfter = retryAfter(response.headers().firstValue("Retry-After")).orElse(null);
        }
      } catch (IOException e) {
        failure = masker.apply(IoProblems.innermost(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return gaveUp(status, attempts, "interrupted while sending");
      }
      // "Retry-After: 0" would make a busy loop of an overloaded endpoint: back off instead.
      Duration wait =
          retryAfter != null && !retryAfter.isZero()
              ? retryAfter
              : policy.backoff(attempts, random);
      Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
      if (elapsed.plus(wait).compareTo(policy.giveUpAfter()) > 0) {
        return gaveUp(
            status,
            attempts,
            failure
                + "; giving up after "
                + attempts
                + " attempt(s) in "
                + elapsed.toMillis()
                + " ms (retry budget "
                + policy.giveUpAfter().toSeconds()
                + " s"
                + (retryAfter != null ? ", Retry-After " + retryAfter.toSeconds() + " s" : "")
                + ")");
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return gaveUp(status, attempts, failure + "; interrupted while waiting to retry");
      }
    }
  }

  private static DeliveryOutcome gaveUp(int status, int attempts, String detail) {
    return new DeliveryOutcome(DeliveryOutcome.Result.GAVE_UP, status, attempts, detail);
  }

  private String bodySnippet(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String flat = body.strip().replaceAll("\\s+", " ");
    if (flat.length() > DETAIL_BODY_CHARS) {
      flat = flat.substring(0, DETAIL_BODY_CHARS) + "…";
    }
    return ": " + masker.apply(flat);
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; absent or unreadable gives empty. */
  static Optional<Duration> retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String value = header.get().trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(Instant.now(), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
