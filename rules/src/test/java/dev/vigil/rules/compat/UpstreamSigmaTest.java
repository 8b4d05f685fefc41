package dev.vigil.rules.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.RuleValidator;
import dev.vigil.rules.Rules;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every upstream SigmaHQ cloud rule in {@code ../shared/sigma/rules/cloud} either compiles or fails
 * with an error naming a feature Vigil documents as unsupported. Prints the counts.
 */
class UpstreamSigmaTest {

  static List<Path> upstreamRules() throws Exception {
    try (Stream<Path> walk = Files.walk(Rules.upstreamSigmaDir())) {
      return walk.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  @Test
  void everyUpstreamCloudRuleValidatesAgainstTheSchema() {
    RuleValidator.Report report = RuleValidator.validate(List.of(Rules.upstreamSigmaDir()));
    report.errors().forEach(e -> System.out.println("  " + e));
    System.out.println(
        "upstream Sigma cloud rules, validate: " + report.lines().get(report.lines().size() - 1));
    assertThat(report.errors()).isEmpty();
  }

  @Test
  void everyUpstreamCloudRuleCompiles() throws Exception {
    List<Path> files = upstreamRules();
    assertThat(files).hasSizeGreaterThan(200);
    List<RuleFile> loaded = new ArrayList<>();
    Map<String, Integer> perFolder = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (Path file : files) {
      String name = Rules.upstreamSigmaDir().relativize(file).toString();
      try {
        RuleFile rule = RuleLoader.load(name, Files.readString(file));
        // Each file alone, so one failure names its file.
        PackCompiler.compile(new RulePack(List.of(rule), Map.of()));
        loaded.add(rule);
        perFolder.merge(file.getParent().getFileName().toString(), 1, Integer::sum);
      } catch (RuleException e) {
        for (RuleError error : e.errors()) {
          failures.add(error.toString());
        }
      }
    }
    System.out.printf(
        "upstream Sigma cloud rules: %d compiled, %d failed of %d; per folder %s%n",
        loaded.size(), files.size() - loaded.size(), files.size(), perFolder);
    failures.forEach(f -> System.out.println("  " + f));
    assertThat(failures).isEmpty();
    // And all of them together, as one pack, in one Esper module.
    CompiledPack pack = PackCompiler.compile(new RulePack(loaded, Map.of()));
    assertThat(pack.rules()).hasSize(files.size());
  }
}
