package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.Rules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each correlation type on event time, with window edges, out-of-order and late events. */
class CorrelationTest {

  private static final String BASES =
      """
      title: login
      id: 22222222-2222-4222-8222-000000000001
      name: login
      detection:
        sel:
          action: login
        condition: sel
      ---
      title: read
      id: 22222222-2222-4222-8222-000000000002
      name: read
      detection:
        sel:
          action: read
        condition: sel
      ---
      """;

  private static String correlation(String body) {
    return BASES
        + "title: corr\nid: 22222222-2222-4222-8222-000000000003\nauthor: Jane\n"
        + "correlation:\n"
        + body.indent(2);
  }

  private static AuditEvent event(String action, String actor, String time) {
    return Rules.event(
        "{\"source\":\"VAULT\",\"action\":\""
            + action
            + "\",\"actor\":{\"id\":\""
            + actor
            + "\"},\"target\":{\"resource\":\"secret/"
            + time
            + "\"},\"time\":\"2024-06-01T"
            + time
            + "Z\"}");
  }

  private static final String COUNT_3_IN_1M =
      "type: event_count\nrules: [read]\ngroup-by: [actor.id]\ntimespan: 1m\ncondition: {gte: 3}";

  @Test
  void eventExactlyATimespanApartIsOutsideTheWindow() throws Exception {
    CompiledPack pack = Rules.compile(correlation(COUNT_3_IN_1M));
    // Window is (end - 1m, end]: 10:00:00 is out of the window that ends at 10:01:00.
    assertThat(
            Rules.run(
                pack,
                List.of(
                    event("read", "a", "10:00:00"),
                    event("read", "a", "10:00:30"),
                    event("read", "a", "10:01:00"))))
        .isEmpty();
    // One millisecond later in, it counts.
    assertThat(
            Rules.run(
                pack,
                List.of(
                    event("read", "a", "10:00:00.001"),
                    event("read", "a", "10:00:30"),
                    event("read", "a", "10:01:00"))))
        .hasSize(1);
  }

