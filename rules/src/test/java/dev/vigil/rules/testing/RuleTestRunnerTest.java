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

  /**
   * The review's crown-jewel pair: a base rule with its own positive test, fed to a correlation.
   */
  private static final String RULE_THAT_ONLY_FEEDS =
      """
      title: Crown-jewel secret read
      id: 5a0f1c9e-8d1b-4e52-a7a4-3c0b9b1d6e22
      name: aws_crown_jewel_read
      logsource: {product: aws, service: cloudtrail}
      detection:
        selection:
          eventName: GetSecretValue
          target.resource: prod/payments/db
        condition: selection
      tests:
        - name: read of a jewel
          events:
            - raw: {eventVersion: '1.08', eventTime: '2026-11-24T10:00:00Z', eventSource: secretsmanager.amazonaws.com, eventName: GetSecretValue, awsRegion: us-east-1, sourceIPAddress: 198.51.100.1, eventID: 00000000-0000-0000-0000-000000000011, userIdentity: {type: IAMUser, arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', userName: bob}, requestParameters: {secretId: prod/payments/db}, recipientAccountId: '111122223333'}
          expect: {alerts: 1, rule: aws_crown_jewel_read}
      ---
      title: Many crown-jewel reads by one identity
      id: 7e3b2d10-9c4a-4f6b-8e21-5d7c9a0b1f33
      name: aws_crown_jewel_burst
      correlation:
        type: value_count
        rules: [aws_crown_jewel_read]
        group-by: [actor.id]
        timespan: 10m
        condition: {field: target.resource, gte: 3}
      tests:
        - name: the read alerts
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: GetSecretValue, target: {resource: prod/payments/db}}
          expect: {alerts: 1, rule: aws_crown_jewel_read}
      """;

  @Test
  void aTestOfARuleThatOnlyFeedsACorrelationSaysWhyItGotNoAlert() throws Exception {
    Files.writeString(dir.resolve("crown.yml"), RULE_THAT_ONLY_FEEDS);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    String burst =
        " only feeds correlation 'aws_crown_jewel_burst' (no generate: true); expect the"
            + " correlation's alert, or set generate: true there";
    assertThat(report.lines())
        .containsExactly(
            dir.resolve("crown.yml")
                + ":11: rule 'aws_crown_jewel_read' test 'read of a jewel': expected 1 alert, got"
                + " 0: the rule"
                + burst,
            dir.resolve("crown.yml")
                + ":26: rule 'aws_crown_jewel_burst' test 'the read alerts': expected 1 alert, got"
                + " 0: rule 'aws_crown_jewel_read'"
                + burst,
            "0 passed, 2 failed");
  }

  @Test
  void aRuleThatFeedsSeveralCorrelationsNamesThemAll() throws Exception {
    Files.writeString(
        dir.resolve("crown.yml"),
        RULE_THAT_ONLY_FEEDS
            + """
            ---
            title: Any crown-jewel read twice
            id: 7e3b2d10-9c4a-4f6b-8e21-5d7c9a0b1f34
            correlation: {type: event_count, rules: [aws_crown_jewel_read], timespan: 1h, condition: {gte: 2}}
            """);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    assertThat(report.failures().get(0).reason())
        .isEqualTo(
            "expected 1 alert, got 0: the rule only feeds correlations 'aws_crown_jewel_burst',"
                + " '7e3b2d10-9c4a-4f6b-8e21-5d7c9a0b1f34' (none with generate: true); expect a"
                + " correlation's alert, or set generate: true on one of them");
  }

  @Test
  void withGenerateTheRuleAlertsItselfAndTheTestsPass() throws Exception {
    Files.writeString(
        dir.resolve("crown.yml"),
        RULE_THAT_ONLY_FEEDS.replace("  timespan: 10m\n", "  timespan: 10m\n  generate: true\n"));

    assertThat(RuleTestRunner.run(List.of(dir)).lines()).containsExactly("2 passed, 0 failed");
  }

  @Test
  void theDocumentedTestOfARuleThatOnlyFeedsACorrelationPasses() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "rules.md"));
    String heading = "### Testing a rule that only feeds a correlation";
    assertThat(docs).contains(heading);
    String section = docs.substring(docs.indexOf(heading));
    int start = section.indexOf("```yaml\n") + "```yaml\n".length();
    String example = section.substring(start, section.indexOf("```", start));
    Files.writeString(dir.resolve("crown.yml"), example);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    assertThat(report.lines()).containsExactly("2 passed, 0 failed");
    // Its first test, expecting the rule's own alerts instead, fails as the docs show.
    Files.writeString(
        dir.resolve("crown.yml"),
        example
            .replace("three prod secrets read by one identity trip the burst", "prod reads alert")
            .replace(
                "{alerts: 1, rule: crown_jewel_burst, group: {actor.id: bob}}",
                "{alerts: 3, rule: crown_jewel_read}"));
    String failure = RuleTestRunner.run(List.of(dir)).lines().get(0);
    assertThat(section).contains(failure.replace(dir.resolve("crown.yml").toString(), "crown.yml"));
  }

  /** A rule whose tests all fail, each on a different part of its detection. */
  private static final String PROD_SECRET_CHANGED =
      """
      title: Production secret changed
      id: 3f6c1d2e-7a4b-4c8d-9e0f-1a2b3c4d5e6f
      name: prod_secret_changed
      logsource: {product: aws, service: cloudtrail}
      detection:
        selection:
          operation: [PutSecretValue, DeleteSecret]
          target.resource|startswith: prod/
        succeeded:
          error_code: null
        with_session:
          actor.session|exists: true
        filter:
          actor.type: SERVICE
        condition: selection and succeeded and with_session and not filter
      tests:
        - name: reading a prod secret alerts
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: GetSecretValue, actor: {id: bob, session: s1}, target: {resource: prod/db}}
          expect: {alerts: 1}
        - name: deleting a dev secret alerts
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: DeleteSecret, actor: {id: bob, session: s1}, target: {resource: dev/db}}
          expect: {alerts: 1}
        - name: a denied change without a session alerts
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: PutSecretValue, error_code: AccessDenied, actor: {id: bob}, target: {resource: prod/db}}
          expect: {alerts: 1}
        - name: rotation by the service alerts
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: PutSecretValue, actor: {id: rotator, type: SERVICE, session: s1}, target: {resource: prod/db}}
          expect: {alerts: 1}
        - name: an Azure event alerts
          events:
            - event: {source: AZURE_MONITOR, operation: PutSecretValue, actor: {id: bob, session: s1}, target: {resource: prod/db}}
          expect: {alerts: 1}
        - name: a change by bob does not alert
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: PutSecretValue, actor: {id: bob, session: s1}, target: {resource: prod/db}}
          expect: {alerts: 0}
      """;

  @Test
  void aMissedOrUnexpectedMatchIsExplainedPerSearchIdentifier() throws Exception {
    Path file = dir.resolve("secret.yml");
    Files.writeString(file, PROD_SECRET_CHANGED);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    String header = file + ":%d: rule 'prod_secret_changed' test '%s': ";
    String onEvent = "  rule 'prod_secret_changed' on event 1 of 1:";
    String condition = "    condition 'selection and succeeded and with_session and not filter': ";
    String notService = "    filter: no match — actor.type: 'UNKNOWN' does not match 'SERVICE'";
    assertThat(report.lines())
        .containsExactly(
            header.formatted(17, "reading a prod secret alerts") + "expected 1 alert, got 0",
            onEvent,
            "    selection: no match — operation: 'GetSecretValue' matches none of"
                + " ['PutSecretValue', 'DeleteSecret']",
            "    succeeded: match",
            "    with_session: match",
            notService,
            condition + "no match",
            header.formatted(21, "deleting a dev secret alerts") + "expected 1 alert, got 0",
            onEvent,
            "    selection: no match — target.resource: 'dev/db' does not match 'prod/*'",
            "    succeeded: match",
            "    with_session: match",
            notService,
            condition + "no match",
            header.formatted(25, "a denied change without a session alerts")
                + "expected 1 alert, got 0",
            onEvent,
            "    selection: match",
            "    succeeded: no match — error_code: 'AccessDenied' does not match null",
            "    with_session: no match — actor.session: absent (|exists: true)",
            notService,
            condition + "no match",
            header.formatted(29, "rotation by the service alerts") + "expected 1 alert, got 0",
            onEvent,
            "    selection: match",
            "    succeeded: match",
            "    with_session: match",
            "    filter: match",
            condition + "no match",
            header.formatted(33, "an Azure event alerts") + "expected 1 alert, got 0",
            onEvent,
            "    logsource: no match — source: AZURE_MONITOR, not AWS_CLOUDTRAIL",
            "    selection: match",
            "    succeeded: match",
            "    with_session: match",
            notService,
            condition + "no match",
            header.formatted(37, "a change by bob does not alert")
                + report.failures().get(5).reason(),
            onEvent,
            "    selection: match",
            "    succeeded: match",
            "    with_session: match",
            notService,
            condition + "match",
            "0 passed, 6 failed");
  }

  /**
   * The explanation names fields as the author wrote them: {@code eventName}, which CloudTrail
   * rules read as the canonical {@code operation} (said beside it), and a raw path as written, not
   * as {@code raw.<path>}; a key that holds JSON null reads {@code null}, not {@code absent}.
   */
  @Test
  void theExplanationNamesFieldsAsTheRuleWroteThem() throws Exception {
    Files.writeString(
        dir.resolve("aws.yml"),
        """
        title: Secret read by a user
        id: 66666666-6666-4666-8666-666666666666
        name: aws_user_secret_read
        logsource: {product: aws, service: cloudtrail}
        detection:
          selection:
            eventName: GetSecretValue
            userIdentity.type: IAMUser
          failed:
            errorCode|exists: true
          condition: selection and not failed
        tests:
          - name: a user's read alerts
            events:
              - raw: {eventVersion: '1.08', eventTime: '2024-03-01T10:00:00Z', eventSource: secretsmanager.amazonaws.com, eventName: ListSecrets, awsRegion: us-east-1, errorCode: null, userIdentity: {type: AssumedRole, arn: 'arn:aws:sts::1:assumed-role/r/s'}}
            expect: {alerts: 1}
        """);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    assertThat(report.lines())
        .contains(
            "    selection: no match — eventName (operation): 'ListSecrets' does not match"
                + " 'GetSecretValue'; userIdentity.type: 'AssumedRole' does not match 'IAMUser'",
            "    failed: match");
  }

  @Test
  void theExplanationShowsOnlyTheFieldsTheRuleReadsAndCutsLongValuesInTheMiddle() throws Exception {
    Files.writeString(
        dir.resolve("secret.yml"),
        """
        title: Production secret changed
        id: 3f6c1d2e-7a4b-4c8d-9e0f-1a2b3c4d5e6f
        logsource: {product: aws, service: cloudtrail}
        detection:
          selection:
            target.resource|startswith: prod/
          condition: selection
        tests:
          - name: a long dev path alerts
            events:
              - event: {source: AWS_CLOUDTRAIL, operation: PutSecretValue, actor: {id: bob}, target: {resource: 'dev/payments/%s/db'}}
            expect: {alerts: 1}
        """
            .formatted("x".repeat(80)));

    List<String> explanation = RuleTestRunner.run(List.of(dir)).failures().get(0).explanation();

    assertThat(explanation)
        .containsExactly(
            "rule '3f6c1d2e-7a4b-4c8d-9e0f-1a2b3c4d5e6f' on event 1 of 1:",
            "  selection: no match — target.resource: 'dev/payments/"
                + "x".repeat(7)
                + "…"
                + "x".repeat(36)
                + "/db' does not match 'prod/*'",
            "  condition 'selection': no match");
  }

  @Test
  void everyMismatchOfATestIsReported() throws Exception {
    Files.writeString(
        dir.resolve("r.yml"),
        """
        title: read
        id: 55555555-5555-4555-8555-555555555555
        suppress: {period: 1h, by: [actor.id, target.resource]}
        detection:
          sel:
            action: read
          condition: sel
        tests:
          - name: everything wrong
            events:
              - event: {source: VAULT, action: read, actor: {id: bob}, target: {resource: a}}
            expect: {alerts: 2, group: {actor.id: alice, target.resource: b}, event_count: 2}
        """);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    assertThat(report.failures().get(0).reason())
        .startsWith("expected 2 alerts, got 1 (")
        .endsWith(
            "; expected group actor.id=alice, target.resource=b, got {actor.id=bob,"
                + " target.resource=a}; expected event_count 2, got 1");
    assertThat(report.failures().get(0).explanation())
        .containsExactly("rule '55555555-5555-4555-8555-555555555555' matches the event");
  }

  @Test
  void aFailedCorrelationTestSaysHowManyEventsEachOfItsRulesMatched() throws Exception {
    Files.writeString(
        dir.resolve("crown.yml"),
        RULE_THAT_ONLY_FEEDS.substring(
                0, RULE_THAT_ONLY_FEEDS.lastIndexOf("  - name: the read alerts"))
            + """
                  - name: three reads of one jewel are one value
                    events:
                      - event: {source: AWS_CLOUDTRAIL, operation: GetSecretValue, actor: {id: bob}, target: {resource: prod/payments/db}}
                        repeat: 3
                      - event: {source: AWS_CLOUDTRAIL, operation: ListSecrets, actor: {id: bob}, target: {resource: prod/payments/db}}
                    expect: {alerts: 1}
                """);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    assertThat(report.failures().get(1).explanation())
        .containsExactly(
            "correlation 'aws_crown_jewel_burst': rule 'aws_crown_jewel_read' matches 3 of 4"
                + " events");
  }

  @Test
  void theDocumentedFailingTestPrintsWhatTheDocsShow() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "rules.md"));
    String section = docs.substring(docs.indexOf("### When a test fails"));
    int yaml = section.indexOf("```yaml\n") + "```yaml\n".length();
    Files.writeString(
        dir.resolve("secret.yml"), section.substring(yaml, section.indexOf("```", yaml)));
    int output = section.indexOf("```\n", section.indexOf("prints")) + "```\n".length();
    String shown = section.substring(output, section.indexOf("```", output));

    List<String> lines = RuleTestRunner.run(List.of(dir)).lines();

    assertThat(String.join("\n", lines).replace(dir + "/", "") + "\n").isEqualTo(shown);
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
          - name: a source as Sigma writes a product
            events:
              - event: {source: VAULT, action: read}
              - event: {source: vault, action: read}
            expect: {alerts: 2}
        """);

    RuleTestRunner.Report report = RuleTestRunner.run(List.of(dir));

    assertThat(report.failures())
        .extracting(RuleTestRunner.Failure::reason)
        .containsExactly(
            "bad test event: an inline event has no field 'acton' (fields: [event_id, time,"
                + " source, category, ocsf_class_uid, action, operation, outcome, denied,"
                + " error_code, error_message, actor, src, target, raw, origin]); did you mean"
                + " 'action' or 'actor'?",
            "bad test event: an inline event has no field 'actor.nmae' (fields: [actor.id,"
                + " actor.name, actor.type, actor.root, actor.session, actor.auth_method,"
                + " actor.mfa, actor.policies]); did you mean 'actor.name'?",
            "bad test event: time: 'yesterday' is not a UTC time such as 2024-03-01T10:00:00Z",
            "bad test event: source: 'vault' is not one of [VAULT, AWS_CLOUDTRAIL, AZURE_MONITOR,"
                + " GCP_AUDIT]; did you mean 'VAULT'?");
    // At the line of the event to fix, not of the test.
    assertThat(report.failures())
        .extracting(RuleTestRunner.Failure::line)
        .containsExactly(10, 14, 18, 23);
  }

  @Test
  void aMisspelledOrMalformedExpectationFailsInTestAsInValidateInsteadOfBeingIgnored()
      throws Exception {
    // Each of these tests passed before: the count, the group and the repeat went unread.
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
          - name: misspelled count
            events:
              - event: {source: VAULT, action: read}
            expect: {alerts: 1, evnt_count: 3}
          - name: group not a map
            events:
              - event: {source: VAULT, action: read, actor: {id: bob}}
            expect: {alerts: 1, group: alice}
          - name: count not a number
            events:
              - event: {source: VAULT, action: read}
            expect: {alerts: 1, event_count: many}
          - name: misspelled repeat
            events:
              - event: {source: VAULT, action: read}
                repat: 3
            expect: {alerts: 1}
        """);

    List<String> tested = RuleTestRunner.run(List.of(dir)).lines();
    List<String> validated = RuleValidator.validate(List.of(dir)).lines();

    String file = dir.resolve("r.yml").toString();
    assertThat(tested)
        .containsExactly(
            file
                + ":11: unknown key 'evnt_count' in 'expect' (alerts, rule, group, event_count);"
                + " did you mean 'event_count'?",
            file
                + ":15: 'expect.group' must be a map of group-by fields to values, such as"
                + " {actor.id: bob}",
            file + ":19: 'expect.event_count' must be a whole number, 0 or more",
            file
                + ":23: unknown key 'repat' in a test event (event, raw, file, repeat, every);"
                + " did you mean 'repeat'?",
            "0 passed, 4 failed");
    assertThat(validated.subList(0, 4)).isEqualTo(tested.subList(0, 4));
  }
}
