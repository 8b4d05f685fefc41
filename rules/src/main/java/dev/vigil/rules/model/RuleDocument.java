package dev.vigil.rules.model;

import java.util.List;

/** One document of a rule file: a base (detection) rule or a correlation. */
public sealed interface RuleDocument permits SigmaRule, CorrelationRule {

  RuleMeta meta();

  /** The tests declared in this document. */
  List<RuleTest> tests();

  default String id() {
    return meta().id();
  }
}
