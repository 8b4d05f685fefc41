package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PagerDutyNotifierTest {

  private final PagerDutyNotifier notifier =
      new PagerDutyNotifier(
          NotifyConfig.PAGERDUTY_EVENTS_URL,
          Secret.of("routing-key-123", "env PD"),
          null,
          id -> null,
          AlertDispatcherTest.NO_GUIDANCE,
          Duration.ofSeconds(10));

  @Test
  void anAlertWithoutGroupSendsNoEmptyGroupField() throws Exception {
    // A single-event rule (root credential use) groups by nothing.
    JsonNode event =
        new ObjectMapper()
            .readTree(
                notifier.body(
                    Notification.trigger(
                        Alerts.alert(
                            Alerts.id(1),
                            "rule-1",
                            "critical",
                            "root_token_use",
                            Map.of(),
                            Alerts.T0))));
    assertThat(PagerDutyContract.violations(event)).isEmpty();
    assertThat(event.path("payload").has("group")).isFalse();
    assertThat(event.path("dedup_key").asText()).isEqualTo(Alerts.id(1));
  }

  @Test
  void aGroupedAlertNamesItsGroup() throws Exception {
    JsonNode event =
        new ObjectMapper()
            .readTree(notifier.body(Notification.trigger(Alerts.spike(Alerts.id(2), "alice", 0))));
    assertThat(PagerDutyContract.violations(event)).isEmpty();
    assertThat(event.path("payload").path("group").asText()).isEqualTo("actor.id=alice");
  }
}
