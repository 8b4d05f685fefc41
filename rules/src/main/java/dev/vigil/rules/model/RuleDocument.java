package dev.vigil.rules.model;

import dev.vigil.ingest.yaml.YamlDocument;
import java.util.List;

/** One document of a rule file: a base (detection) rule or a correlation. */
public sealed interface RuleDocument permits SigmaRule, CorrelationRule {

  RuleMeta meta();

  /** The tests declared in this document. */
  List<RuleTest> tests();

  /** The document as written, with the line of every node. */
  YamlDocument document();

  default String id() {
    return meta().id();
  }
}
