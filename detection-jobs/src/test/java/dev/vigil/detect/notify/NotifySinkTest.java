package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.RulePack;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class NotifySinkTest {

  private static final NotifyConfig CONFIG =
      NotifyConfig.fromMap(
          Map.of(
              "destinations",
              Map.of(
                  "oncall",
                  Map.of(
                      "type",
                      "pagerduty",
                      "routing_key_file",
                      "/run/secrets/pd",
                      "retry",
                      Map.of("give_up_after", "2m", "request_timeout", "20s")),
                  "siem",
                  Map.of(
                      "type",
                      "webhook",
                      "url",
                      "https://siem.example/hook",
                      "hmac_key_env",
                      "VIGIL_WEBHOOK_KEY"))));

  @Test
  void theSinkTravelsWithTheJobGraphHoldingOnlyReferencesToSecrets() throws Exception {
    NotifySink sink = NotifySink.of(CONFIG, RulePack.builtIn());
    byte[] bytes = InstantiationUtil.serializeObject(sink);
    assertThat(InstantiationUtil.<NotifySink>deserializeObject(bytes, getClass().getClassLoader()))
        .isNotNull();
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("/run/secrets/pd", "VIGIL_WEBHOOK_KEY");
  }

  @Test
  void aCheckpointWaitsAtMostForTheSlowestDestinationToGiveUp() {
    // oncall: 2m + 20s; siem: the default 5m + 10s; plus 5s of slack.
    assertThat(NotifySink.drainTime(CONFIG)).isEqualTo(Duration.ofMinutes(5).plusSeconds(15));
  }
}
