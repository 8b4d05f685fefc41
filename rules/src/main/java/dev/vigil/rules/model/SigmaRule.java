package dev.vigil.rules.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A Sigma detection rule as written: its search identifiers stay YAML trees (with their lines in
 * {@link #document()}) until the compiler turns them into matchers, so validation and explain see
 * exactly what the author wrote.
 *
 * @param detection the {@code detection} map without {@code condition}
 * @param condition the {@code condition} expressions (Sigma allows a list, meaning OR)
 * @param fields Sigma's {@code fields} (informational)
 */
public record SigmaRule(
    RuleMeta meta,
    LogSource logsource,
    JsonNode detection,
    List<String> condition,
    List<String> fields,
    List<RuleTest> tests,
    dev.vigil.ingest.yaml.YamlDocument document)
    implements RuleDocument {}
