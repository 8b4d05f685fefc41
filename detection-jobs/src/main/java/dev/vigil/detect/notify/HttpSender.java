package dev.vigil.detect.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.kafka.JobFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>One sender serves one destination, from its delivery thread: it warns at the first failed
 * attempt of a streak of them and says when deliveries succeed again ({@link DeliveryStreak}).
 */
final class HttpSender {

  /** Waits between attempts; tests replace it to record waits instead of sleeping. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HttpSender.class);

  private static final int DETAIL_BODY_CHARS = 300;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Line breaks, tabs, escape sequences: an answer's detail stays one plain line of a log. */
  private static final Pattern CONTROL_OR_SPACE = Pattern.compile("[\\p{Cntrl}\\s]+");

  private final HttpClient client;
  private final RetryPolicy policy;
  private final RandomGenerator random;
  private final Sleeper sleeper;
  private final LongSupplier nanoClock;
  private final UnaryOperator<String> masker;
  private final DeliveryStreak streak;

  /**
   * @param destination the destination as its lines name it, {@code 'oncall' (pagerduty)}: never a
   *     URL, which may be a credential
   */
  HttpSender(
      String destination,
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
    this.streak = new DeliveryStreak(destination, policy.giveUpAfter());
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
          streak.delivered(nanoClock.getAsLong()).ifPresent(LOG::info);
          return new DeliveryOutcome(DeliveryOutcome.Result.DELIVERED, status, attempts, "");
        }
        failure = "HTTP " + status + bodySnippet(response.body());
        if (status != 429 && status < 500) {
          return new DeliveryOutcome(DeliveryOutcome.Result.REJECTED, status, attempts, failure);
        }
        if (status == 429) {
          retryAfter = retryAfter(response.headers().firstValue("Retry-After")).orElse(null);
        }
        streak.failed(nanoClock.getAsLong(), "HTTP " + status).ifPresent(LOG::warn);
      } catch (IOException e) {
        // The reason and its type, connection refused (ConnectException), as a job's failure is
        // worded: in the streak's warning and in the line of a message given up alike.
        failure = masker.apply(JobFailure.describe(e));
        streak.failed(nanoClock.getAsLong(), failure).ifPresent(LOG::warn);
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
        streak.gaveUp();
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

  /**
   * {@code ": "} and what an answer's body says, for a failure's detail; empty for an empty body.
   * The body is decoded before it is shown ({@link #readable}), then flattened to one line, masked,
   * and only then cut to {@value #DETAIL_BODY_CHARS} characters: a credential the endpoint echoes
   * JSON-escaped, or across the cut, is masked whole, never shown in part.
   */
  private String bodySnippet(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String flat = CONTROL_OR_SPACE.matcher(readable(body)).replaceAll(" ").strip();
    if (flat.isEmpty()) {
      return "";
    }
    return ": " + PagerDutyNotifier.truncate(masker.apply(flat), DETAIL_BODY_CHARS);
  }

  /**
   * An answer's body as a person reads it. A JSON object with PagerDuty's {@code message} (else its
   * {@code status}) and {@code errors} gives those, {@code Event object is invalid:
   * 'payload.summary' is missing or blank; ...}; other JSON is written back compactly, without the
   * escapes an endpoint may use ({@code \u0027}); anything else, such as Slack's {@code
   * no_service}, is kept as it is.
   */
  static String readable(String body) {
    JsonNode json;
    try {
      json = MAPPER.readTree(body);
    } catch (IOException notJson) {
      return body;
    }
    if (json == null || json.isMissingNode()) {
      return body;
    }
    if (json.isTextual()) {
      return json.textValue();
    }
    if (json.isObject()) {
      String message = text(json.get("message"));
      if (message == null) {
        message = text(json.get("status"));
      }
      List<String> errors = new ArrayList<>();
      JsonNode errorNode = json.get("errors");
      if (errorNode != null && errorNode.isArray()) {
        errorNode.forEach(
            error -> errors.add(error.isTextual() ? error.textValue() : error.toString()));
      } else if (text(errorNode) != null) {
        errors.add(text(errorNode));
      }
      errors.removeIf(String::isBlank);
      if (message != null || !errors.isEmpty()) {
        String listed = String.join("; ", errors);
        return message == null ? listed : errors.isEmpty() ? message : message + ": " + listed;
      }
    }
    return json.toString();
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() && !node.textValue().isBlank()
        ? node.textValue()
        : null;
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
