package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.Alert;
import dev.vigil.rules.Rules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The act in an alert's summary tells a success, a refusal and a failure apart. */
class SummariesTest {

  private static final String ROOT_RULE =
      """
      title: Root credential used
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a02
      name: root_token_use
      level: critical
      detection:
        selection:
          actor.root: true
        condition: selection
      """;

  private static final String ROOT_SIGN_IN =
      "\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"ConsoleLogin\","
          + "\"actor\":{\"name\":\"root\",\"root\":true},"
          + "\"target\":{\"resource\":\"signin.amazonaws.com\",\"account\":\"111122223333\"},"
          + "\"src\":{\"ip\":\"192.0.2.0\"}";

  @Test
  void aSuccessfulActReadsAsTheActAlone() throws Exception {
    assertThat(summary("{" + ROOT_SIGN_IN + ",\"outcome\":\"SUCCESS\"}"))
        .isEqualTo(
            "Root credential used: root (root) ConsoleLogin on signin.amazonaws.com from 192.0.2.0"
                + " (AWS_CLOUDTRAIL 111122223333)");
  }

  @Test
  void aFailedActSaysSoWithTheSourcesShortMessage() throws Exception {
    assertThat(
            summary(
                "{"
                    + ROOT_SIGN_IN
                    + ",\"outcome\":\"FAILURE\",\"error_message\":\"Failed authentication\"}"))
        .isEqualTo(
            "Root credential used: root (root) failed ConsoleLogin (Failed authentication) on"
                + " signin.amazonaws.com from 192.0.2.0 (AWS_CLOUDTRAIL 111122223333)");
  }

  @Test
  void aLongMessageGivesWayToTheErrorCode() throws Exception {
    String message =
        "Login Profile for User stratus-red-team-login-profile-user cannot be modified while"
            + " login profile is being created.";
    assertThat(
            summary(
                "{"
                    + ROOT_SIGN_IN
                    + ",\"outcome\":\"FAILURE\",\"error_code\":\"EntityTemporarilyUnmodifiableException\","
                    + "\"error_message\":\""
                    + message
                    + "\"}"))
        .contains("root (root) failed ConsoleLogin (EntityTemporarilyUnmodifiableException) on")
        .doesNotContain("stratus");
    // Without a code, the message is shortened instead.
    assertThat(
            summary(
                "{"
                    + ROOT_SIGN_IN
                    + ",\"outcome\":\"FAILURE\",\"error_message\":\""
                    + message
                    + "\"}"))
        .contains(
            "failed ConsoleLogin (Login Profile for User stratus-red-team-login-profile-user …)")
        .doesNotContain("being created");
  }

  @Test
  void aFailureWithoutAReasonStillSaysFailed() throws Exception {
    assertThat(summary("{" + ROOT_SIGN_IN + ",\"outcome\":\"FAILURE\"}"))
        .contains("root (root) failed ConsoleLogin on signin.amazonaws.com");
  }

  @Test
  void aRefusalReadsAsBeforeWithoutTheReason() throws Exception {
    assertThat(
            summary(
                "{"
                    + ROOT_SIGN_IN
                    + ",\"outcome\":\"FAILURE\",\"denied\":true,\"error_code\":\"AccessDenied\"}"))
        .isEqualTo(
            "Root credential used: root (root) was denied ConsoleLogin on signin.amazonaws.com"
                + " from 192.0.2.0 (AWS_CLOUDTRAIL 111122223333)");
  }

  /** A Vault request entry is written before Vault knows the result: it names the act only. */
  @Test
  void anOutcomeNotKnownYetReadsAsTheActAlone() throws Exception {
    assertThat(
            summary(
                "{\"source\":\"VAULT\",\"operation\":\"update\",\"outcome\":\"UNKNOWN\","
                    + "\"actor\":{\"name\":\"root\",\"root\":true},"
                    + "\"target\":{\"resource\":\"sys/policies/acl/ops-admin\",\"account\":\"root\"},"
                    + "\"src\":{\"ip\":\"10.20.0.5\"}}"))
        .isEqualTo(
            "Root credential used: root (root) update on sys/policies/acl/ops-admin from 10.20.0.5"
                + " (VAULT namespace root)");
  }

  /**
   * A long resource id is cut in its middle: its end names the thing touched (the diagnostic
   * setting, the role assignment), its start the scope, and the account is said apart anyway.
   */
  @Test
  void aLongResourceKeepsItsEndWhereTheNameOfTheThingIs() throws Exception {
    String resource =
        "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/myresourcegroup"
            + "/providers/Microsoft.Storage/storageAccounts/mystorageaccount/providers"
            + "/Microsoft.Insights/diagnosticSettings/audit-to-siem";
    String summary =
        summary(
            "{\"source\":\"AZURE_MONITOR\",\"operation\":"
                + "\"Microsoft.Insights/diagnosticSettings/delete\",\"outcome\":\"SUCCESS\","
                + "\"actor\":{\"name\":\"carol@example.com\",\"root\":true},"
                + "\"target\":{\"resource\":\""
                + resource
                + "\",\"account\":\"12345678-1234-1234-1234-123456789abc\"}}");
    assertThat(summary)
        .startsWith(
            "Root credential used: carol@example.com (root)"
                + " Microsoft.Insights/diagnosticSettings/delete on /subscriptions/12345678-")
        .contains("…")
        .contains("/diagnosticSettings/audit-to-siem (AZURE_MONITOR");
    String shown = summary.substring(summary.indexOf(" on ") + 4, summary.indexOf(" (AZURE"));
    assertThat(shown).hasSize(120);
  }

  private static String summary(String event) throws Exception {
    List<Alert> alerts = Rules.run(Rules.compile(ROOT_RULE), List.of(Rules.event(event)));
    assertThat(alerts).hasSize(1);
    return alerts.get(0).summary();
  }
}
