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
 * @param fieldNames each field its detection reads, as the rule wrote it ({@link
 *     SearchCompiler.Compiled#fieldNames}), for explanations
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
    String epl,
    Map<FieldRef, String> fieldNames) {

  /**
   * The gate as exact values of one field, when it is that, else null (see {@link Gate#indexKey}).
   */
  public SearchCompiler.IndexKey indexKey() {
    return gate == null ? null : gate.indexKey();
  }

  /**
   * How an explanation names a field: as the rule wrote it, with what it reads when that is not
   * plain from the name ({@code eventName (operation)}); the resolved name for a field the rule did
   * not write (its logsource's own selection).
   */
  public String fieldName(FieldRef field) {
    String written = fieldNames.get(field);
    String resolved = field.key();
    if (written == null || resolved.equals(written) || resolved.equals("raw." + written)) {
      return written == null ? resolved : written;
    }
    return written + " (" + resolved + ")";
  }

  public String statementName() {
    return "rule:" + rule.meta().id();
  }
}
