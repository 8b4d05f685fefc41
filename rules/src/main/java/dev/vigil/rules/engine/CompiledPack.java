package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.detect.FieldRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
  private final Map<String, FieldRef> indexFields = new HashMap<>();

  CompiledPack(
      RulePack source,
      List<CompiledRule> rules,
      List<CompiledCorrelation> correlations,
      String epl,
      EPCompiled compiled,
      Configuration configuration) {
    this.source = source;
    this.rules = List.copyOf(rules);
    this.correlations = List.copyOf(correlations);
    this.epl = epl;
    this.compiled = compiled;
    this.configuration = configuration;
    for (CompiledRule rule : this.rules) {
      if (rule.indexKey() != null) {
        indexFields.put(rule.indexKey().field().key(), rule.indexKey().field());
      }
    }
  }

  /** The field an index lookup in the EPL names by its key. */
  FieldRef indexField(String key) {
    FieldRef field = indexFields.get(key);
    if (field == null) {
      throw new IllegalStateException("the EPL looks up '" + key + "', which no rule indexes");
    }
    return field;
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