  @Test
  void outOfOrderEventsWithinTheWatermarkAreJudgedInEventTimeOrder() throws Exception {
    CompiledPack pack = Rules.compile(correlation(COUNT_3_IN_1M));
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      engine.accept(event("read", "a", "10:00:50"));
      engine.accept(event("read", "a", "10:00:10"));
      engine.advanceTo(Instant.parse("2024-06-01T10:00:20Z"));
      assertThat(engine.buffered()).isEqualTo(1);
      engine.accept(event("read", "a", "10:00:30"));
      engine.advanceTo(Instant.parse("2024-06-01T10:01:00Z"));
      assertThat(engine.lateEvents()).isZero();
    }
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).windowStart()).isEqualTo(Instant.parse("2024-06-01T10:00:10Z"));
    assertThat(alerts.get(0).windowEnd()).isEqualTo(Instant.parse("2024-06-01T10:00:50Z"));
  }

  @Test
  void lateEventsAreJudgedAtTheClockAndCounted() throws Exception {
    CompiledPack pack = Rules.compile(correlation(COUNT_3_IN_1M));
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      engine.accept(event("read", "a", "10:00:40"));
      engine.accept(event("read", "a", "10:00:50"));
      engine.advanceTo(Instant.parse("2024-06-01T10:00:55Z"));
      engine.accept(event("read", "a", "10:00:20"));
      assertThat(engine.lateEvents()).isEqualTo(1);
    }
    assertThat(alerts).hasSize(1);
  }

  @Test
  void valueCountCountsDistinctValues() throws Exception {
    CompiledPack pack =
        Rules.compile(
            correlation(
                "type: value_count\nrules: [read]\ngroup-by: [actor.id]\ntimespan: 5m\ncondition: {field: target.resource, gte: 3}"));
    List<AuditEvent> same =
        List.of(
            event("read", "a", "10:00:00"),
            event("read", "a", "10:00:00"),
            event("read", "a", "10:00:00"));
    assertThat(Rules.run(pack, same)).isEmpty();
    List<Alert> alerts =
        Rules.run(
            pack,
            List.of(
                event("read", "a", "10:00:00"),
                event("read", "a", "10:00:01"),
                event("read", "a", "10:00:02")));
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).summary())
        .contains("3 distinct target.resource")
        .endsWith("; last: a read on secret/10:00:02");
  }

  @Test
  void temporalNeedsEveryRuleInAnyOrder() throws Exception {
    CompiledPack pack =
        Rules.compile(
            correlation(
                "type: temporal\nrules: [login, read]\ngroup-by: [actor.id]\ntimespan: 1m"));
    assertThat(
            Rules.run(
                pack, List.of(event("read", "a", "10:00:00"), event("login", "a", "10:00:10"))))
        .hasSize(1);
    assertThat(
            Rules.run(
                pack, List.of(event("read", "a", "10:00:00"), event("login", "b", "10:00:10"))))
        .isEmpty();
    assertThat(
            Rules.run(
                pack, List.of(event("read", "a", "10:00:00"), event("read", "a", "10:00:10"))))
        .isEmpty();
  }

  @Test
  void temporalOrderedNeedsTheDeclaredOrder() throws Exception {
    CompiledPack pack =
        Rules.compile(
            correlation(
                "type: temporal_ordered\nrules: [login, read]\ngroup-by: [actor.id]\ntimespan: 1m"));
    assertThat(
            Rules.run(
                pack, List.of(event("login", "a", "10:00:00"), event("read", "a", "10:00:10"))))
        .hasSize(1);
    assertThat(
            Rules.run(
                pack, List.of(event("read", "a", "10:00:00"), event("login", "a", "10:00:10"))))
        .isEmpty();
  }

  @Test
  void temporalOrderedAlertsListTheSequenceNotEarlierMatches() throws Exception {
    CompiledPack pack =
        Rules.compile(
            correlation(
                "type: temporal_ordered\nrules: [login, read]\ngroup-by: [actor.id]\ntimespan: 1m"));
    List<AuditEvent> events =
        List.of(
            event("read", "a", "10:00:00"),
            event("read", "a", "10:00:05"),
            event("login", "a", "10:00:10"),
            event("read", "a", "10:00:20"));
    List<Alert> alerts = Rules.run(pack, events);
    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    // The reads before the login cannot be part of the sequence: not in the alert, nor counted.
    assertThat(alert.eventIds())
        .containsExactly(events.get(2).getEventId(), events.get(3).getEventId());
    assertThat(alert.eventCount()).isEqualTo(2);
    assertThat(alert.windowStart()).isEqualTo(Instant.parse("2024-06-01T10:00:10Z"));
    assertThat(alert.time()).isEqualTo(Instant.parse("2024-06-01T10:00:20Z"));
  }

  @Test
  void temporalOrderedAdmitsAMatchOnlyWhileItsPredecessorIsInTheWindow() throws Exception {
    CompiledPack pack =
        Rules.compile(
            correlation(
                "type: temporal_ordered\nrules: [login, read]\ngroup-by: [actor.id]\ntimespan: 1m"));
    int correlation = pack.correlations().get(0).index();
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      for (int second = 0; second < 50; second += 10) {
        engine.accept(event("read", "reader-" + second, "10:00:%02d".formatted(second)));
      }
      engine.advanceTo(Instant.parse("2024-06-01T10:00:50Z"));
      // Reads with no login before them keep nothing for their identities.
      assertThat(engine.orderedGroups(correlation)).isZero();
      engine.accept(event("login", "a", "10:01:00"));
      engine.accept(event("login", "b", "10:01:00"));
      engine.accept(event("read", "a", "10:01:30"));
      // Exactly a timespan after b's login, it has left the window: b's read is not admitted.
      engine.accept(event("read", "b", "10:02:00"));
      engine.advanceTo(Instant.parse("2024-06-01T10:02:00Z"));
      assertThat(alerts).singleElement().satisfies(a -> assertThat(a.group()).containsValue("a"));
      assertThat(engine.orderedGroups(correlation)).isOne();
      // Once a's read has left the window too, the group's sequence is forgotten.
      engine.advanceTo(Instant.parse("2024-06-01T10:03:00Z"));
      assertThat(engine.orderedGroups(correlation)).isZero();
    }
  }

  @Test
  void temporalOrderedTakesOneEventMatchingSeveralRulesAsInOrder() throws Exception {
    String both =
        "{\"source\":\"VAULT\",\"action\":\"read\",\"operation\":\"first\","
            + "\"actor\":{\"id\":\"a\"},\"time\":\"2024-06-01T10:00:00Z\"}";
    String yaml =
        "title: first\nid: 00000000-0000-4000-8000-0000000000a1\nname: first\n"
            + "detection:\n  selection:\n    operation: first\n  condition: selection\n---\n"
            + "title: read\nid: 00000000-0000-4000-8000-0000000000a2\nname: anyread\n"
            + "detection:\n  selection:\n    action: read\n  condition: selection\n---\n"
            + "title: ordered\nid: 00000000-0000-4000-8000-0000000000a3\n"
            + "correlation:\n  type: temporal_ordered\n  rules: [%s]\n  group-by: [actor.id]\n"
            + "  timespan: 1m\n";
    // Whatever order Esper inserts the two matches of the one event in, and in either declared
    // order: the matches of one event happen at the same instant.
    for (String order : List.of("first, anyread", "anyread, first")) {
      assertThat(Rules.run(Rules.compile(yaml.formatted(order)), List.of(Rules.event(both))))
          .as(order)
          .hasSize(1);
    }
  }

  @Test
  void aliasesMapGroupByFieldsPerRule() throws Exception {
    String yaml =
        correlation(
            "type: temporal\nrules: [login, read]\ngroup-by: [who]\ntimespan: 1m\n"
                + "aliases:\n  who:\n    login: actor.id\n    read: actor.name");
    AuditEvent login = event("login", "alice", "10:00:00");
    AuditEvent read =
        Rules.event(
            "{\"source\":\"VAULT\",\"action\":\"read\",\"actor\":{\"id\":\"x\",\"name\":\"alice\"},\"time\":\"2024-06-01T10:00:05Z\"}");
    List<Alert> alerts = Rules.run(Rules.compile(yaml), List.of(login, read));
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).group()).containsEntry("who", "alice");
  }

  @Test
  void baseRulesAlertOnlyWhenGenerateIsTrue() throws Exception {
    List<AuditEvent> events = List.of(event("read", "a", "10:00:00"));
    assertThat(Rules.run(Rules.compile(correlation(COUNT_3_IN_1M)), events)).isEmpty();
    List<Alert> generated =
        Rules.run(Rules.compile(correlation(COUNT_3_IN_1M + "\ngenerate: true")), events);
    assertThat(generated).extracting(Alert::ruleTitle).containsExactly("read");
  }

  @Test
  void aSustainedBurstAlertsOncePerTimespanAndReplaysIdentically() throws Exception {
    CompiledPack pack = Rules.compile(correlation(COUNT_3_IN_1M));
    List<AuditEvent> burst = new ArrayList<>();
    for (int second = 0; second < 100; second += 5) {
      burst.add(event("read", "a", String.format("10:%02d:%02d", second / 60, second % 60)));
    }
    List<Alert> first = Rules.run(pack, burst);
    List<Alert> second = Rules.run(pack, burst);
    assertThat(first).hasSize(2);
    assertThat(first).isEqualTo(second);
    assertThat(first.get(0).alertId()).isNotEqualTo(first.get(1).alertId());
    Alert alert = first.get(0);
    assertThat(alert.ruleAuthor()).isEqualTo("Jane");
    assertThat(AlertJson.read(AlertJson.toJson(alert))).isEqualTo(alert);
    assertThat(AlertJson.toJson(alert))
        .contains(
            "\"alert_id\"",
            "\"rule_author\":\"Jane\"",
            "\"window_start\"",
            "\"event_ids\"",
            "\"event_count\":3");
  }

  @Test
  void eventIdsAreCappedButTheCountIsExact() throws Exception {
    CompiledPack pack =
        Rules.compile(
            correlation(
                "type: event_count\nrules: [read]\ngroup-by: [actor.id]\ntimespan: 1h\ncondition: {gte: 150}"));
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      events.add(event("read", "a", String.format("10:%02d:%02d", i / 60, i % 60)));
    }
    List<Alert> alerts = Rules.run(pack, events);
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).eventCount()).isEqualTo(150);
    assertThat(alerts.get(0).eventIds()).hasSize(Alert.MAX_EVENT_IDS);
  }
}
