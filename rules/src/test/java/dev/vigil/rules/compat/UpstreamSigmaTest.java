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
    report.warnings().forEach(w -> System.out.println("  " + w));
    System.out.println(
        "upstream Sigma cloud rules, validate: " + report.lines().get(report.lines().size() - 1));
    assertThat(report.errors()).isEmpty();
  }

  /**
   * The upstream rules' fields that no record of their source has (docs/rules.md lists them): each
   * is looked at, and none is a gap of vigil/record-fields.yml.
   */
  @Test
  void upstreamFieldsNoRecordHasAreTheKnownFive() {
    RuleValidator.Report report = RuleValidator.validate(List.of(Rules.upstreamSigmaDir()));
    List<String> unknown =
        report.warnings().stream()
            .map(
                w ->
                    Path.of(w.file()).getFileName()
                        + " "
                        + w.message().substring(0, w.message().indexOf(" for ")))
            .toList();
    assertThat(unknown)
        .containsExactly(
            // CloudTrail has no status: success is the absence of errorCode.
            "aws_delete_saml_provider.yml warning: unknown field 'status'",
            // resource and logName are keys of the LogEntry, not of its protoPayload (AuditLog).
            "gcp_breakglass_container_workload_deployed.yml warning: unknown field"
                + " 'data.protoPayload.resource.type'",
            "gcp_breakglass_container_workload_deployed.yml warning: unknown field"
                + " 'data.protoPayload.logName'",
            // Workspace event parameters are {name, value} items of protoPayload.metadata.event[]
            // .parameter[], not keys: SETTING_NAME and NEW_VALUE are names, not fields.
            "gcp_gworkspace_application_access_levels_modified.yml warning: unknown field"
                + " 'setting_name'",
            "gcp_gworkspace_mfa_disabled.yml warning: unknown field 'new_value'");
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
