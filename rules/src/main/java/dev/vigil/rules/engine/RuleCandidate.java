package dev.vigil.rules.engine;

/**
 * An event offered to one base rule's statement, after the pack's pre-selection ({@link
 * CandidateIndex}) found that the rule could match it. Esper routes it to the rule's statement
 * through its filter index on {@code ruleIndex}; the statement then runs the rule's detection.
 */
public final class RuleCandidate {

  private final int ruleIndex;
  private final VigilEvent event;

  RuleCandidate(int ruleIndex, VigilEvent event) {
    this.ruleIndex = ruleIndex;
    this.event = event;
  }

  public int getRuleIndex() {
    return ruleIndex;
  }

  public VigilEvent getEvent() {
    return event;
  }
}
