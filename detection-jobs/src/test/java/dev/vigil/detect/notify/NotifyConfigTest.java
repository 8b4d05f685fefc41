package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.SecretSource;
import dev.vigil.rules.model.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static NotifyConfig parse(String yaml) throws IOException {
    return NotifySections.read(YAML.readTree(yaml).get("notify"));
  }

  private static String pd(String extra) {
    return "notify:\n  destinations:\n    oncall:\n      type: pagerduty\n"
        + "      routing_key_env: VIGIL_PD_ROUTING_KEY\n"
        + extra;
  }

  /** The example in docs/notify.md is the reference users copy: it must load as documented. */
  @Test
  void theDocumentedExampleLoads() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "notify.md"));
    int start = doc.indexOf("```yaml\nnotify:");
    assertThat(start).as("docs/notify.md has a ```yaml notify: example").isNotNegative();
    String yaml = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
    NotifyConfig config = parse(yaml);

    assertThat(config.destinations()).containsOnlyKeys("oncall", "siem", "secops-slack");
    NotifyConfig.Destination oncall = config.destinations().get("oncall");
    assertThat(oncall.type()).isEqualTo(NotifyConfig.DestinationType.PAGERDUTY);
    assertThat(oncall.url()).isEqualTo(NotifyConfig.PAGERDUTY_EVENTS_URL);
    assertThat(oncall.secret().env()).isEqualTo("VIGIL_PD_ROUTING_KEY");
    assertThat(oncall.route().minSeverity()).isEqualTo(Level.HIGH);
    assertThat(oncall.route().exclude()).containsExactly("policy_change");
    assertThat(config.grouping().window()).isEqualTo(Duration.ofMinutes(5));
    NotifyConfig.Destination siem = config.destinations().get("siem");
    assertThat(siem.secret().file()).isEqualTo("/run/secrets/vigil-webhook-key");
    assertThat(siem.delivery().retry().giveUpAfter()).isEqualTo(Duration.ofMinutes(10));
    NotifyConfig.Destination slack = config.destinations().get("secops-slack");
    assertThat(slack.route().defaultRoute()).isFalse();
    assertThat(slack.delivery().perMinute()).isEqualTo(60);
    assertThat(config.alertUrl("a b"))
        .isEqualTo("https://opensearch.example.com:9200/vigil-alerts/_search?q=alert_id:a+b");
  }

  @Test
  void appliesDefaults() throws IOException {
    NotifyConfig config = parse(pd(""));
    NotifyConfig.Destination oncall = config.destinations().get("oncall");
    assertThat(config.alertUrlTemplate()).isNull();
    assertThat(config.alertUrl("x")).isNull();
    assertThat(config.grouping())
        .isEqualTo(new NotifyConfig.Grouping(true, Duration.ofMinutes(5), 10_000));
    assertThat(config.replayMemory()).isEqualTo(100_000);
    assertThat(oncall.route())
        .isEqualTo(new NotifyConfig.Route(Level.INFORMATIONAL, Set.of(), Set.of(), true));
    assertThat(oncall.delivery())
        .isEqualTo(
            new NotifyConfig.Delivery(1000, Duration.ofSeconds(2), 60, 10, RetryPolicy.DEFAULT));
  }

  @Test
  void readsTheDetectionsAWebhookIncludes() {
    NotifyConfig config =
        NotifySections.read(
            Map.of(
                "destinations",
                Map.of(
                    "hook",
                    Map.of(
                        "type", "webhook",
                        "url", "https://siem.example.com/vigil",
                        "hmac_key_file", "/run/secrets/key",
                        "detections", Map.of("include", List.of("root_token_use"))))));
    assertThat(config.destinations().get("hook").route().include())
        .containsExactly("root_token_use");
  }

  @Test
  void credentialsInAWebhookUrlAreRefusedButATokenInItsQueryIsNot() {
    Map<String, Object> withUserInfo =
        Map.of(
            "type", "webhook",
            "url", "https://user:SECRETPW@siem.example.com/hooks?token=ABC",
            "hmac_key_env", "X");
    assertThatThrownBy(
            () -> NotifySections.read(Map.of("destinations", Map.of("hook", withUserInfo))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "notify.destinations.hook.url: credentials (user:password@) do not go in the URL")
        .message()
        .doesNotContain("SECRETPW");
    NotifyConfig withToken =
        NotifySections.read(
            Map.of(
                "destinations",
                Map.of(
                    "hook",
                    Map.of(
                        "type", "webhook",
                        "url", "https://siem.example.com/hooks?token=ABC",
                        "hmac_key_env", "X"))));
    assertThat(withToken.destinations()).containsKey("hook");
  }

  @Test
  void theKnownKeysOfAnUnknownKeyErrorAreTheAcceptedOnes() {
    // routing_key is refused (secrets are not inline): listing it as known would invite it.
    assertThatThrownBy(() -> parse(pd("      routing_kye_env: X\n")))
        .hasMessageEndingWith("unknown key; did you mean 'routing_key_env'?");
    assertThatThrownBy(() -> parse(pd("      xyzzy: X\n")))
        .hasMessageContaining("routing_key_env")
        .hasMessageContaining("routing_key_file")
        .message()
        .doesNotContainPattern("[ :,]routing_key(,|$)");
  }

  @Test
  void errorsNameTheBadKey() {
    assertError(
        pd("      min_severty: high\n"), "notify.destinations.oncall.min_severty", "unknown key");
    assertError(
        pd("      min_severity: urgent\n"),
        "notify.destinations.oncall.min_severity",
        "informational, low, medium, high, critical");
    assertError(
        pd("      queue_capacity: 0\n"), "notify.destinations.oncall.queue_capacity", "between 1");
    assertError(
        pd("      retry: {give_up_after: soon}\n"),
        "notify.destinations.oncall.retry.give_up_after",
        "duration");
    assertError(
        pd("      retry: {initial_backoff: 1m, max_backoff: 1s}\n"),
        "notify.destinations.oncall.retry.max_backoff",
        "initial_backoff");
    assertError(
        pd("      detections: {include: policy_change}\n"),
        "notify.destinations.oncall.detections.include",
        "list");
    assertError(
        pd("      rate_limit: {per_second: 5}\n"),
        "notify.destinations.oncall.rate_limit.per_second",
        "unknown key");
    assertError(pd("      url: ftp://x\n"), "notify.destinations.oncall.url", "http(s)");
    assertError(
        pd("      routing_key_file: /k\n"),
        "notify.destinations.oncall.routing_key_file",
        "give either routing_key_env or routing_key_file, not both");
    assertError(
        "notify:\n  destinations:\n    x:\n      type: email\n",
        "notify.destinations.x.type",
        "pagerduty, webhook, slack");
    assertError(
        "notify:\n  destinations:\n    x:\n      type: webhook\n      hmac_key_env: K\n",
        "notify.destinations.x.url",
        "required");
    assertError(
        "notify:\n  destinations:\n    x:\n      type: slack\n",
        "notify.destinations.x.webhook_url_env",
        "exactly one");
    assertError("notify:\n  alert_url: https://x/y\n", "notify.alert_url", "{alert_id}");
    assertError(
        "notify:\n  grouping: {window: 0s}\n", "notify.grouping.window", "longer than zero");
    assertError("notify:\n  destination: {}\n", "notify.destination", "unknown key");
    assertError(
        "notify:\n  destinations:\n    'bad name':\n      type: slack\n",
        "notify.destinations.bad name",
        "destination names");
  }

  /**
   * A {@code _doc} link through the alerts alias fails in OpenSearch as soon as alerts span two
   * monthly indices; it is refused at load with the search link that works.
   */
  @Test
  void refusesAnAlertUrlThatCannotOpenTheAlert() {
    assertThatThrownBy(
            () -> parse("notify:\n  alert_url: https://os:9200/vigil-alerts/_doc/{alert_id}\n"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "notify.alert_url: _doc cannot open every alert: alerts go to one index per month"
                + " (vigil-alerts-<yyyy.MM>) and _doc reads one index (through the alias"
                + " vigil-alerts it fails once there are two); use"
                + " \"https://os:9200/vigil-alerts/_search?q=alert_id:{alert_id}\"");
    assertError(
        "notify:\n  alert_url: http://proxy/os/vigil-alerts-2024.05/_doc/{alert_id}\n",
        "notify.alert_url",
        "use \"http://proxy/os/vigil-alerts/_search?q=alert_id:{alert_id}\"");
    assertError(
        "notify:\n  alert_url: https://os/vigil-alerts/_search?q=alert_id:{alertid}\n",
        "notify.alert_url",
        "unknown placeholder {alertid}; did you mean '{alert_id}'?");
    assertError(
        "notify:\n  alert_url: https://os/{index}/_search?q=alert_id:{alert_id}\n",
        "notify.alert_url",
        "unknown placeholder {index}; the only one is {alert_id}");
    assertError(
        "notify:\n  alert_url: os.example.com/vigil-alerts/_search?q=alert_id:{alert_id}\n",
        "notify.alert_url",
        "must be an absolute http(s) URL");
  }

  @Test
  void refusesInlineSecretsWithoutEchoingThem() {
    String yaml =
        "notify:\n  destinations:\n    oncall:\n      type: pagerduty\n"
            + "      routing_key: R0UT1NGK3Y0000000000000000SECRET\n";
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("notify.destinations.oncall.routing_key")
        .hasMessageContaining("routing_key_env")
        .hasMessageNotContaining("R0UT1NGK3Y");
  }

  @Test
  void readsASecretFromTheEnvironmentOrAFileAndNeverShowsIt(@TempDir Path dir) throws IOException {
    SecretSource env =
        new SecretSource("notify.destinations.oncall.routing_key_env", "PD_KEY", null);
    Secret fromEnv = Secret.read(env, Map.of("PD_KEY", "k3y-from-env\n")::get);
    assertThat(fromEnv.reveal()).isEqualTo("k3y-from-env");
    assertThat(fromEnv.toString()).doesNotContain("k3y").contains("env PD_KEY");
    assertThatThrownBy(() -> Secret.read(env, name -> null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "notify.destinations.oncall.routing_key_env: environment variable PD_KEY is not set"
                + " or empty");

    Path file = Files.writeString(dir.resolve("key"), "k3y-from-file\n");
    Secret fromFile =
        Secret.read(
            new SecretSource("notify.destinations.siem.hmac_key_file", null, file.toString()),
            n -> null);
    assertThat(fromFile.reveal()).isEqualTo("k3y-from-file");
    assertThat(fromFile.toString()).doesNotContain("k3y").contains("file " + file);
    assertThatThrownBy(
            () ->
                Secret.read(
                    new SecretSource(
                        "notify.destinations.siem.hmac_key_file",
                        null,
                        dir.resolve("none").toString()),
                    name -> null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("notify.destinations.siem.hmac_key_file: cannot read secret file");
  }

  private static void assertError(String yaml, String key, String problem) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo(key))
        .hasMessageContaining(problem);
  }
}
