package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.Alert;
import dev.vigil.rules.Rules;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectionEngineTest {

  private static final String ROOT_RULE =
      """
      title: Root token use
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a01
      name: root_token_use
      author: Vigil
      level: critical
      detection_class: root_token_use
      tags: [attack.t1078]
      detection:
        selection:
          actor.root: true
        condition: selection
      """;

  @Test
  void singleEventRuleAlertsWithTheContractFields() throws Exception {
    CompiledPack pack = Rules.compile(ROOT_RULE);
    List<Alert> alerts =
        Rules.run(
            pack,
            List.of(
                Rules.event(
                    "{\"event_id\":\"e1\",\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"ConsoleLogin\","
                        + "\"actor\":{\"name\":\"root\",\"root\":true},\"time\":\"2024-05-01T10:00:00Z\"}"),
                Rules.event("{\"source\":\"VAULT\",\"actor\":{\"name\":\"alice\"}}")));
    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.ruleId()).isEqualTo("5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a01");
    assertThat(alert.detection()).isEqualTo("root_token_use");
    assertThat(alert.severity()).isEqualTo("critical");
    assertThat(alert.ruleAuthor()).isEqualTo("Vigil");
    assertThat(alert.eventIds()).containsExactly("e1");
    assertThat(alert.eventCount()).isEqualTo(1);
    assertThat(alert.summary()).contains("root (root)").contains("ConsoleLogin");
    assertThat(alert.tags()).containsExactly("attack.t1078");
    assertThat(alert.group()).containsExactly(Map.entry("actor.name", "root"));
  }

  private static final String UNANSWERED_RULE =
      """
      title: Root token issue unanswered
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a02
      name: root_token_issue_unanswered
      level: critical
      await_response: 2m
      detection:
        selection:
          actor.root: true
          operation: update
        condition: selection
      """;

  private static AuditEvent vaultEntry(String requestId, String type, String time) {
    return Rules.event(
        "{\"event_id\":\""
            + requestId
            + ":"
            + type
            + "\",\"source\":\"VAULT\",\"operation\":\"update\","
            + "\"actor\":{\"name\":\"root\",\"root\":true},\"time\":\""
            + time
            + "\"}");
  }

  /**
   * A request of an await_response rule alerts once the event-time clock passes its wait without a
   * response (a streaming job's watermark, not the end of input), and not before; a response in
   * time, before or after the request in arrival order, ends the wait.
   */
  @Test
  void awaitResponseAlertsOnAnUnansweredRequestWhenTheClockPassesTheWait() throws Exception {
    CompiledPack pack = Rules.compile(UNANSWERED_RULE);
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      engine.accept(vaultEntry("lost", "request", "2024-05-01T10:00:00Z"));
      engine.accept(vaultEntry("answered", "request", "2024-05-01T10:00:00Z"));
      engine.accept(vaultEntry("answered", "response", "2024-05-01T10:02:00Z"));
      engine.accept(vaultEntry("early", "response", "2024-05-01T10:00:30Z"));
      engine.accept(vaultEntry("early", "request", "2024-05-01T10:00:30Z"));
      engine.advanceTo(java.time.Instant.parse("2024-05-01T10:02:00Z"));
      assertThat(alerts).as("the wait is not over at its deadline").isEmpty();
      engine.advanceTo(java.time.Instant.parse("2024-05-01T10:05:00Z"));
      assertThat(alerts).hasSize(1);
      engine.flush();
    }
    Alert alert = alerts.get(0);
    assertThat(alert.eventIds()).containsExactly("lost:request");
    assertThat(alert.time()).isEqualTo(java.time.Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(alert.summary())
        .isEqualTo(
            "Root token issue unanswered: root (root) update (VAULT); its response was not seen"
                + " within 2m");
  }

  /**
   * The unanswered rule standing for a use rule that judges token issues by their response, beside
   * a creation rule that reports what only a response can show (the built-in pack's shape).
   */
  private static final String STANDS_FOR_PACK =
      """
      title: Root use
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a11
      name: use
      level: critical
      detection:
        selection:
          actor.root: true
        request:
          outcome: UNKNOWN
        condition: selection and not request
      ---
      title: Root created
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a12
      name: created
      level: critical
      detection:
        selection:
          target.type: root_token
        condition: selection
      ---
      title: Unanswered
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a13
      name: unanswered
      level: critical
      await_response: 2m
      stands_for: [use]
      detection:
        selection:
          actor.root: true
        condition: selection
      """;

  private static AuditEvent issueEntry(String requestId, String type, String time, boolean root) {
    return Rules.event(
        "{\"event_id\":\""
            + requestId
            + ":"
            + type
            + "\",\"source\":\"VAULT\",\"operation\":\"update\",\"outcome\":\""
            + (type.equals("request") ? "UNKNOWN" : "SUCCESS")
            + "\",\"target\":{\"resource\":\"auth/token/create\""
            + (root ? ",\"type\":\"root_token\"" : "")
            + "},\"actor\":{\"name\":\"root\",\"root\":true},\"time\":\""
            + time
            + "\"}");
  }

  /**
   * A response judged after its request alerted as unanswered is the same act: the rule the alert
   * stands for does not alert on it again, another rule (a fact the request could not show) does.
   */
  @Test
  void aLateResponseDoesNotRaiseWhatItsUnansweredAlertStandsFor() throws Exception {
    CompiledPack pack = Rules.compile(STANDS_FOR_PACK);
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      engine.accept(issueEntry("plain", "request", "2024-05-01T10:00:00Z", false));
      engine.accept(issueEntry("plain", "response", "2024-05-01T10:03:00Z", false));
      engine.accept(issueEntry("minted", "request", "2024-05-01T10:00:10Z", false));
      engine.accept(issueEntry("minted", "response", "2024-05-01T10:03:10Z", true));
      engine.flush();
    }
    assertThat(alerts)
        .extracting(a -> a.ruleName() + " " + a.eventIds().get(0))
        .containsExactly(
            "unanswered plain:request", "unanswered minted:request", "created minted:response");
  }

  /**
   * Past the engine's memory of alert ids the response alerts again, under the id {@link
   * DetectionEngine#stoodFor} gave a host that remembers longer (the Flink job), so that it drops
   * it.
   */
  @Test
  void stoodForNamesTheIdsALateResponseWouldAlertUnder() throws Exception {
    CompiledPack pack = Rules.compile(STANDS_FOR_PACK);
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      engine.accept(issueEntry("plain", "request", "2024-05-01T10:00:00Z", false));
      engine.advanceTo(java.time.Instant.parse("2024-05-01T11:00:00Z"));
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"outcome\":\"SUCCESS\",\"actor\":{\"id\":\"r\",\"root\":true},\"time\":\"2024-05-01T11:00:00Z\"}"));
      engine.advanceTo(java.time.Instant.parse("2024-05-01T11:00:01Z"));
      engine.accept(issueEntry("plain", "response", "2024-05-01T10:03:00Z", false));
      assertThat(alerts).extracting(Alert::ruleName).containsExactly("unanswered", "use", "use");
      assertThat(engine.stoodFor(alerts.get(0))).containsExactly(alerts.get(2).alertId());
      assertThat(engine.stoodFor(alerts.get(1))).isEmpty();
      assertThat(engine.stoodFor(alerts.get(2))).isEmpty();
    }
  }

  /** What an unanswered alert stands for must be another rule alerting once per request. */
  @Test
  void standsForNamesSingleEventRulesOfThePackWithoutSuppressOrAWait() {
    assertThatThrownBy(() -> Rules.compile(STANDS_FOR_PACK.replace("[use]", "[user]")))
        .hasMessageContaining("'stands_for' names 'user', which no rule of the pack has");
    assertThatThrownBy(() -> Rules.compile(STANDS_FOR_PACK.replace("[use]", "[unanswered]")))
        .hasMessageContaining("'stands_for' names 'unanswered', the rule itself");
    assertThatThrownBy(
            () ->
                Rules.compile(
                    STANDS_FOR_PACK.replace(
                        "name: use\n", "name: use\nsuppress: {period: 1h, by: [actor.id]}\n")))
        .hasMessageContaining("'stands_for' names 'use', a rule with 'suppress'");
  }

  private static final String SUPPRESSED_RULE =
      """
      title: Denied call
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a03
      name: denied_call
      author: Vigil
      level: low
      suppress: {period: 1m, by: [actor.id]}
      detection:
        selection:
          denied: true
        condition: selection
      """;

  /**
   * A group's suppression is remembered for its period and no longer: a long-running engine meets
   * new groups all the time (identities, addresses), and kept them all before.
   */
  @Test
  void aGroupIsForgottenOnceTheClockPassesItsSuppression() throws Exception {
    CompiledPack pack = Rules.compile(SUPPRESSED_RULE);
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      for (int actor = 0; actor < 100; actor++) {
        engine.accept(denied("actor-" + actor, "2024-05-01T10:00:00Z"));
      }
      engine.accept(denied("actor-0", "2024-05-01T10:00:30Z"));
      engine.advanceTo(java.time.Instant.parse("2024-05-01T10:00:59.999Z"));
      assertThat(alerts).as("one per actor, the repeat suppressed").hasSize(100);
      assertThat(engine.suppressedGroups()).isEqualTo(100);

      engine.advanceTo(java.time.Instant.parse("2024-05-01T10:01:00Z"));
      assertThat(engine.suppressedGroups()).isZero();

      // A new period starts with the next alert.
      engine.accept(denied("actor-0", "2024-05-01T10:01:10Z"));
      engine.accept(denied("actor-0", "2024-05-01T10:01:20Z"));
      engine.advanceTo(java.time.Instant.parse("2024-05-01T10:01:30Z"));
      assertThat(alerts).hasSize(101);
      assertThat(engine.suppressedGroups()).isOne();
    }
  }

  private static AuditEvent denied(String actor, String time) {
    return Rules.event(
        "{\"source\":\"AWS_CLOUDTRAIL\",\"denied\":true,\"actor\":{\"id\":\""
            + actor
            + "\"},\"time\":\""
            + time
            + "\"}");
  }

  /**
   * Without suppress.by a single-event alert is grouped by its actor, which the pager's grouping
   * keys on; the alert id does not depend on it.
   */
  @Test
  void singleEventAlertNamesItsActorAsTheGroupAndKeepsItsId() throws Exception {
    CompiledPack pack = Rules.compile(ROOT_RULE);
    String event =
        "{\"event_id\":\"e1\",\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"ConsoleLogin\","
            + "\"actor\":{\"id\":\"arn:aws:iam::999988887777:root\",\"name\":\"root\","
            + "\"root\":true},\"time\":\"2024-05-01T10:00:00Z\"}";
    Alert alert = Rules.run(pack, List.of(Rules.event(event))).get(0);
    assertThat(alert.group())
        .containsExactly(Map.entry("actor.id", "arn:aws:iam::999988887777:root"));
    Alert anonymous =
        Rules.run(
                pack,
                List.of(
                    Rules.event(
                        event.replaceAll("\"actor\":\\{[^}]*}", "\"actor\":{\"root\":true}"))))
            .get(0);
    assertThat(anonymous.group()).isEmpty();
    assertThat(anonymous.alertId()).isEqualTo(alert.alertId());
  }

  private static final String DENIED_SPIKE =
      """
      title: Denied
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a02
      name: denied
      detection:
        selection:
          denied: true
        condition: selection
      ---
      title: Denied spike
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a03
      correlation:
        type: event_count
        rules: [denied]
        group-by: [actor.id]
        timespan: 5m
        condition:
          gte: 3
      """;

  /** Four denials of one actor; the last three straddle a clock boundary within 5 minutes. */
  private static List<AuditEvent> deniedBurst(String actor) {
    List<AuditEvent> events = new ArrayList<>();
    for (String time : List.of("10:00:00", "10:04:00", "10:05:30", "10:08:59")) {
      events.add(
          Rules.event(
              "{\"source\":\"VAULT\",\"denied\":true,\"actor\":{\"id\":\""
                  + actor
                  + "\"},\"time\":\"2024-05-01T"
                  + time
                  + "Z\"}"));
    }
    return events;
  }

  @Test
  void eventCountCorrelationSlidesOnEventTime() throws Exception {
    CompiledPack pack = Rules.compile(DENIED_SPIKE);
    List<Alert> alerts = Rules.run(pack, deniedBurst("alice"));
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).group()).containsEntry("actor.id", "alice");
    assertThat(alerts.get(0).eventCount()).isEqualTo(3);
    assertThat(alerts.get(0).windowStart().toString()).isEqualTo("2024-05-01T10:04:00Z");
  }

  @Test
  void theSinkLearnsTheTagOfTheEventWhoseArrivalRaisedTheAlert() throws Exception {
    CompiledPack pack = Rules.compile(DENIED_SPIKE);
    List<Long> tags = new ArrayList<>();
    DetectionEngine[] engine = new DetectionEngine[1];
    engine[0] = DetectionEngine.start(pack, alert -> tags.add(engine[0].triggerTag()));
    try (DetectionEngine running = engine[0]) {
      List<AuditEvent> burst = deniedBurst("alice");
      // Accepted in reverse, judged in event time order: the 10:08:59 denial (tag 3) is the one
      // that completes the window, though it arrived first.
      for (int i = burst.size() - 1; i >= 0; i--) {
        running.accept(burst.get(i), i);
      }
      running.flush();
    }
    assertThat(tags).containsExactly(3L);
  }

  @Test
  void heldEventsShareTheirRepeatedTextsButKeepTheirValues() throws Exception {
    CompiledPack pack = Rules.compile(DENIED_SPIKE);
    List<AuditEvent> burst = deniedBurst(new String("alice".toCharArray()));
    AuditEvent other = deniedBurst(new String("alice".toCharArray())).get(0);
    other.getActor().setPolicies(new ArrayList<>(List.of(new String("default".toCharArray()))));
    burst.get(0).getActor().setPolicies(new ArrayList<>(List.of("default")));
    burst.get(1).getActor().setPolicies(List.of(new String("default".toCharArray())));
    try (DetectionEngine engine = DetectionEngine.start(pack, alert -> {})) {
      engine.accept(burst.get(0));
      engine.accept(other);
      engine.accept(burst.get(1));
    }
    assertThat(other.getActor().getId())
        .isEqualTo("alice")
        .isSameAs(burst.get(0).getActor().getId());
    assertThat(other.getActor().getPolicies().get(0))
        .isSameAs(burst.get(0).getActor().getPolicies().get(0));
    // An immutable list is left as it came.
    assertThat(burst.get(1).getActor().getPolicies()).containsExactly("default");
  }

  @Test
  void enginesOnOnePackKeepTheirOwnStateAndHandTheirClassesOn() throws Exception {
    CompiledPack pack = Rules.compile(DENIED_SPIKE);
    List<Alert> first = new ArrayList<>();
    List<Alert> second = new ArrayList<>();
    DetectionEngine one = DetectionEngine.start(pack, first::add);
    DetectionEngine two = DetectionEngine.start(pack, second::add);
    // Interleaved: two live engines share no statement state, though they deploy one module.
    List<AuditEvent> alice = deniedBurst("alice");
    List<AuditEvent> bob = deniedBurst("bob");
    for (int i = 0; i < alice.size(); i++) {
      one.accept(alice.get(i));
      two.accept(bob.get(i));
      one.flush();
      two.flush();
    }
    assertThat(first).singleElement().satisfies(a -> assertThat(a.eventCount()).isEqualTo(3));
    assertThat(second)
        .singleElement()
        .satisfies(a -> assertThat(a.group()).containsEntry("actor.id", "bob"));
    assertThat(pack.classLoaders().idle()).isEmpty();
    one.close();
    two.close();
    two.close();
    assertThat(pack.classLoaders().idle()).hasSize(2);
    // A waiting loader keeps nothing of the closed engine: its statements' static fields (the
    // runtime's services, the aggregation state, the listeners and so the engine) are cleared.
    for (ClassLoader waiting : pack.classLoaders().idle()) {
      for (String name : pack.compiled().getClasses().keySet()) {
        for (Field field : Class.forName(name, false, waiting).getDeclaredFields()) {
          if (Modifier.isStatic(field.getModifiers())
              && !Modifier.isFinal(field.getModifiers())
              && !field.getType().isPrimitive()) {
            field.setAccessible(true);
            assertThat(field.get(null)).as(name + "." + field.getName()).isNull();
          }
        }
      }
    }

    // The next engines take the loaders back and start from empty windows: one denial of a
    // previous engine's actor does not complete its burst.
    List<Alert> again = new ArrayList<>();
    try (DetectionEngine three = DetectionEngine.start(pack, again::add)) {
      assertThat(pack.classLoaders().idle()).hasSize(1);
      three.accept(deniedBurst("alice").get(3));
      three.flush();
      assertThat(again).isEmpty();
      deniedBurst("carol").forEach(three::accept);
      three.flush();
    }
    assertThat(again)
        .singleElement()
        .satisfies(a -> assertThat(a.group()).containsEntry("actor.id", "carol"));
    assertThat(pack.classLoaders().idle()).hasSize(2);
    assertThat(Rules.run(pack, alice)).containsExactlyElementsOf(first);
  }

  private static final String BACKTRACKING_RULE =
      """
      title: Slow regex
      id: 5b0e3f5e-8d7c-4a37-9b1e-0a9b8f6f1a09
      name: slow_regex
      level: low
      detection:
        selection:
          actor.name|re: 'x.*y.*y.*z$'
        condition: selection
      """;

  /**
   * A {@code |re} that runs out of its step budget does not match, silently for the event, but the
   * engine counts it for the operator's metric; one that judges its value is not counted.
   */
  @Test
  void aRegexOutOfItsBudgetIsCountedAndDoesNotMatch() throws Exception {
    CompiledPack pack = Rules.compile(BACKTRACKING_RULE);
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      // Backtracking over 5,000 y's costs far more than the budget of 64 reads per character.
      engine.accept(named("x" + "y".repeat(5_000) + "z!", "2024-05-01T10:00:00Z"));
      engine.accept(named("xyyz", "2024-05-01T10:00:01Z"));
      engine.accept(named("xyz!", "2024-05-01T10:00:02Z"));
      engine.flush();

      assertThat(engine.regexOverBudget()).isEqualTo(1);
      assertThat(DetectionEngine.regexOverBudget(new DetectionEngine[] {engine, null}))
          .isEqualTo(1);
    }
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.summary()).contains("xyyz"));
    // Outside an engine (the job's router judges rules on such a view), the event counts it.
    VigilEvent view =
        VigilEvent.standalone(named("x" + "y".repeat(5_000) + "z!", "2024-05-01T10:00:00Z"), pack);
    assertThat(pack.rules().get(0).predicate().test(view)).isFalse();
    assertThat(view.regexOverBudget()).isEqualTo(1);
  }

  private static AuditEvent named(String name, String time) {
    return Rules.event(
        "{\"source\":\"VAULT\",\"actor\":{\"name\":\"" + name + "\"},\"time\":\"" + time + "\"}");
  }
}
