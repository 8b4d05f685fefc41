package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RulePack;
import java.util.List;

/**
 * A rule pack compiled once: the rules, their EPL module and its Esper bytecode. Immutable; any
 * number of {@link DetectionEngine}s (one per thread or Flink subtask) deploy the same compiled
 * module without compiling again.
 */
public final class CompiledPack {

  private final RulePack source;
  private final List<CompiledRule> rules;
  private final List<CompiledCorrelation> correlations;
  private final String epl;
  private final EPCompiled compiled;
  private final Configuration configuration;
  private final CandidateIndex candidates;
  private final RawPaths rawPaths;
  private final ModuleClassLoaders classLoaders;
  private final List<RuleError> warnings;

  CompiledPack(
      RulePack source,
      List<CompiledRule> rules,
      List<CompiledCorrelation> correlations,
      String epl,
      EPCompiled compiled,
      Configuration configuration,
      List<RuleError> warnings) {
    this.source = source;
    this.rules = List.copyOf(rules);
    this.correlations = List.copyOf(correlations);
    this.epl = epl;
    this.compiled = compiled;
    this.configuration = configuration;
    this.candidates = new CandidateIndex(this.rules);
    this.rawPaths = new RawPaths(this);
    this.classLoaders = new ModuleClassLoaders(compiled.getClasses());
    this.warnings = List.copyOf(warnings);
  }

  /**
   * What the rules may have wrong without failing to load, in rule order: fields no record of their
   * logsource is known to have ({@code my.yml:9: warning: unknown field 'eventNmae' ...}).
   */
  public List<RuleError> warnings() {
    return warnings;
  }

  /** The loaders of the generated classes, handed from closed engines to new ones. */
  ModuleClassLoaders classLoaders() {
    return classLoaders;
  }

  /** The raw-record paths the pack reads. */
  RawPaths rawPaths() {
    return rawPaths;
  }

  /** The pre-selection of the rules that could match an event. */
  CandidateIndex candidates() {
    return candidates;
  }

  public RulePack source() {
    return source;
  }

  public List<CompiledRule> rules() {
    return rules;
  }

  public List<CompiledCorrelation> correlations() {
    return correlations;
  }

  /** The whole EPL module, as deployed. */
  public String epl() {
    return epl;
  }

  EPCompiled compiled() {
    return compiled;
  }

  Configuration configuration() {
    return configuration;
  }
}
