package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {

  static final String CONSOLE_LOGIN_RULE =
      """
      title: Console sign-in
      id: 0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10
      name: console_sign_in
      status: experimental
      author: Vigil tests
      date: 2026-11-20
      level: low
      logsource: {product: aws, service: cloudtrail}
      detection:
        selection:
          eventName: ConsoleLogin
        condition: selection
      tests:
        - name: a console login alerts
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: ConsoleLogin, actor: {id: alice}}
          expect: {alerts: 1}
        - name: an API call does not
          events:
            - event: {source: AWS_CLOUDTRAIL, operation: DescribeInstances, actor: {id: alice}}
          expect: {alerts: 0}
      """;

  /** The project root, where the built-in pack's module {@code rules/} is: tests run in cli/. */
  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir Path dir;

  private CliRun cli() {
    return new CliRun(dir, List.of());
  }

  @Test
  void aRuleReusingABuiltInIdIsTheAuthorsErrorInEveryCommand() throws Exception {
    // The author's rule takes root_credential_created's id; the pack's directory is given after
    // it, or holds it as a local addition that sorts before the built-in file (aws/ < any/).
    Path pack = PROJECT_ROOT.resolve("rules");
    Files.writeString(
        dir.resolve("mine.yml"),
        CONSOLE_LOGIN_RULE.replace(
            "0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10", "b4d6f8a0-2c1e-4e3a-9b5d-7f9a1c3e5b2d"));
    Files.createDirectories(dir.resolve("pack/aws"));
    Files.createDirectories(dir.resolve("pack/any"));
    Files.copy(dir.resolve("mine.yml"), dir.resolve("pack/aws/mine.yml"));
    Files.copy(pack.resolve("any/root_token_use.yml"), dir.resolve("pack/any/root_token_use.yml"));
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: 192.0.2.1:9092\nrules:\n  path: pack\n");
    String clash =
        ":2: the id b4d6f8a0-2c1e-4e3a-9b5d-7f9a1c3e5b2d is also used by the built-in rule"
            + " 'root_credential_created' at ";
    String input = PROJECT_ROOT.resolve("samples/vault/audit.log").toString();

    for (String[] command :
        List.of(
            new String[] {"rules", "validate", "mine.yml", pack.toString()},
            new String[] {"rules", "test", "mine.yml", pack.toString()},
            new String[] {"detect", "--rules", "mine.yml", "--rules", pack.toString(), input},
            new String[] {"run", "--config", "vigil.yaml"})) {
      CliRun.Result result = cli().execute(command);

      String mine = command[0].equals("run") ? "pack/aws/mine.yml" : "mine.yml";
      assertThat(result.stderrLines())
          .as(String.join(" ", command))
          .filteredOn(line -> line.contains("b4d6f8a0-2c1e-4e3a-9b5d-7f9a1c3e5b2d"))
          .singleElement()
          .asString()
          .startsWith(dir.resolve(mine) + clash)
          .endsWith("root_token_use.yml:6; give this rule a fresh id (uuidgen)");
      assertThat(result.exitCode()).as(String.join(" ", command)).isNotZero();
    }
  }

  @Test
  void validatesTheBuiltInPackWhenNoPathIsGiven() {
    CliRun.Result result = cli().execute("rules", "validate");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderrLines()).last().asString().matches("\\d+ valid, 0 invalid");
  }

  @Test
  void validatesThePackModuleDirectoryAsTheRuleGuideSays() {
    // docs/rules.md: `bin/vigil rules test rules/`; the module also holds src/ and target/.
    CliRun.Result result =
        cli().execute("rules", "validate", PROJECT_ROOT.resolve("rules").toString());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderrLines()).last().asString().matches("\\d+ valid, 0 invalid");
  }

  @Test
  void namesTheFileAndLineOfAnInvalidRuleAndExitsTwo() throws IOException {
    Files.writeString(dir.resolve("good.yml"), CONSOLE_LOGIN_RULE);
    Files.writeString(
        dir.resolve("bad.yml"),
        CONSOLE_LOGIN_RULE
            .replace("0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10", "1e8c4d2f-6b51-4a2a-8e3b-7d3c9f2a5b21")
            .replace("name: console_sign_in", "name: console_sign_in_2")
            .replace("condition: selection", "condition: selection and missing"));

    CliRun.Result result = cli().execute("rules", "validate", "good.yml", "bad.yml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(result.stderr()).contains("bad.yml:").contains("missing");
    assertThat(result.stderrLines()).last().isEqualTo("1 valid, 1 invalid");
  }

  @Test
  void aFieldNoRecordHasIsAWarningThatKeepsTheFileValidAndTheExitZero() throws IOException {
    Files.writeString(
        dir.resolve("rule.yml"),
        CONSOLE_LOGIN_RULE.replace("eventName: ConsoleLogin", "eventNmae: ConsoleLogin"));

    CliRun.Result validated = cli().execute("rules", "validate", "rule.yml");
    CliRun.Result tested = cli().execute("rules", "test", "rule.yml");

    String warning =
        dir.resolve("rule.yml")
            + ":11: warning: unknown field 'eventNmae' for aws/cloudtrail records; did you mean"
            + " 'eventName'? (write raw.eventNmae if it is right)";
    assertThat(validated.exitCode()).isZero();
    assertThat(validated.stderrLines()).containsExactly(warning, "1 valid, 0 invalid, 1 warning");
    assertThat(tested.stderrLines()).first().isEqualTo(warning);
    assertThat(tested.stderrLines()).last().asString().endsWith(" failed, 1 warning");
  }

  @Test
  void runsTheTestsInsideRuleFiles() throws IOException {
    Files.writeString(dir.resolve("rule.yml"), CONSOLE_LOGIN_RULE);

    CliRun.Result passing = cli().execute("rules", "test", "rule.yml");
    Files.writeString(
        dir.resolve("rule.yml"),
        CONSOLE_LOGIN_RULE.replace("expect: {alerts: 0}", "expect: {alerts: 1}"));
    CliRun.Result failing = cli().execute("rules", "test", "rule.yml");

    assertThat(passing.exitCode()).isZero();
    assertThat(passing.stderrLines()).containsExactly("2 passed, 0 failed");
    assertThat(failing.exitCode()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(failing.stderr()).contains("an API call does not");
    assertThat(failing.stderrLines())
        .endsWith(
            "  rule 'console_sign_in' on event 1 of 1:",
            "    selection: no match — eventName (operation): 'DescribeInstances' does not match"
                + " 'ConsoleLogin'",
            "    condition 'selection': no match",
            "1 passed, 1 failed");
  }

  @Test
  void theBuiltInPackPassesItsOwnTests() {
    CliRun.Result result = cli().execute("rules", "test");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderrLines()).last().asString().matches("\\d+ passed, 0 failed");
  }

  @Test
  void explainsARuleWithTheEplItCompilesTo() throws IOException {
    Files.writeString(dir.resolve("rule.yml"), CONSOLE_LOGIN_RULE);

    CliRun.Result result =
        cli().execute("rules", "explain", "console_sign_in", "--rules", "rule.yml");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("Console sign-in").containsIgnoringCase("select");
    // Its detection is its own name and has no other rule: nothing to point at.
    assertThat(result.stderrLines()).isEmpty();
  }

  @Test
  void explainShowsARuleWhoseFileCompilesWhileAnotherFileIsBroken() throws IOException {
    Files.writeString(dir.resolve("good.yml"), CONSOLE_LOGIN_RULE);
    Files.writeString(
        dir.resolve("broken.yml"),
        CONSOLE_LOGIN_RULE
            .replace("0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10", "1e8c4d2f-6b51-4a2a-8e3b-7d3c9f2a5b21")
            .replace("name: console_sign_in", "name: console_sign_in_2")
            .replace("eventName:", "eventName|startwith:"));

    CliRun.Result result =
        cli().execute("rules", "explain", "console_sign_in", "--rules", dir.toString());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).startsWith("rule:        Console sign-in");
    assertThat(result.stderrLines())
        .containsExactly(
            "explaining console_sign_in from its own file: the rules given do not all load or"
                + " compile (errors in "
                + dir.resolve("broken.yml")
                + "); 'vigil rules validate' lists them");

    // The broken rule itself, or a detection (which needs every rule), still gets the errors.
    CliRun.Result broken =
        cli().execute("rules", "explain", "console_sign_in_2", "--rules", dir.toString());
    assertThat(broken.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(broken.stderrLines())
        .containsExactly(
            dir.resolve("broken.yml")
                + ":11: unknown modifier 'startwith'; did you mean 'startswith'?",
            "vigil rules explain: the rules do not compile");
  }

  @Test
  void explainSaysSoWhenNoRuleHasThatName() {
    CliRun.Result result = cli().execute("rules", "explain", "no_such_rule");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil rules explain: no rule (id, name or title) or detection 'no_such_rule' in the"
                + " built-in pack (--rules PATH looks in other rules)");
  }

  @Test
  void explainOfADetectionListsTheRulesThatCarryIt() {
    CliRun.Result result = cli().execute("rules", "explain", "policy_change");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout().lines().toList().get(0))
        .matches("detection policy_change: \\d+ rules in the built-in pack");
    assertThat(result.stdout())
        .containsPattern(
            "(?m)^  \\S*vault/vault_policy_change\\.yml:\\d+  vault_policy_change  .+$")
        .doesNotContain("mass_secret_reads");
    assertThat(result.stderrLines())
        .containsExactly("'vigil rules explain NAME' explains one of them");
  }

  @Test
  void explainOfARuleNamedAsItsDetectionSaysTheDetectionHasMoreRules() {
    CliRun.Result rule = cli().execute("rules", "explain", "root_token_use");
    CliRun.Result detection = cli().execute("rules", "explain", "--detection", "root_token_use");

    assertThat(rule.exitCode()).isZero();
    // Built-in rules are named by their file in the repository, not the copy in the jar.
    assertThat(rule.stdout())
        .contains("rules/any/root_token_use.yml:")
        .doesNotContain("vigil/pack");
    assertThat(rule.stderrLines())
        .containsExactly(
            "the detection root_token_use has 3 rules; 'vigil rules explain --detection"
                + " root_token_use' lists them");
    assertThat(detection.exitCode()).isZero();
    assertThat(detection.stdout().lines())
        .first()
        .isEqualTo("detection root_token_use: 3 rules in the built-in pack");
  }

  @Test
  void explainSuggestsNearNamesWhenNothingMatches() throws IOException {
    CliRun.Result typo = cli().execute("rules", "explain", "mass_secret_read");
    Files.writeString(dir.resolve("good.yml"), CONSOLE_LOGIN_RULE);
    CliRun.Result part = cli().execute("rules", "explain", "--rules", "good.yml", "console_sign");
    CliRun.Result idPrefix = cli().execute("rules", "explain", "--rules", "good.yml", "0d7b3c1e");

    assertThat(typo.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(typo.stderr()).contains("; did you mean 'mass_secret_reads'? (--rules PATH");
    assertThat(part.stderrLines())
        .containsExactly(
            "vigil rules explain: no rule (id, name or title) or detection 'console_sign' under"
                + " good.yml; did you mean 'console_sign_in'?");
    assertThat(idPrefix.stderr()).contains("did you mean '0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10'?");
  }

  @Test
  void explainNamesWhereItLookedWhenGivenRules() throws IOException {
    Files.writeString(dir.resolve("good.yml"), CONSOLE_LOGIN_RULE);

    CliRun.Result result = cli().execute("rules", "explain", "--rules", "good.yml", "nothing");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil rules explain: no rule (id, name or title) or detection 'nothing' under"
                + " good.yml");
  }

  @Test
  void theHelpListsEachRulesCommandWithAWholeSentence() {
    CliRun.Result result = cli().execute("rules", "--help");

    List<String> lines = result.stdoutLines();
    List<String> entries = new java.util.ArrayList<>();
    for (String line : lines.subList(lines.indexOf("Commands:") + 1, lines.size())) {
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        entries.add(line.strip());
      } else {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
      }
    }
    assertThat(entries)
        .extracting(entry -> entry.split("\\s+", 2)[0])
        .containsExactly("validate", "test", "explain", "backtest");
    assertThat(entries).allSatisfy(entry -> assertThat(entry).endsWith("."));
  }

  @Test
  void theOutOfOrdernessOptionIsOneParagraph() {
    CliRun.Result result = cli().execute("rules", "backtest", "--help");

    // Written as one paragraph, picocli fills every line but the last to the usage width.
    String help = result.stdout();
    assertThat(help).contains("--max-out-of-orderness=DURATION");
    assertThat(help.replaceAll("\\s+", " "))
        .contains(
            "How far behind the newest event time a record may arrive and still be judged at"
                + " its own time");
    assertThat(
            new picocli.CommandLine(new OutOfOrdernessOption())
                .getCommandSpec()
                .findOption("--max-out-of-orderness")
                .description())
        .hasSize(1);
  }

  @Test
  void aMissingRulePathIsAOneLineError() {
    CliRun.Result result = cli().execute("rules", "validate", "nowhere.yml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly("vigil rules validate: no such file or directory: nowhere.yml");
  }

  @Test
  void aRulePathWithoutRuleFilesIsAOneLineErrorInEveryCommand() throws IOException {
    Files.createDirectories(dir.resolve("my-rules"));
    Files.writeString(dir.resolve("in.log"), "{}\n");
    String empty = "my-rules: no rule files (*.yml, *.yaml) in it (the directory is empty)";

    CliRun.Result validate = cli().execute("rules", "validate", "my-rules");
    CliRun.Result test = cli().execute("rules", "test", "my-rules");
    CliRun.Result explain = cli().execute("rules", "explain", "x", "--rules", "my-rules");
    CliRun.Result detect = cli().execute("detect", "--rules", "my-rules", "in.log");
    CliRun.Result backtest = cli().execute("rules", "backtest", "--rules", "my-rules", "in.log");

    assertThat(validate.stderrLines()).containsExactly("vigil rules validate: " + empty);
    assertThat(test.stderrLines()).containsExactly("vigil rules test: " + empty);
    assertThat(explain.stderrLines()).containsExactly("vigil rules explain: --rules " + empty);
    assertThat(detect.stderrLines()).containsExactly("vigil detect: --rules " + empty);
    assertThat(backtest.stderrLines()).containsExactly("vigil rules backtest: --rules " + empty);
    assertThat(List.of(validate, test, explain, detect, backtest))
        .extracting(CliRun.Result::exitCode)
        .containsOnly(VigilCommand.EXIT_ERROR);
  }
}
