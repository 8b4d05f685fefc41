package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.Alert;
import dev.vigil.rules.Rules;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The act in an alert's summary tells a success, a refusal and a failure apart; a correlation's
 * names the actor behind its group's id.
 */
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

  private static final String SPIKE_RULE =
      """
      title: read
      id: 33333333-3333-4333-8333-000000000001
      name: read
      detection:
        sel:
          action: read
        condition: sel
      ---
      title: Denied access spike
      id: 33333333-3333-4333-8333-000000000002
      name: spike
      correlation:
        type: event_count
        rules: [read]
        group-by: [actor.id]
        timespan: 5m
        condition: {gte: 3}
      """;

  private static final String RUNNER_ID = "9a1d2c3b-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

  /** A correlation grouped by an id leads with the name its events give that actor. */
  @Test
  void aCorrelationByActorIdLeadsWithTheActorsName() throws Exception {
    assertThat(
            spikeSummary(
                read(RUNNER_ID, "token-ci-runner", "10:00:00"),
                read(RUNNER_ID, "token-ci-runner", "10:00:01"),
                read(RUNNER_ID, "token-ci-runner", "10:00:02")))
        .isEqualTo(
            "Denied access spike: 3 events by token-ci-runner (actor.id="
                + RUNNER_ID
                + ") within 5m (2024-06-01T10:00:00Z to 2024-06-01T10:00:02Z);"
                + " last: token-ci-runner read on secret/10:00:02 from 10.0.0.1");
  }

  /** Without a name, or with one that only repeats the id, the id is said as before. */
  @Test
  void aCorrelationWithoutANameSaysTheIdAlone() throws Exception {
    assertThat(
            spikeSummary(
                read(RUNNER_ID, null, "10:00:00"),
                read(RUNNER_ID, null, "10:00:01"),
                read(RUNNER_ID, null, "10:00:02")))
        .startsWith("Denied access spike: 3 events by actor.id=" + RUNNER_ID + " within 5m");
    String gcp = "scraper@acme-prod-4411.iam.gserviceaccount.com";
    assertThat(
            spikeSummary(
                read(gcp, gcp, "10:00:00"), read(gcp, gcp, "10:00:01"), read(gcp, gcp, "10:00:02")))
        .startsWith("Denied access spike: 3 events by actor.id=" + gcp + " within 5m");
  }

  /** A long name is cut in its middle as an id is: its end names the session. */
  @Test
  void aLongNameIsCutInItsMiddle() throws Exception {
    String name = "break-glass-admin/" + "x".repeat(150) + "/bob-incident-4411";
    String id = "arn:aws:sts::111122223333:assumed-role/" + name;
    String summary =
        spikeSummary(
            read(id, name, "10:00:00"), read(id, name, "10:00:01"), read(id, name, "10:00:02"));
    assertThat(summary).startsWith("Denied access spike: 3 events by break-glass-admin/xxx");
    String shownName =
        summary.substring("Denied access spike: 3 events by ".length(), summary.indexOf(" (actor"));
    assertThat(shownName).hasSize(120).contains("…").endsWith("x/bob-incident-4411");
    String shownId =
        summary.substring(summary.indexOf("(actor.id=") + 10, summary.indexOf(") within"));
    assertThat(shownId).hasSize(120).startsWith("arn:aws:sts::").endsWith("/bob-incident-4411");
  }

  /**
   * The name is the latest event's, and the alert a function of its events alone: the same events
   * arriving in another order give the same alert, and two names at the same time give the one that
   * sorts first whichever arrived last.
   */
  @Test
  void theNameIsTheLatestAndDoesNotDependOnArrivalOrder() throws Exception {
    AuditEvent bob = read(RUNNER_ID, "bob", "10:00:01");
    AuditEvent alice = read(RUNNER_ID, "alice", "10:00:01");
    AuditEvent unnamed = read(RUNNER_ID, null, "10:00:02");
    CompiledPack pack = Rules.compile(SPIKE_RULE);
    List<Alert> inOrder = Rules.run(pack, List.of(bob, alice, unnamed));
    List<Alert> reordered = Rules.run(pack, List.of(unnamed, alice, bob));
    assertThat(inOrder).hasSize(1);
    assertThat(inOrder.get(0).summary())
        .startsWith("Denied access spike: 3 events by alice (actor.id=" + RUNNER_ID + ")")
        .endsWith("; last: " + RUNNER_ID + " read on secret/10:00:02 from 10.0.0.1");
    assertThat(reordered).hasSize(1);
    assertThat(reordered.get(0).summary()).isEqualTo(inOrder.get(0).summary());
    assertThat(reordered.get(0).alertId()).isEqualTo(inOrder.get(0).alertId());
    // Events at distinct times: the whole alert is the same, whatever the order they came in.
    AuditEvent renamed = read(RUNNER_ID, "old-name", "10:00:00");
    AuditEvent later = read(RUNNER_ID, "new-name", "10:00:01");
    List<Alert> renamedInOrder = Rules.run(pack, List.of(renamed, later, unnamed));
    assertThat(renamedInOrder.get(0).summary()).contains(" by new-name (actor.id=");
    assertThat(Rules.run(pack, List.of(unnamed, later, renamed))).isEqualTo(renamedInOrder);
  }

  private static AuditEvent read(String actorId, String actorName, String time) {
    return Rules.event(
        "{\"source\":\"VAULT\",\"action\":\"read\",\"actor\":{\"id\":\""
            + actorId
            + (actorName == null ? "\"" : "\",\"name\":\"" + actorName + "\"")
            + "},\"target\":{\"resource\":\"secret/"
            + time
            + "\"},\"src\":{\"ip\":\"10.0.0.1\"},\"time\":\"2024-06-01T"
            + time
            + "Z\"}");
  }

  private static String spikeSummary(AuditEvent... events) throws Exception {
    List<Alert> alerts = Rules.run(Rules.compile(SPIKE_RULE), List.of(events));
    assertThat(alerts).hasSize(1);
    return alerts.get(0).summary();
  }

  private static String summary(String event) throws Exception {
    List<Alert> alerts = Rules.run(Rules.compile(ROOT_RULE), List.of(Rules.event(event)));
    assertThat(alerts).hasSize(1);
    return alerts.get(0).summary();
  }
}
