package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleValidatorTest {

  static final String STOP_LOGGING =
      """
      title: Stop logging
      id: 11111111-1111-4111-8111-111111111111
      name: stop_logging
      level: low
      logsource: {product: aws, service: cloudtrail}
      detection:
        selection:
          eventName: StopLogging
        condition: selection
      """;

  static final String REPEATED_STOP_LOGGING =
      """
      title: Repeated stop logging
      id: 22222222-2222-4222-8222-222222222222
      name: repeated_stop_logging
      level: high
      correlation:
        type: event_count
        rules: [stop_logging]
        group-by: [actor.id]
        timespan: 1h
        condition: {gte: 2}
      tests:
        - name: twice within the hour
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: StopLogging, actor: {id: alice}, time: '2024-03-01T10:00:00Z', raw: {eventName: StopLogging}}
              repeat: 2
              every: 10m
          expect: {alerts: 1, rule: repeated_stop_logging}
      """;

  @TempDir Path dir;

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  /** STOP_LOGGING with id and name of its own, to be one more file of the pack. */
  private static String stopLogging(int n) {
    return STOP_LOGGING
        .replace("11111111-1111", "1111111" + n + "-1111")
        .replace("name: stop_logging", "name: stop_logging_" + n);
  }

  @Test
  void aValueOfTwoPossibleShapesGetsOneFindingPerMistake() throws IOException {
    // notify and falsepositives are a value or a list: a bad item inside the list is the one
    // mistake, and a value of neither shape is one finding naming both.
    write("list.yml", stopLogging(1).replace("level: low", "level: low\nfalsepositives: [ok, 5]"));
    write("number.yml", stopLogging(2).replace("level: low", "level: low\nnotify: 5"));
    // A selection's value is one of several types or a list of them: a map is one finding too,
    // not one more claiming the selection itself must be a string or a number.
    write("map.yml", stopLogging(3).replace("eventName: StopLogging", "eventName: {a: b}"));

    RuleValidator.Report report = RuleValidator.validate(List.of(dir));

    assertThat(report.lines())
        .containsExactly(
            dir.resolve("list.yml")
                + ":5: schema: falsepositives.1: integer found, string expected",
            dir.resolve("map.yml")
                + ":8: schema: detection.selection.eventName: object found, string, number,"
                + " boolean, null or array expected",
            dir.resolve("number.yml")
                + ":5: schema: notify: integer found, string or array expected",
            "0 valid, 3 invalid");
  }

  @Test
  void everyErrorOfAFileIsReportedAtItsLineInTheWordsRulesTestUses() throws IOException {
    write(
        "rule.yml",
        STOP_LOGGING
            .replace("level: low", "level: hihg\nstatus: finished\nsuppress: {period: soon}")
            .replace("eventName:", "eventName|contain:"));
    write("empty.yml", "# nothing yet\n");

    RuleValidator.Report report = RuleValidator.validate(List.of(dir));

    assertThat(report.lines())
        .containsExactly(
            dir.resolve("empty.yml") + ":1: the file holds no rule",
            dir.resolve("rule.yml")
                + ":4: unknown level 'hihg' (informational, low, medium, high, critical); did you"
                + " mean 'high'?",
            dir.resolve("rule.yml")
                + ":5: unknown status 'finished' (stable, test, experimental, deprecated,"
                + " unsupported)",
            dir.resolve("rule.yml")
                + ":6: 'suppress.period' must be a time span such as 30m, 1h, 1d",
            dir.resolve("rule.yml") + ":10: unknown modifier 'contain'; did you mean 'contains'?",
            "0 valid, 2 invalid");
    // rules test cannot run the file's tests, and shows the same errors instead: the compiler's
    // too, not only the loader's, so that the author needs no second command to see them all.
    List<String> tested = dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines();
    assertThat(tested)
        .containsExactlyElementsOf(sameAsValidated(report.lines(), "0 passed, 5 failed"));
  }

  /** What test prints for files that cannot run: validate's lines, with test's closing line. */
  private static List<String> sameAsValidated(List<String> validated, String closing) {
    List<String> expected = new java.util.ArrayList<>(validated.subList(0, validated.size() - 1));
    expected.add(closing);
    return expected;
  }

  @Test
  void aSearchMixingMapsAndPlainValuesIsOneErrorInTheCompilersWordsInEveryCommand()
      throws IOException {
    write(
        "rule.yml",
        STOP_LOGGING.replace(
            "    eventName: StopLogging", "    - eventName: StopLogging\n    - StopLogging"));
    // Where the compiler does not run (another shape error in the detection), the same line.
    write(
        "shape.yml",
        stopLogging(2)
            .replace(
                "    eventName: StopLogging", "    - eventName: StopLogging\n    - StopLogging")
            .replace("  condition: selection", "  other: true\n  condition: selection"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();
    List<String> tested = dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines();

    String mixes =
        ":9: search identifier 'selection' mixes maps and plain values: write a list of maps (any"
            + " of them matches) or a list of values (keywords)";
    assertThat(validated)
        .containsExactly(
            dir.resolve("rule.yml") + mixes,
            dir.resolve("shape.yml") + mixes,
            dir.resolve("shape.yml")
                + ":10: schema: detection.other: boolean found, object, array, string or number"
                + " expected",
            "0 valid, 2 invalid");
    assertThat(tested).contains(dir.resolve("rule.yml") + mixes);
  }

  @Test
  void anEmptySearchIsOneErrorInTheCompilersWordsInEveryCommand() throws IOException {
    String selection = "  selection:\n    eventName: StopLogging";
    write("map.yml", stopLogging(1).replace(selection, "  selection: {}"));
    write("item.yml", stopLogging(2).replace(selection, "  selection:\n    - {}"));
    write("list.yml", stopLogging(3).replace(selection, "  selection: []"));
    write("null.yml", stopLogging(4).replace(selection, "  selection:"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();
    List<String> tested = dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines();

    String hint = ": give it a field and value (or a list of keywords), or remove it";
    List<String> errors =
        List.of(
            dir.resolve("item.yml") + ":8: search identifier 'selection' is an empty map" + hint,
            dir.resolve("list.yml") + ":7: search identifier 'selection' is an empty list" + hint,
            dir.resolve("map.yml") + ":7: search identifier 'selection' is an empty map" + hint,
            dir.resolve("null.yml") + ":7: search identifier 'selection' is empty" + hint);
    List<String> expected = new java.util.ArrayList<>(errors);
    expected.add("0 valid, 4 invalid");
    assertThat(validated).containsExactlyElementsOf(expected);
    assertThat(tested).containsAll(errors);
  }

  @Test
  void aBaseRulesErrorDoesNotHoldBackItsCorrelationsFindings() throws IOException {
    // The base rule does not compile (a misspelled modifier); the correlation's group-by field is
    // still checked against the base rule's logsource, and everything else of the file too.
    write(
        "repeated.yml",
        STOP_LOGGING.replace("eventName: StopLogging", "eventName|contain: StopLogging")
            + "  other:\n    sourceIPAdress: 10.0.0.1\n"
            + "---\n"
            + REPEATED_STOP_LOGGING.replace("[actor.id]", "[userIdentity.arnn]"));

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("repeated.yml")
                + ":8: unknown modifier 'contain'; did you mean 'contains'?",
            dir.resolve("repeated.yml")
                + ":11: warning: unknown field 'sourceIPAdress' for aws/cloudtrail records; did"
                + " you mean 'sourceIPAddress'? (write raw.sourceIPAdress if it is right)",
            dir.resolve("repeated.yml")
                + ":20: warning: unknown field 'userIdentity.arnn' for aws/cloudtrail records;"
                + " did you mean 'userIdentity.arn'? (write raw.userIdentity.arnn if it is right)",
            "0 valid, 1 invalid, 2 warnings");
    // The file loads but does not compile: test shows the same errors and warnings.
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .containsExactlyElementsOf(
            sameAsValidated(
                RuleValidator.validate(List.of(dir)).lines(), "0 passed, 1 failed, 2 warnings"));
  }

  @Test
  void aCorrelationsOwnErrorDoesNotHoldBackItsOtherFindings() throws IOException {
    // The timespan is wrong (the loader's error) and the group-by field misspelled (a warning the
    // compiler finds): both show in one run, as do the references, checked all the same.
    write(
        "repeated.yml",
        STOP_LOGGING
            + "---\n"
            + REPEATED_STOP_LOGGING
                .replace("timespan: 1h", "timespan: 30min")
                .replace("[actor.id]", "[userIdentity.arnn]")
                .replace("rules: [stop_logging]", "rules: [stop_logging, stop_loging]"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();

    assertThat(validated)
        .containsExactly(
            dir.resolve("repeated.yml")
                + ":17: the correlation references 'stop_loging', which no rule of the pack has"
                + " as id or name; did you mean 'stop_logging'?",
            dir.resolve("repeated.yml")
                + ":18: warning: unknown field 'userIdentity.arnn' for aws/cloudtrail records;"
                + " did you mean 'userIdentity.arn'? (write raw.userIdentity.arnn if it is right)",
            dir.resolve("repeated.yml")
                + ":19: 'timespan' must be a time span such as 5m, 1h, 1d: write 30m (minutes are"
                + " m in a rule, as Sigma writes them)",
            "0 valid, 1 invalid, 1 warning");
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .containsExactlyElementsOf(sameAsValidated(validated, "0 passed, 2 failed, 1 warning"));
  }

  @Test
  void anUnquotedYesNoOnOrOffInASearchIsAWarningAtItsLine() throws IOException {
    // YAML 1.1 (SnakeYAML here, PyYAML for pySigma) reads these words as booleans, which match by
    // their text: MFAUsed: No matches "false", never "No". The reading stays, as upstream tools
    // read it; the author is told. Quoted words, y and n (text in both), |exists' own booleans,
    // true and false, and values outside the detection are not warned about.
    write(
        "mfa.yml",
        STOP_LOGGING.replace(
                "eventName: StopLogging",
                "eventName: StopLogging\n"
                    + "    additionalEventData.MFAUsed: No\n"
                    + "    additionalEventData.Quoted: 'No'\n"
                    + "    additionalEventData.Letter: n\n"
                    + "    additionalEventData.Plain: false\n"
                    + "    additionalEventData.Present|exists: yes\n"
                    + "    additionalEventData.Flags:\n"
                    + "      - on\n"
                    + "      - 'off'")
            + "tests:\n"
            + "  - name: read as false\n"
            + "    events:\n"
            + "      - event: {source: AWS_CLOUDTRAIL, operation: StopLogging, raw: {eventName:"
            + " StopLogging, additionalEventData: {MFAUsed: false, Quoted: 'No', Letter: n,"
            + " Plain: false, Present: x, Flags: [true]}}}\n"
            + "    expect: {alerts: 1}\n"
            + "  - name: a record's text No is not the boolean\n"
            + "    events:\n"
            + "      - event: {source: AWS_CLOUDTRAIL, operation: StopLogging, raw: {eventName:"
            + " StopLogging, additionalEventData: {MFAUsed: 'No', Quoted: 'No', Letter: n,"
            + " Plain: false, Present: x, Flags: [true]}}}\n"
            + "    expect: {alerts: 0}\n");

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();

    assertThat(validated)
        .containsExactly(
            dir.resolve("mfa.yml")
                + ":9: warning: No is read as the boolean false (YAML 1.1, as Sigma's own tools"
                + " read it); quote it ('No') if you mean the text",
            dir.resolve("mfa.yml")
                + ":15: warning: on is read as the boolean true (YAML 1.1, as Sigma's own tools"
                + " read it); quote it ('on') if you mean the text",
            "1 valid, 0 invalid, 2 warnings");
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .containsExactlyElementsOf(sameAsValidated(validated, "2 passed, 0 failed, 2 warnings"));
  }

  @Test
  void aSigmaWordInCapitalsIsTheSameErrorWithTheLowerCaseInEveryCommand() throws IOException {
    write(
        "rule.yml",
        STOP_LOGGING.replace(
            "level: low", "level: High\nstatus: Stable\ndetection_class: Policy_Change"));
    write(
        "correlation.yml",
        stopLogging(2)
            + "---\n"
            + REPEATED_STOP_LOGGING
                .replace("type: event_count", "type: Event_Count")
                .replace("[stop_logging]", "[stop_logging_2]")
                .replace("tests:", "ignored_tests:"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();
    List<String> tested = dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines();

    String type =
        dir.resolve("correlation.yml")
            + ":16: correlation type: 'Event_Count' is not a Sigma correlation type; use lower"
            + " case: event_count";
    String level =
        dir.resolve("rule.yml") + ":4: level: 'High' is not a Sigma level; use lower case: high";
    String status =
        dir.resolve("rule.yml")
            + ":5: status: 'Stable' is not a Sigma status; use lower case: stable";
    String detectionClass =
        dir.resolve("rule.yml")
            + ":6: detection_class: 'Policy_Change' is not a Vigil detection; use lower case:"
            + " policy_change";
    assertThat(validated)
        .containsExactly(type, level, status, detectionClass, "0 valid, 2 invalid");
    assertThat(tested).containsExactly(type, level, status, detectionClass, "0 passed, 4 failed");
  }

  @Test
  void aLogsourceErrorReadsTheSameInValidateAndTestAtTheKeysLine() throws IOException {
    write(
        "rule.yml",
        STOP_LOGGING.replace(
            "logsource: {product: aws, service: cloudtrail}", "logsource:\n  product: vault"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();
    List<String> tested = dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines();

    String error =
        dir.resolve("rule.yml")
            + ":6: logsource product 'vault' is not a Vigil source (aws, azure, gcp, hashicorp)";
    assertThat(validated).containsExactly(error, "0 valid, 1 invalid");
    assertThat(tested).first().isEqualTo(error);
  }

  /** A rule of the logsource selecting on one field, named as given. */
  private static String ruleWithField(String logsource, String field) {
    return STOP_LOGGING
        .replace("logsource: {product: aws, service: cloudtrail}", "logsource: " + logsource)
        .replace("eventName: StopLogging", field + ": x");
  }

  @Test
  void aFieldNoRecordHasIsAWarningWithTheNearestKnownFieldAtEveryLevel() throws IOException {
    String cloudtrail = "{product: aws, service: cloudtrail}";
    write("top.yml", ruleWithField(cloudtrail, "eventNmae"));
    write("nested.yml", stopLogging(2).replace("eventName: StopLogging", "userIdentity.tpye: x"));
    write(
        "gcp.yml",
        stopLogging(3)
            .replace("{product: aws, service: cloudtrail}", "{product: gcp, service: gcp.audit}")
            .replace(
                "eventName: StopLogging", "protoPayload.authenticationInfo.principalEmial: x"));
    write(
        "vault.yml",
        stopLogging(4)
            .replace("{product: aws, service: cloudtrail}", "{product: hashicorp, service: vault}")
            .replace("eventName: StopLogging", "request.opration: x"));
    // Known keys, containers that take any key, canonical fields and raw.<path> stay quiet.
    write(
        "fine.yml",
        stopLogging(5)
            .replace(
                "eventName: StopLogging",
                "requestParameters.bucketName: x\n    userIdentity.sessionContext.attributes"
                    + ".mfaAuthenticated: 'false'\n    actor.id: x\n    raw.brandNewKey: x"));

    RuleValidator.Report report = RuleValidator.validate(List.of(dir));

    assertThat(report.lines())
        .containsExactly(
            dir.resolve("gcp.yml")
                + ":8: warning: unknown field 'protoPayload.authenticationInfo.principalEmial' for"
                + " gcp/gcp.audit records; did you mean"
                + " 'protoPayload.authenticationInfo.principalEmail'? (write"
                + " raw.protoPayload.authenticationInfo.principalEmial if it is right)",
            dir.resolve("nested.yml")
                + ":8: warning: unknown field 'userIdentity.tpye' for aws/cloudtrail records; did"
                + " you mean 'userIdentity.type'? (write raw.userIdentity.tpye if it is right)",
            dir.resolve("top.yml")
                + ":8: warning: unknown field 'eventNmae' for aws/cloudtrail records; did you mean"
                + " 'eventName'? (write raw.eventNmae if it is right)",
            dir.resolve("vault.yml")
                + ":8: warning: unknown field 'request.opration' for hashicorp/vault records; did"
                + " you mean 'request.operation'? (write raw.request.opration if it is right)",
            "5 valid, 0 invalid, 4 warnings");
    assertThat(report.ok()).isTrue();
  }

  @Test
  void aCorrelationsGroupByCountedFieldAndAliasesAreCheckedAgainstItsRules() throws IOException {
    String put =
        STOP_LOGGING
            .replace("11111111-1111-4111-8111-111111111111", "33333333-3333-4333-8333-333333333333")
            .replace("stop_logging", "start_logging")
            .replace("StopLogging", "StartLogging");
    String correlation =
        """
        title: Logging toggled
        id: 44444444-4444-4444-8444-444444444444
        level: high
        correlation:
          type: value_count
          rules: [stop_logging, start_logging]
          group-by:
            - sourceIPAdress
            - who
          timespan: 1h
          condition: {field: userIdentity.arnn, gte: 2}
          aliases:
            who:
              stop_logging: userIdentity.userName
              start_loging: userIdentity.userName
        """;
    // A misspelled group-by or counted field leaves every event out of every group: a warning
    // at its line, as for a selection's field. An alias key that is none of the rules is ignored,
    // and the rule it was meant for has no field: errors at their lines. Errors and warnings come
    // in one run.
    write("toggled.yml", STOP_LOGGING + "---\n" + put + "---\n" + correlation);

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("toggled.yml")
                + ":28: warning: unknown field 'sourceIPAdress' for aws/cloudtrail records; did"
                + " you mean 'sourceIPAddress'? (write raw.sourceIPAdress if it is right)",
            dir.resolve("toggled.yml")
                + ":31: warning: unknown field 'userIdentity.arnn' for aws/cloudtrail records; did"
                + " you mean 'userIdentity.arn'? (write raw.userIdentity.arnn if it is right)",
            dir.resolve("toggled.yml")
                + ":33: the alias 'who' does not say which field it is for rule 'start_logging':"
                + " add 'start_logging: <field>' under it",
            dir.resolve("toggled.yml")
                + ":35: the alias 'who' names 'start_loging', which is not one of the"
                + " correlation's rules (stop_logging, start_logging); did you mean"
                + " 'start_logging'?",
            "0 valid, 1 invalid, 2 warnings");

    write(
        "toggled.yml",
        STOP_LOGGING
            + "---\n"
            + put
            + "---\n"
            + correlation.replace("start_loging: userIdentity.userName", "start_logging: usrName"));

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("toggled.yml")
                + ":28: warning: unknown field 'sourceIPAdress' for aws/cloudtrail records; did"
                + " you mean 'sourceIPAddress'? (write raw.sourceIPAdress if it is right)",
            dir.resolve("toggled.yml")
                + ":31: warning: unknown field 'userIdentity.arnn' for aws/cloudtrail records; did"
                + " you mean 'userIdentity.arn'? (write raw.userIdentity.arnn if it is right)",
            dir.resolve("toggled.yml")
                + ":35: warning: unknown field 'usrName' for aws/cloudtrail records (write"
                + " raw.usrName if it is right)",
            "1 valid, 0 invalid, 3 warnings");
  }

  @Test
  void whatACorrelationWouldIgnoreIsSaidAtItsLine() throws IOException {
    write(
        "counted.yml",
        STOP_LOGGING
            + "---\n"
            + REPEATED_STOP_LOGGING
                .replace("condition: {gte: 2}", "condition: {gte: 2, field: userIdentity.arn}")
                .replace("tests:", "ignored_tests:"));
    write(
        "aliased.yml",
        stopLogging(2)
            + "---\n"
            + REPEATED_STOP_LOGGING
                .replace("22222222-2222", "22222223-2222")
                .replace("name: repeated_stop_logging", "name: repeated_stop_logging_2")
                .replace("[stop_logging]", "[stop_logging_2]")
                .replace("group-by: [actor.id]", "group-by: [who]")
                .replace(
                    "  timespan: 1h",
                    "  timespan: 1h\n  aliases:\n    whoo:\n      stop_logging_2: actor.id")
                .replace("tests:", "ignored_tests:"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();

    assertThat(validated)
        .containsExactly(
            dir.resolve("aliased.yml")
                + ":18: warning: unknown field 'who' for aws/cloudtrail records (write raw.who if"
                + " it is right)",
            dir.resolve("aliased.yml")
                + ":21: warning: the alias 'whoo' is ignored: neither group-by nor"
                + " condition.field names it; did you mean 'who'?",
            dir.resolve("counted.yml")
                + ":20: an event_count correlation counts events and takes no"
                + " 'condition.field'; to count distinct values of userIdentity.arn, use type:"
                + " value_count",
            "1 valid, 1 invalid, 2 warnings");
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .contains(validated.get(1), validated.get(2));
  }

  @Test
  void testPrintsTheWarningsAsValidateDoes() throws IOException {
    write("top.yml", ruleWithField("{product: aws, service: cloudtrail}", "eventNmae"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();
    List<String> tested = dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines();

    assertThat(validated).containsExactly(validated.get(0), "1 valid, 0 invalid, 1 warning");
    assertThat(tested).containsExactly(validated.get(0), "0 passed, 0 failed, 1 warning");
  }

  @Test
  void aLogsourceValueInCapitalsIsTheSameErrorWithADidYouMeanInValidateAndTest()
      throws IOException {
    write(
        "rule.yml",
        STOP_LOGGING.replace(
            "logsource: {product: aws, service: cloudtrail}",
            "logsource:\n  product: AWS\n  service: cloudtrail"));
    write(
        "service.yml",
        stopLogging(2)
            .replace(
                "logsource: {product: aws, service: cloudtrail}",
                "logsource:\n  product: aws\n  service: CloudTrail"));

    List<String> validated = RuleValidator.validate(List.of(dir)).lines();
    List<String> tested = dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines();

    String product =
        dir.resolve("rule.yml")
            + ":6: logsource product 'AWS' is not a Vigil source (aws, azure, gcp, hashicorp); did"
            + " you mean 'aws'?";
    String service =
        dir.resolve("service.yml")
            + ":7: logsource service 'CloudTrail' of product 'aws' is not supported (cloudtrail);"
            + " did you mean 'cloudtrail'?";
    assertThat(validated).containsExactly(product, service, "0 valid, 2 invalid");
    assertThat(tested).containsExactly(product, service, "0 passed, 2 failed");
  }

  @Test
  void aFileThatIsNotUtf8TextIsOneInvalidFileAndTheOthersAreStillChecked() throws IOException {
    write("good.yml", STOP_LOGGING);
    Files.write(
        dir.resolve("latin1.yml"),
        "title: Caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    byte[] binary = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, (byte) 0xff, (byte) 0xfe, 0, '\n'};
    Files.write(dir.resolve("binary.yml"), binary);
    write("bad.yml", stopLogging(2).replace("eventName:", "eventName|contain:"));

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("bad.yml") + ":8: unknown modifier 'contain'; did you mean 'contains'?",
            dir.resolve("binary.yml")
                + ":1: not UTF-8 text (invalid byte 0xFF at offset 8): save it as UTF-8",
            dir.resolve("latin1.yml")
                + ":1: not UTF-8 text (invalid byte 0xE9 at offset 10): save it as UTF-8",
            "1 valid, 3 invalid");
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .contains(
            dir.resolve("binary.yml")
                + ":1: not UTF-8 text (invalid byte 0xFF at offset 8): save it as UTF-8",
            dir.resolve("bad.yml") + ":8: unknown modifier 'contain'; did you mean 'contains'?",
            "0 passed, 3 failed");
    // What detect and run load (RuleSet reads the sources): every file's error at once.
    assertThatThrownBy(() -> RulePack.sources(List.of(dir)))
        .isInstanceOf(RuleException.class)
        .hasMessageContaining("binary.yml:1: not UTF-8 text")
        .hasMessageContaining("latin1.yml:1: not UTF-8 text");
  }

  @Test
  void anIdOrNameUsedInTwoFilesIsAnErrorAtTheSecondInEveryCommand() throws IOException {
    write("a.yml", STOP_LOGGING);
    write("b.yml", STOP_LOGGING.replace("name: stop_logging", "name: other"));
    write(
        "c.yml",
        STOP_LOGGING.replace(
            "11111111-1111-4111-8111-111111111111", "33333333-3333-4333-8333-333333333333"));
    // At the id: or name: line of the second file, naming the first's.
    String idClash =
        dir.resolve("b.yml")
            + ":2: the id 11111111-1111-4111-8111-111111111111 is also used by "
            + dir.resolve("a.yml")
            + ":2; give one of them a fresh id (uuidgen)";
    String nameClash =
        dir.resolve("c.yml")
            + ":3: the name 'stop_logging' is also used by "
            + dir.resolve("a.yml")
            + ":3; give one of them another name";

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(idClash, nameClash, "1 valid, 2 invalid");
    // test compiles each file alone, and still reports what detect refuses.
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .containsExactly(idClash, nameClash, "0 passed, 2 failed");
    assertThatThrownBy(
            () -> dev.vigil.rules.engine.PackCompiler.compile(RulePack.load(List.of(dir))))
        .isInstanceOf(RuleException.class)
        .hasMessageContaining(idClash)
        .hasMessageContaining(nameClash);
  }

  @Test
  void aRuleReusingABuiltInIdOrNameIsTheAuthorsErrorWhicheverPathComesFirst() throws Exception {
    RuleFile builtInFile = RulePack.builtIn().files().get(0);
    RuleDocument builtIn = builtInFile.documents().get(0);
    write(
        "mine.yml",
        STOP_LOGGING
            .replace("11111111-1111-4111-8111-111111111111", builtIn.id())
            .replace("name: stop_logging", "name: " + builtIn.meta().name()));
    String mine = dir.resolve("mine.yml").toString();
    String idClash =
        mine
            + ":2: the id "
            + builtIn.id()
            + " is also used by the built-in rule '"
            + builtIn.meta().name()
            + "' at "
            + builtInFile.file()
            + ":"
            + builtIn.document().lineOf("/id")
            + "; give this rule a fresh id (uuidgen)";
    String nameClash =
        mine
            + ":3: the name '"
            + builtIn.meta().name()
            + "' is also used by the built-in rule at "
            + builtInFile.file()
            + ":"
            + builtIn.document().lineOf("/name")
            + "; give this rule another name";
    Path pack = RulePack.builtInRoot();
    int builtInFiles = RulePack.builtInSources().size();

    for (List<Path> paths : List.of(List.of(dir, pack), List.of(pack, dir))) {
      assertThat(RuleValidator.validate(paths).lines())
          .as("validate %s", paths)
          .containsExactly(idClash, nameClash, builtInFiles + " valid, 1 invalid");
      assertThat(dev.vigil.rules.testing.RuleTestRunner.run(paths).lines())
          .as("test %s", paths)
          .contains(idClash, nameClash)
          .noneMatch(line -> line.startsWith(builtInFile.file()));
      // detect, run and explain compile the whole pack.
      assertThatThrownBy(() -> dev.vigil.rules.engine.PackCompiler.compile(RulePack.load(paths)))
          .as("detect %s", paths)
          .isInstanceOf(RuleException.class)
          .hasMessage(idClash + "\n" + nameClash);
    }
  }

  @Test
  void aSchemaErrorOfAFileThatRunsIsAFailureOfTestInValidatesWords() throws IOException {
    write(
        "tagged.yml",
        stopLogging(1).replace("level: low", "level: low\ntags: [Attack.T1485]")
            + """
            tests:
              - name: alerts
                events:
                  - event: {source: AWS_CLOUDTRAIL, operation: StopLogging, raw: {eventName: StopLogging}}
                expect: {alerts: 1}
            """);

    List<String> validate = RuleValidator.validate(List.of(dir)).lines();
    // In words, with the fix, where the validator names only its regex.
    assertThat(validate)
        .containsExactly(
            dir.resolve("tagged.yml")
                + ":5: schema: tags.0: 'Attack.T1485' is not a Sigma tag (namespace.name in lower"
                + " case, such as attack.t1485): write attack.t1485",
            "0 valid, 1 invalid");

    // The test runs and passes; the file's schema error is one more failure, in validate's words.
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .containsExactly(validate.get(0), "1 passed, 1 failed");
  }

  @Test
  void aNameOrTagOfTheWrongFormSaysHowToWriteIt() throws IOException {
    write(
        "named.yml",
        STOP_LOGGING
            .replace("name: stop_logging", "name: stop logging")
            .replace("level: low", "level: low\ntags: [attack]"));

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("named.yml")
                + ":3: schema: name: 'stop logging' is not a rule name (letters, digits, '_', '.'"
                + " and '-'): write stop_logging",
            dir.resolve("named.yml")
                + ":5: schema: tags.0: 'attack' is not a Sigma tag (namespace.name in lower case,"
                + " such as attack.t1485)",
            "0 valid, 1 invalid");
  }

  @Test
  void aSigmaOneTimeframeHidesNoOtherMistakeOfTheRule() throws IOException {
    write(
        "burst.yml",
        """
        title: Vault token burst
        id: 2c4e6a8b-1d3f-4a5c-9e7b-0f1a2b3c4d5e
        level: high
        logsource: {product: hashicorp, service: vault}
        detection:
          selection:
            request.path|startwith: auth/token/create
            request.client_tokn: x
          condition: selection | count() by actor.id > 20
          timeframe: 10m
        """);
    String burst = dir.resolve("burst.yml").toString();

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            burst + ":7: unknown modifier 'startwith'; did you mean 'startswith'?",
            burst
                + ":8: warning: unknown field 'request.client_tokn' for hashicorp/vault records;"
                + " did you mean 'request.client_token'? (write raw.request.client_tokn if it is"
                + " right)",
            burst
                + ":9: aggregation expressions ('| count() by ...') were removed in Sigma 2: use a"
                + " correlation rule (type event_count or value_count) that references this rule",
            burst
                + ":10: 'timeframe' belongs to Sigma 1 aggregations; use a correlation rule with"
                + " 'timespan'",
            "0 valid, 1 invalid, 1 warning");
  }

  @Test
  void aCorrelationMayReferenceARuleOfAnotherFile() throws IOException {
    write("base.yml", STOP_LOGGING);
    write("correlation.yml", REPEATED_STOP_LOGGING);

    assertThat(RuleValidator.validate(List.of(dir)).lines()).containsExactly("2 valid, 0 invalid");
    assertThat(dev.vigil.rules.testing.RuleTestRunner.run(List.of(dir)).lines())
        .containsExactly("1 passed, 0 failed");
  }

  @Test
  void aReferenceToARuleOfNoFileIsStillAnError() throws IOException {
    write("correlation.yml", REPEATED_STOP_LOGGING);

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("correlation.yml")
                + ":7: the correlation references 'stop_logging', which no rule of the pack"
                + " has as id or name",
            "0 valid, 1 invalid");
  }

  @Test
  void aMissingReferenceIsReportedAtItsOwnLine() throws IOException {
    write("base.yml", STOP_LOGGING);
    write(
        "correlation.yml",
        REPEATED_STOP_LOGGING.replace(
            "  rules: [stop_logging]\n", "  rules:\n    - stop_logging\n    - stop_loging\n"));

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("correlation.yml")
                + ":9: the correlation references 'stop_loging', which no rule of the pack"
                + " has as id or name; did you mean 'stop_logging'?",
            "1 valid, 1 invalid");
  }

  @Test
  void aSearchIdentifierWithAnErrorIsNotAlsoReportedAsUndefined() throws IOException {
    write("rule.yml", STOP_LOGGING.replace("eventName:", "eventName|contain:"));

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("rule.yml") + ":8: unknown modifier 'contain'; did you mean 'contains'?",
            "0 valid, 1 invalid");
  }
}
