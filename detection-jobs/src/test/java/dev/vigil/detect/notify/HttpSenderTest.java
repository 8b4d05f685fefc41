package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HttpSenderTest {

  private final List<Duration> waits = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong();

  /** A sender whose waits are recorded and advance a fake clock instead of sleeping. */
  private HttpSender sender(RetryPolicy policy) {
    return new HttpSender(
        HttpClient.newHttpClient(),
        policy,
        new Random(7),
        wait -> {
          waits.add(wait);
          clock.addAndGet(wait.toNanos());
        },
        clock::get,
        text -> text.replace("s3cr3t", "****"));
  }

  private static HttpRequest post(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build();
  }

  @Test
  void retriesServerErrorsThenDelivers() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver.then(500, Map.of(), "oops").then(500, Map.of(), "oops");
      DeliveryOutcome outcome = sender(RetryPolicy.DEFAULT).send(now -> post(receiver.uri("/")));
      assertThat(outcome.result()).isEqualTo(DeliveryOutcome.Result.DELIVERED);
      assertThat(outcome.httpStatus()).isEqualTo(202);
      assertThat(outcome.attempts()).isEqualTo(3);
      assertThat(receiver.requests()).hasSize(3);
      // Exponential with equal jitter: [0.5 s, 1 s] then [1 s, 2 s].
      assertThat(waits.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(waits.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  @Test
  void honorsRetryAfterOn429() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver.then(429, Map.of("Retry-After", "7"), "{\"status\":\"throttled\"}");
      DeliveryOutcome outcome = sender(RetryPolicy.DEFAULT).send(now -> post(receiver.uri("/")));
      assertThat(outcome.delivered()).isTrue();
      assertThat(outcome.attempts()).isEqualTo(2);
      assertThat(waits).containsExactly(Duration.ofSeconds(7));
    }
  }

  @Test
  void doesNotRetryOtherClientErrors() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver.then(400, Map.of(), "{\"status\":\"invalid event\",\"errors\":[\"key s3cr3t\"]}");
      DeliveryOutcome outcome = sender(RetryPolicy.DEFAULT).send(now -> post(receiver.uri("/")));
      assertThat(outcome.result()).isEqualTo(DeliveryOutcome.Result.REJECTED);
      assertThat(outcome.httpStatus()).isEqualTo(400);
      assertThat(outcome.attempts()).isEqualTo(1);
      assertThat(outcome.detail()).contains("HTTP 400", "invalid event").doesNotContain("s3cr3t");
      assertThat(receiver.requests()).hasSize(1);
      assertThat(waits).isEmpty();
    }
  }

  @Test
  void givesUpWithinTheBudget() throws IOException {
    RetryPolicy policy =
        new RetryPolicy(
            Duration.ofSeconds(1),
            Duration.ofSeconds(4),
            Duration.ofSeconds(20),
            Duration.ofSeconds(5));
    try (Receiver receiver = new Receiver(503, "down")) {
      DeliveryOutcome outcome = sender(policy).send(now -> post(receiver.uri("/")));
      assertThat(outcome.result()).isEqualTo(DeliveryOutcome.Result.GAVE_UP);
      assertThat(outcome.detail()).contains("HTTP 503", "giving up", "retry budget 20 s");
      Duration waited = waits.stream().reduce(Duration.ZERO, Duration::plus);
      assertThat(waited).isLessThanOrEqualTo(Duration.ofSeconds(20));
      assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(4)));
      assertThat(receiver.requests()).hasSize(outcome.attempts());
    }
  }

  @Test
  void retryAfterBeyondTheBudgetGivesUpAtOnce() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver.then(429, Map.of("Retry-After", "3600"), "");
      DeliveryOutcome outcome = sender(RetryPolicy.DEFAULT).send(now -> post(receiver.uri("/")));
      assertThat(outcome.result()).isEqualTo(DeliveryOutcome.Result.GAVE_UP);
      assertThat(outcome.attempts()).isEqualTo(1);
      assertThat(outcome.detail()).contains("HTTP 429", "Retry-After 3600 s");
      assertThat(waits).isEmpty();
    }
  }

  @Test
  void retriesConnectionErrors() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI nobody = URI.create("http://127.0.0.1:" + closedPort + "/");
    RetryPolicy policy =
        new RetryPolicy(
            Duration.ofMillis(100),
            Duration.ofMillis(400),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
    DeliveryOutcome outcome = sender(policy).send(now -> post(nobody));
    assertThat(outcome.result()).isEqualTo(DeliveryOutcome.Result.GAVE_UP);
    assertThat(outcome.attempts()).isGreaterThan(1);
    assertThat(outcome.httpStatus()).isZero();
    assertThat(outcome.detail()).startsWith("connection refused; giving up after");
  }

  @Test
  void readsRetryAfterAsSecondsOrHttpDate() {
    assertThat(HttpSender.retryAfter(Optional.of("120"))).contains(Duration.ofSeconds(120));
    assertThat(HttpSender.retryAfter(Optional.of("soon"))).isEmpty();
    assertThat(HttpSender.retryAfter(Optional.empty())).isEmpty();
    String inAMinute =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
    assertThat(HttpSender.retryAfter(Optional.of(inAMinute)).orElseThrow())
        .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
  }
}
