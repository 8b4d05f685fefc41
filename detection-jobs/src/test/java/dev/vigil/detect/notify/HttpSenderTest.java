package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
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
        "'oncall' (pagerduty)",
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

  /**
   * What {@code sending} logs of the destination {@code 'oncall'}, each line from its message on
   * (slf4j-simple writes to whatever System.err is at the moment it logs).
   */
  private static List<String> linesOf(Runnable sending) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      sending.run();
    } finally {
      System.setErr(stderr);
    }
    return captured
        .toString(StandardCharsets.UTF_8)
        .lines()
        .filter(line -> line.contains("notify destination 'oncall'"))
        .map(line -> line.substring(line.indexOf("notify destination 'oncall'")))
        .toList();
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
  void warnsOnceWhenDeliveriesStartFailingAndSaysWhenTheySucceedAgain() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver.then(503, Map.of(), "down").then(502, Map.of(), "down").then(500, Map.of(), "down");
      HttpSender sender = sender(RetryPolicy.DEFAULT);
      List<DeliveryOutcome> outcomes = new ArrayList<>();

      List<String> lines =
          linesOf(
              () -> {
                outcomes.add(sender.send(now -> post(receiver.uri("/"))));
                outcomes.add(sender.send(now -> post(receiver.uri("/"))));
              });

      assertThat(outcomes).extracting(DeliveryOutcome::attempts).containsExactly(4, 1);
      Duration failing = waits.stream().reduce(Duration.ZERO, Duration::plus);
      assertThat(failing).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(7));
      assertThat(lines)
          .containsExactly(
              "notify destination 'oncall' (pagerduty): deliveries failing: HTTP 503; retrying each"
                  + " message for up to 5m (retry.give_up_after), one line when they succeed"
                  + " again",
              "notify destination 'oncall' (pagerduty): deliveries succeed again after "
                  + failing.toSeconds()
                  + "s (3 failed attempts)");
    }
  }

  @Test
  void aRefusedConnectionIsOneWarningUntilADeliverySucceeds() throws IOException {
    URI nobody = closedLoopbackPort();
    RetryPolicy policy =
        new RetryPolicy(
            Duration.ofMillis(400),
            Duration.ofMillis(400),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
    try (Receiver receiver = Receiver.pagerDuty()) {
      HttpSender sender = sender(policy);
      List<DeliveryOutcome> outcomes = new ArrayList<>();

      List<String> lines =
          linesOf(
              () -> {
                // Two messages given up, one streak: still one warning.
                outcomes.add(sender.send(now -> post(nobody)));
                outcomes.add(sender.send(now -> post(nobody)));
                outcomes.add(sender.send(now -> post(receiver.uri("/"))));
              });

      assertThat(outcomes)
          .extracting(DeliveryOutcome::result)
          .containsExactly(
              DeliveryOutcome.Result.GAVE_UP,
              DeliveryOutcome.Result.GAVE_UP,
              DeliveryOutcome.Result.DELIVERED);
      int failedAttempts = outcomes.get(0).attempts() + outcomes.get(1).attempts();
      assertThat(failedAttempts).isGreaterThan(4);
      Duration failing = waits.stream().reduce(Duration.ZERO, Duration::plus);
      assertThat(lines)
          .containsExactly(
              "notify destination 'oncall' (pagerduty): deliveries failing: connection refused"
                  + " (ConnectException); retrying each message for up to 2s"
                  + " (retry.give_up_after), one line when they succeed again",
              "notify destination 'oncall' (pagerduty): deliveries succeed again after "
                  + failing.toSeconds()
                  + "s ("
                  + failedAttempts
                  + " failed attempts, 2 messages given up)");
    }
  }

  @Test
  void aRefusedMessageNeitherStartsNorEndsAStreak() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver.then(400, Map.of(), "{\"message\":\"Event object is invalid\"}");
      HttpSender sender = sender(RetryPolicy.DEFAULT);

      List<String> lines =
          linesOf(
              () -> {
                sender.send(now -> post(receiver.uri("/")));
                sender.send(now -> post(receiver.uri("/")));
              });

      assertThat(lines).isEmpty();
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
  void showsWhatPagerDutySaysInItsRefusalReadably() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      // As PagerDuty writes it: quotes and the like JSON-escaped.
      receiver.then(
          400,
          Map.of(),
          "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
              + "\"errors\":[\"\\u0027payload.summary\\u0027 is missing or blank\","
              + "\"Length of \\u0027routing_key\\u0027 is incorrect\\n(should be 32 characters)\"]}");
      DeliveryOutcome outcome = sender(RetryPolicy.DEFAULT).send(now -> post(receiver.uri("/")));
      assertThat(outcome.result()).isEqualTo(DeliveryOutcome.Result.REJECTED);
      assertThat(outcome.detail())
          .isEqualTo(
              "HTTP 400: Event object is invalid: 'payload.summary' is missing or blank; Length"
                  + " of 'routing_key' is incorrect (should be 32 characters)");
    }
  }

  @Test
  void aKeyEchoedEscapedOrAcrossTheCutIsMaskedWhole() throws IOException {
    try (Receiver receiver = Receiver.pagerDuty()) {
      receiver
          .then(400, Map.of(), "{\"message\":\"bad key \\u0073\\u0033cr3t\"}")
          .then(400, Map.of(), "{\"message\":\"" + "x".repeat(296) + "s3cr3t and more\"}")
          .then(400, Map.of(), "{\"errors\":[{\"key\":\"\\u0027s3cr3t\\u0027\"}]}");
      HttpSender sender = sender(RetryPolicy.DEFAULT);

      assertThat(sender.send(now -> post(receiver.uri("/"))).detail())
          .isEqualTo("HTTP 400: bad key ****");
      assertThat(sender.send(now -> post(receiver.uri("/"))).detail())
          .isEqualTo("HTTP 400: " + "x".repeat(296) + "***…")
          .doesNotContain("s3");
      assertThat(sender.send(now -> post(receiver.uri("/"))).detail())
          .isEqualTo("HTTP 400: {\"key\":\"'****'\"}");
    }
  }

  @Test
  void anAnswerThatIsNotPagerDutysShape() {
    assertThat(HttpSender.readable("no_service")).isEqualTo("no_service");
    assertThat(HttpSender.readable("{\"ok\":false,\"note\":\"caf\\u00e9\"}"))
        .isEqualTo("{\"ok\":false,\"note\":\"café\"}");
    assertThat(HttpSender.readable("\"quoted \\u0027text\\u0027\"")).isEqualTo("quoted 'text'");
    assertThat(HttpSender.readable("{\"status\":\"throttle event\"}")).isEqualTo("throttle event");
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
    URI nobody = closedLoopbackPort();
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
    // Named with its type, as the warning of the streak and a job's failure are.
    assertThat(outcome.detail())
        .startsWith("connection refused (ConnectException); giving up after");
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

  /** A loopback URL whose port was free a moment ago, so a connection to it is refused. */
  private static URI closedLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }
  }
}
