package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.testing.RuleTestRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The built-in pack validates, compiles from the class path, and passes its own tests. */
class BuiltInPackTest {

  private static final List<Path> PACK_DIRS =
      List.of(
              Path.of("vault"),
              Path.of("aws"),
              Path.of("azure"),
              Path.of("gcp"),
              Path.of("any"),
              Path.of("lists"))
          .stream()
          .filter(p -> p.toFile().isDirectory())
          .toList();

  @Test
  void everyRuleFileIsValid() {
    RuleValidator.Report report = RuleValidator.validate(PACK_DIRS);
    report.lines().forEach(System.out::println);
    assertThat(report.errors()).isEmpty();
    // Every field the pack names is canonical, a logsource's name, or a known key of its records.
    assertThat(report.warnings()).isEmpty();
    assertThat(report.valid()).isGreaterThanOrEqualTo(6);
  }

  /**
   * {@code vigil rules test} over the pack, one JUnit test per rule test: a failure in CI names the
   * file, the rule and the test, with the reason.
   */
  @TestFactory
  Stream<DynamicTest> everyRuleTestPasses() {
    RuleTestRunner.Report report = RuleTestRunner.run(PACK_DIRS);
    assertThat(report.failures())
        .as("rule files that could not run")
        .allSatisfy(f -> assertThat(f.test()).isNotNull());
    assertThat(report.results()).hasSizeGreaterThanOrEqualTo(100);
    return report.results().stream()
        .map(
            result ->
                DynamicTest.dynamicTest(
                    Path.of(result.file()).getFileName()
                        + " > "
                        + result.rule()
                        + " > "
                        + result.test(),
                    () ->
                        assertThat(result.failure())
                            .as(
                                result.file()
                                    + ":"
                                    + result.line()
                                    + " rule '"
                                    + result.rule()
                                    + "' test '"
                                    + result.test()
                                    + "'")
                            .isNull()));
  }

  /** Every rule of the pack that alerts has tests that must alert and tests that must not. */
  @Test
  void everyAlertingRuleHasPositiveAndNegativeTests() throws Exception {
    RulePack pack = RulePack.load(PACK_DIRS);
    int rules = 0;
    for (RuleFile file : pack.files()) {
      for (RuleDocument document : file.documents()) {
        if (document.meta().detectionClass() == null) {
          continue;
        }
        rules++;
        String rule = Path.of(file.file()).getFileName() + " " + document.meta().name();
        assertThat(document.tests())
            .as(rule + " has a test that must alert")
            .anyMatch(t -> t.expectAlerts() > 0)
            .as(rule + " has a test that must not alert")
            .anyMatch(t -> t.expectAlerts() == 0);
      }
    }
    assertThat(rules).isGreaterThanOrEqualTo(20);
  }

  @Test
  void theClassPathPackCompilesWithItsLists() throws Exception {
    RulePack pack = RulePack.builtIn();
    assertThat(pack.lists()).containsKey("break_glass");
    CompiledPack compiled = PackCompiler.compile(pack);
    assertThat(compiled.warnings()).isEmpty();
    assertThat(compiled.correlations()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(RuleExplainer.explain(compiled, "denied_access_spike"))
        .get()
        .asString()
        .contains("#time(300000 milliseconds)")
        .contains("count(distinct event.requestKey) >= 10");
    assertThat(RuleExplainer.explain(compiled, "root_token_issue_unanswered"))
        .get()
        .asString()
        .contains("a later response raises no alert of root_token_use (stands_for)");
  }

  @Test
  void docsListEveryBuiltInRule() throws Exception {
    String reference =
        java.nio.file.Files.readString(Path.of("..", "docs", "rules.md"))
            .split("## Built-in rules", 2)[1];
    for (RuleFile file : RulePack.builtIn().files()) {
      for (RuleDocument document : file.documents()) {
        assertThat(reference)
            .as("docs/rules.md, Built-in rules, lists %s (%s)", document.meta().name(), file.file())
            .contains("| `" + document.meta().name() + "` |");
      }
    }
  }
}
