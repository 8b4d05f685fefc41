package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.testing.RuleTestRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    assertThat(report.valid()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void everyRuleTestPasses() {
    RuleTestRunner.Report report = RuleTestRunner.run(PACK_DIRS);
    report.lines().forEach(System.out::println);
    assertThat(report.failures()).isEmpty();
    assertThat(report.passed()).isGreaterThanOrEqualTo(15);
  }

  @Test
  void theClassPathPackCompilesWithItsLists() throws Exception {
    RulePack pack = RulePack.builtIn();
    assertThat(pack.lists()).containsKey("break_glass");
    CompiledPack compiled = PackCompiler.compile(pack);
    assertThat(compiled.correlations()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(RuleExplainer.explain(compiled, "denied_access_spike"))
        .get()
        .asString()
        .contains("#time(300000 milliseconds)")
        .contains("count(distinct event.requestKey) >= 10");
  }
}
