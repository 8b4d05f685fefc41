package dev.vigil.rules.engine;

import dev.vigil.rules.detect.EventPredicate;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.Gate;
import dev.vigil.rules.detect.LogSources;
import dev.vigil.rules.detect.SearchCompiler;
import dev.vigil.rules.model.SigmaRule;
import java.util.List;
import java.util.Map;

/**
 * A base rule ready to run.
 *
 * @param index its position in the pack (the EPL refers to it by this number)
 * @param predicate its whole detection, what the engine runs on an event
 * @param searches each search identifier's predicate, in the detection's order, and {@code
 *     logsource} the logsource's part (null: every source): parts of {@code predicate}, read by
 *     {@code rules test} to say why an event did or did not match
 * @param gate what every match passes, for the pack's pre-selection; null: judged on every event of
 *     its source
 * @param mapping its logsource's mapping, or null for every source
 * @param alerts whether it alerts on its own (false when only correlations use it)
 * @param suppressBy the fields of its {@code suppress.by}
 * @param epl its statement
 */
public record CompiledRule(
    int index,
    SigmaRule rule,
    EventPredicate predicate,
    Map<String, EventPredicate> searches,
    EventPredicate logsource,
    Gate gate,
    LogSources.LogsourceMapping mapping,
    boolean alerts,
    List<FieldRef> suppressBy,
    String epl) {

  /**
   * The gate as exact values of one field, when it is that, else null (see {@link Gate#indexKey}).
   */
  public SearchCompiler.IndexKey indexKey() {
    return gate == null ? null : gate.indexKey();
  }

  public String statementName() {
    return "rule:" + rule.meta().id();
  }
}
