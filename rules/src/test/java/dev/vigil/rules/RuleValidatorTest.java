package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void aValueOfTwoPossibleShapesGetsOneFindingPerMistake() throws IOException {
    // suppress is a period or a map: a bad period inside the map is the one mistake, and a value
    // of neither shape is one finding naming both.
    write(
        "map.yml",
        STOP_LOGGING.replace("level: low", "level: low\nsuppress: {period: soon, by: [actor.id]}"));
    write("number.yml", STOP_LOGGING.replace("level: low", "level: low\nsuppress: 5"));

    RuleValidator.Report report = RuleValidator.validate(List.of(dir));

    assertThat(report.lines())
        .containsExactly(
            dir.resolve("map.yml")
                + ":5: schema: suppress.period: does not match the regex pattern"
                + " ^[1-9][0-9]*(ms|s|m|h|d|w)$",
            dir.resolve("number.yml")
                + ":5: schema: suppress: integer found, string or object expected",
            "0 valid, 2 invalid");
  }

  @Test
  void anIdOrNameUsedInTwoFilesIsAnError() throws IOException {
    write("a.yml", STOP_LOGGING);
    write("b.yml", STOP_LOGGING.replace("name: stop_logging", "name: other"));
    write(
        "c.yml",
        STOP_LOGGING.replace(
            "11111111-1111-4111-8111-111111111111", "33333333-3333-4333-8333-333333333333"));

    RuleValidator.Report report = RuleValidator.validate(List.of(dir));

    assertThat(report.lines())
        .containsExactly(
            dir.resolve("b.yml")
                + ":1: the id 11111111-1111-4111-8111-111111111111 is also used by "
                + dir.resolve("a.yml")
                + ":1",
            dir.resolve("c.yml")
                + ":1: the name 'stop_logging' is also used by "
                + dir.resolve("a.yml")
                + ":1",
            "1 valid, 2 invalid");
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
                + " has as id or name",
            "1 valid, 1 invalid");
  }

  @Test
  void aSearchIdentifierWithAnErrorIsNotAlsoReportedAsUndefined() throws IOException {
    write("rule.yml", STOP_LOGGING.replace("eventName:", "eventName|contain:"));

    assertThat(RuleValidator.validate(List.of(dir)).lines())
        .containsExactly(
            dir.resolve("rule.yml") + ":8: unknown modifier 'contain'", "0 valid, 1 invalid");
  }
}
