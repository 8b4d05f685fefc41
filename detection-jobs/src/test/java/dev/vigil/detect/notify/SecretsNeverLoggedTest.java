package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Runs deliveries that fail in every way a credential could leak (an endpoint that echoes the key
 * in its 400 answer, a 500 storm, a dead port, a Slack URL whose path is the secret) and checks
 * that the captured log output names the failures but never a secret.
 */
class SecretsNeverLoggedTest {

  @Test
  void noSecretReachesTheLog() throws IOException {
    String slackSecretPath = "/services/T0SECRET/B0SECRET/slackw3bh00ks3cr3t";
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Receiver echo = Receiver.pagerDuty();
        Receiver failing = new Receiver(500, "internal error");
        Receiver slackEcho = new Receiver(404, "no_service")) {
      echo.then(
          400,
          Map.of(),
          "{\"status\":\"invalid event\",\"errors\":[\"routing_key "
              + AlertDispatcherTest.ROUTING_KEY
              + " is not valid\"]}");
      Map<String, Object> destinations = new LinkedHashMap<>();
      destinations.put("echo", AlertDispatcherTest.pagerDuty(echo.uri("/")));
      Map<String, Object> shortRetry =
          Map.of("initial_backoff", "10ms", "max_backoff", "50ms", "give_up_after", "1s");
      Map<String, Object> failingPager = AlertDispatcherTest.pagerDuty(failing.uri("/"));
      failingPager.put("retry", shortRetry);
      destinations.put("failing", failingPager);
      Map<String, Object> hook = AlertDispatcherTest.pagerDuty(failing.uri("/hook"));
      hook.remove("routing_key_env");
      hook.put("type", "webhook");
      hook.put("hmac_key_env", "VIGIL_WEBHOOK_KEY");
      hook.put("retry", shortRetry);
      destinations.put("hook", hook);
      Map<String, Object> slack = AlertDispatcherTest.pagerDuty(slackEcho.uri("/"));
      slack.remove("routing_key_env");
      slack.remove("url");
      slack.put("type", "slack");
      slack.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      destinations.put("slack", slack);
      String slackUrl = slackEcho.uri(slackSecretPath).toString();
      Function<String, String> env =
          Map.of(
                  "VIGIL_PD_ROUTING_KEY", AlertDispatcherTest.ROUTING_KEY,
                  "VIGIL_WEBHOOK_KEY", AlertDispatcherTest.HMAC_KEY,
                  "VIGIL_SLACK_WEBHOOK_URL", slackUrl)
              ::get;
      NotifyStats stats;
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              AlertDispatcherTest.config(destinations),
              env,
              AlertDispatcherTest.NO_RULE_ROUTES,
              AlertDispatcherTest.NO_GUIDANCE)) {
        dispatcher.submit(Alerts.spike(Alerts.id(1), "alice", 0));
        dispatcher.flush(AlertDispatcherTest.FLUSH);
        stats = dispatcher.stats();
      }
      assertThat(stats.destinations().get("echo").rejected()).isEqualTo(1);
      assertThat(stats.destinations().get("failing").gaveUp()).isEqualTo(1);
      assertThat(stats.destinations().get("hook").gaveUp()).isEqualTo(1);
      assertThat(stats.destinations().get("slack").rejected()).isEqualTo(1);
      assertThat(slackEcho.requests())
          .singleElement()
          .satisfies(r -> assertThat(r.path()).isEqualTo(slackSecretPath));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("notify destination 'echo': rejected TRIGGER", "HTTP 400", "****")
        .contains("notify destination 'failing': could not deliver", "HTTP 500", "giving up")
        .contains(
            "notify destination 'failing' (pagerduty): deliveries failing: HTTP 500; retrying each"
                + " message for up to 1s (retry.give_up_after), one line when they succeed again",
            "notify destination 'hook' (webhook): deliveries failing: HTTP 500; retrying each"
                + " message for up to 1s (retry.give_up_after), one line when they succeed again")
        .contains("notify destination 'slack': rejected", "HTTP 404", "no_service")
        .doesNotContain(AlertDispatcherTest.ROUTING_KEY)
        .doesNotContain(AlertDispatcherTest.HMAC_KEY)
        .doesNotContain("slackw3bh00ks3cr3t")
        .doesNotContain("T0SECRET");
  }

  /**
   * A message given up on a dead port is one line with the reason and its type, as a job's failure
   * is worded, and without the destination's key.
   */
  @Test
  void aMessageGivenUpOnADeadPortNamesTheReasonWithItsType() throws IOException {
    URI deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }
    Map<String, Object> dead = AlertDispatcherTest.pagerDuty(deadPort);
    dead.put(
        "retry", Map.of("initial_backoff", "10ms", "max_backoff", "50ms", "give_up_after", "1s"));
    Map<String, Object> destinations = new LinkedHashMap<>();
    destinations.put("dead", dead);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (AlertDispatcher dispatcher =
        AlertDispatcher.start(
            AlertDispatcherTest.config(destinations),
            Map.of("VIGIL_PD_ROUTING_KEY", AlertDispatcherTest.ROUTING_KEY)::get,
            AlertDispatcherTest.NO_RULE_ROUTES,
            AlertDispatcherTest.NO_GUIDANCE)) {
      dispatcher.submit(Alerts.spike(Alerts.id(1), "alice", 0));
      dispatcher.flush(AlertDispatcherTest.FLUSH);
      assertThat(dispatcher.stats().destinations().get("dead").gaveUp()).isEqualTo(1);
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .containsPattern(
            "notify destination 'dead': could not deliver TRIGGER for alert \\S+: connection"
                + " refused \\(ConnectException\\); giving up after")
        .doesNotContain(AlertDispatcherTest.ROUTING_KEY);
  }

  @Test
  void aSlackOutageIsOneWarningAndOneLineWhenItEndsWithoutTheWebhookUrl() throws IOException {
    String slackSecretPath = "/services/T0SECRET/B0SECRET/slackw3bh00ks3cr3t";
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Receiver slackReceiver = new Receiver(200, "ok")) {
      slackReceiver
          .then(503, Map.of(), "service unavailable")
          .then(500, Map.of(), "internal error")
          .then(502, Map.of(), "bad gateway");
      Map<String, Object> slack = AlertDispatcherTest.pagerDuty(slackReceiver.uri("/"));
      slack.remove("routing_key_env");
      slack.remove("url");
      slack.put("type", "slack");
      slack.put("webhook_url_env", "VIGIL_SLACK_WEBHOOK_URL");
      slack.put("retry", Map.of("initial_backoff", "10ms", "max_backoff", "20ms"));
      Map<String, Object> destinations = new LinkedHashMap<>();
      destinations.put("secops-slack", slack);
      Function<String, String> env =
          Map.of("VIGIL_SLACK_WEBHOOK_URL", slackReceiver.uri(slackSecretPath).toString())::get;
      try (AlertDispatcher dispatcher =
          AlertDispatcher.start(
              AlertDispatcherTest.config(destinations),
              env,
              AlertDispatcherTest.NO_RULE_ROUTES,
              AlertDispatcherTest.NO_GUIDANCE)) {
        dispatcher.submit(Alerts.spike(Alerts.id(1), "alice", 0));
        dispatcher.submit(Alerts.spike(Alerts.id(2), "bob", 0));
        assertThat(dispatcher.flush(AlertDispatcherTest.FLUSH)).isTrue();
        assertThat(dispatcher.stats().destinations().get("secops-slack").delivered()).isEqualTo(2);
      }
      assertThat(slackReceiver.requests()).hasSize(5);
    } finally {
      System.setErr(original);
    }
    List<String> lines =
        captured
            .toString(StandardCharsets.UTF_8)
            .lines()
            // The delivery lines; the start's line names the destination's secret's origin.
            .filter(line -> line.contains("notify destination 'secops-slack' (slack)"))
            .map(line -> line.substring(line.indexOf("notify destination")))
            .toList();
    assertThat(lines)
        .satisfiesExactly(
            line ->
                assertThat(line)
                    .isEqualTo(
                        "notify destination 'secops-slack' (slack): deliveries failing: HTTP 503;"
                            + " retrying each message for up to 5m (retry.give_up_after), one line"
                            + " when they succeed again"),
            line ->
                assertThat(line)
                    .matches(
                        "notify destination 'secops-slack' \\(slack\\): deliveries succeed again"
                            + " after \\d+m?s \\(3 failed attempts\\)"));
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .doesNotContain("slackw3bh00ks3cr3t")
        .doesNotContain("T0SECRET");
  }
}
