package dev.vigil.detect.notify;

import dev.vigil.rules.RulePack;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleMeta;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * What a page tells on-call about the rule that fired, from the rule's own Sigma attributes: what
 * it means ({@code description}), which benign causes are known ({@code falsepositives}), where to
 * read more ({@code references}, e.g. a runbook). The alert document does not carry them (its
 * contract is fixed); the pager looks them up by the alert's {@code rule_id} in a map built once
 * from the job's rule pack ({@link #byRuleId}).
 *
 * <p>Bounded when built, so that every page stays small whatever a rule holds: a description of at
 * most {@value #MAX_DESCRIPTION_CHARS} characters, at most {@value #MAX_ENTRIES} false positives
 * and {@value #MAX_ENTRIES} references (the first ones), a false positive of at most {@value
 * #MAX_ENTRY_CHARS} characters. Longer text is cut, ending in an ellipsis, never between the two
 * halves of a surrogate pair. A longer reference is left out instead: a cut URL leads nowhere.
 * Surrounding white space is trimmed and blank entries dropped.
 *
 * @param description the rule's description, or null
 * @param falsePositives the rule's known false positives, possibly empty
 * @param references the rule's references, possibly empty
 */
record RuleGuidance(String description, List<String> falsePositives, List<String> references)
    implements Serializable {

  static final int MAX_DESCRIPTION_CHARS = 1000;
  static final int MAX_ENTRIES = 5;
  static final int MAX_ENTRY_CHARS = 300;

  RuleGuidance {
    falsePositives = List.copyOf(falsePositives);
    references = List.copyOf(references);
  }

  /** The bounded guidance of the rule {@code meta} describes, or null when it has none. */
  static RuleGuidance of(RuleMeta meta) {
    String description = meta.description() == null ? "" : meta.description().strip();
    List<String> falsePositives = new ArrayList<>();
    for (String entry : meta.falsepositives()) {
      String text = entry.strip();
      if (!text.isEmpty() && falsePositives.size() < MAX_ENTRIES) {
        falsePositives.add(PagerDutyNotifier.truncate(text, MAX_ENTRY_CHARS));
      }
    }
    List<String> references = new ArrayList<>();
    for (String entry : meta.references()) {
      String text = entry.strip();
      if (!text.isEmpty() && text.length() <= MAX_ENTRY_CHARS && references.size() < MAX_ENTRIES) {
        references.add(text);
      }
    }
    if (description.isEmpty() && falsePositives.isEmpty() && references.isEmpty()) {
      return null;
    }
    return new RuleGuidance(
        description.isEmpty()
            ? null
            : PagerDutyNotifier.truncate(description, MAX_DESCRIPTION_CHARS),
        falsePositives,
        references);
  }

  /** Every rule of {@code pack} that has guidance, by rule id; built once, when the job is. */
  static HashMap<String, RuleGuidance> byRuleId(RulePack pack) {
    HashMap<String, RuleGuidance> out = new HashMap<>();
    for (RuleFile file : pack.files()) {
      for (RuleDocument rule : file.documents()) {
        RuleGuidance guidance = of(rule.meta());
        if (guidance != null) {
          out.put(rule.id(), guidance);
        }
      }
    }
    return out;
  }
}
