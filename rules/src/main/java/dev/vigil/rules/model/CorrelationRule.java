package dev.vigil.rules.model;

import dev.vigil.ingest.yaml.YamlDocument;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Sigma correlation rule.
 *
 * @param rules the referenced rules, by id or name, in the author's order (the order matters for
 *     {@code temporal_ordered})
 * @param ruleLines the line of each reference in the file, in the order of {@code rules} (an error
 *     about a reference points at it)
 * @param groupBy the group-by fields (or aliases)
 * @param conditions comparison operator ({@code gt}, {@code gte}, {@code lt}, {@code lte}, {@code
 *     eq}, {@code neq}) to threshold; all must hold; empty for temporal types
 * @param conditionField the field whose distinct values {@code value_count} counts
 * @param aliases alias name to (rule id or name to that rule's field)
 * @param generate whether the referenced rules also alert on their own
 * @param document the YAML it was read from, to locate the compiler's errors and warnings (a
 *     group-by field, an alias) at their line
 */
public record CorrelationRule(
    RuleMeta meta,
    CorrelationType type,
    List<String> rules,
    List<Integer> ruleLines,
    List<String> groupBy,
    Duration timespan,
    Map<String, Long> conditions,
    String conditionField,
    Map<String, Map<String, String>> aliases,
    boolean generate,
    List<RuleTest> tests,
    YamlDocument document)
    implements RuleDocument {

  /** The same correlation, whose referenced rules alert on their own or not. */
  public CorrelationRule withGenerate(boolean generate) {
    return new CorrelationRule(
        meta,
        type,
        rules,
        ruleLines,
        groupBy,
        timespan,
        conditions,
        conditionField,
        aliases,
        generate,
        tests,
        document);
  }

  /** The line of the {@code i}th reference of {@link #rules}. */
  public int ruleLine(int i) {
    return ruleLines.get(i);
  }
}
