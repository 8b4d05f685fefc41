package dev.vigil.rules.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.RuleValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleTestRunnerTest {

  @TempDir Path dir;

  @Test
  void reportsOneLinePerFailureAndTheTotals() throws Exception {
    Files.writeString(
        dir.resolve("r.yml"),
        """
        title: read
        id: 55555555-5555-4555-8555-555555555555
        detection:
          sel:
            action: read
          condition: sel
        tests:
          - name: a read alerts
            events:
              - event: {source: VAULT, action: read}
            expect: {alerts: 1}
          - name: wrong on purpose
            events:
              - event: {source: VAULT, action: list}
            expect: {alerts: 1}
        """);
    Files.writeString(
        dir.resolve("broken.yml"), "title: x\nid: 55555555-5555-4555-8555-555555555556\n");
    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));
    assertThat(report.passed()).isEqualTo(1);
    assertThat(report.failed()).isEqualTo(2);
    assertThat(report.lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains(
                        "r.yml:12: rule '55555555-5555-4555-8555-555555555555'"
                            + " test 'wrong on purpose': expected 1 alert, got 0"))
        .anySatisfy(line -> assertThat(line).contains("broken.yml:1: a rule needs 'detection'"))
        .last()
        .isEqualTo("1 passed, 2 failed");
    assertThat(report.results())
        .extracting(RuleTestRunner.Result::test, RuleTestRunner.Result::passed)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a read alerts", true),
            org.assertj.core.groups.Tuple.tuple("wrong on purpose", false));
  }

  @Test
  void rawRecordsTakeTheRepeatIndexToo() throws Exception {
    Files.writeString(
        dir.resolve("raw.yml"),
        """
        title: denied
        id: 55555555-5555-4555-8555-555555555558
        name: denied
        detection:
          sel:
            denied: true
          condition: sel
        ---
        title: spike
        id: 55555555-5555-4555-8555-555555555559
        correlation: {type: event_count, rules: [denied], group-by: [actor.id], timespan: 1m, condition: {gte: 3}}
        tests:
          - name: three requests with their own ids are three
            events:
              - raw: {time: '2025-01-01T00:00:00Z', type: response, error: permission denied, auth: {entity_id: e1, policies: [default], token_type: service}, request: {id: 'r-{i}', operation: read, path: 'secret/x{i}'}}
                repeat: 3
                every: 1s
            expect: {alerts: 1, event_count: 3}
        """);
    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));
    assertThat(report.failures()).isEmpty();
    assertThat(report.passed()).isEqualTo(1);
  }

  @Test
  void validatorReportsALevelErrorWithItsLine() throws Exception {
    Files.writeString(
        dir.resolve("v.yml"),
        """
        title: t
        id: 55555555-5555-4555-8555-555555555557
        level: urgent
        detection:
          sel:
            action: read
          condition: sel
        """);
    RuleValidator.Report report = RuleValidator.validate(List.of(dir));
    assertThat(report.invalid()).isEqualTo(1);
    assertThat(report.lines())
        .first()
        .asString()
        .isEqualTo(
            dir.resolve("v.yml")
                + ":3: unknown level 'urgent' (informational, low, medium, high, critical)");
    assertThat(report.lines()).last().isEqualTo("0 valid, 1 invalid");
  }

  @Test
  void aMisspelledOrMalformedInlineEventFieldFailsTheTestByName() throws Exception {
    Files.writeString(
        dir.resolve("r.yml"),
        """
        title: read
        id: 55555555-5555-4555-8555-555555555555
        detection:
          sel:
            action: read
          condition: sel
        tests:
          - name: misspelled field
            events:
              - event: {source: VAULT, acton: read}
            expect: {alerts: 0}
          - name: misspelled nested field
            events:
              - event: {source: VAULT, action: read, actor: {nmae: bob}}
            expect: {alerts: 1}
          - name: not a time
            events:
              - event: {source: VAULT, action: read, time: yesterday}
            expect: {alerts: 1}
        """);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    assertThat(report.failures())
        .extracting(RuleTestRunner.Failure::reason)
        .containsExactly(
            "bad test event: an inline event has no field 'acton' (fields: [event_id, time,"
                + " source, category, ocsf_class_uid, action, operation, outcome, denied,"
                + " error_code, error_message, actor, src, target, raw, origin])",
            "bad test event: an inline event has no field 'actor.nmae' (fields: [actor.id,"
                + " actor.name, actor.type, actor.root, actor.session, actor.auth_method,"
                + " actor.mfa, actor.policies])",
            "bad test event: time: 'yesterday' is not a UTC time such as 2024-03-01T10:00:00Z");
  }
}
