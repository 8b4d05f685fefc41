package dev.vigil.rules.testing;

import dev.vigil.rules.detect.EventPredicate;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.ValueMatcher;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.OneLine;
import dev.vigil.rules.engine.VigilEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Why a base rule's detection did or did not match one event, for a failed test: one line per
 * search identifier ({@code selection: no match — operation: 'ListSecrets' does not match
 * 'GetSecretValue'}, {@code filter: match}), then the condition's result.
 *
 * <p>Every result comes from the compiled rule's own predicates ({@link CompiledRule#searches()},
 * {@link CompiledRule#predicate()}), the objects the engine runs, never from a second reading of
 * the YAML. Only the values of fields the rule reads are shown, cut in their middle when long, and
 * the lines per event are capped, so a failure stays a few lines whatever the event.
 */
final class MatchExplainer {

  /** Lines per event at most, the condition's included. */
  static final int MAX_LINES = 8;

  /** Characters of a value shown at most; a longer one is cut in its middle. */
  static final int MAX_VALUE = 60;

  /** Reasons per identifier at most, and expected values listed per field. */
  private static final int MAX_REASONS = 3;

  private static final int MAX_LISTED = 5;

  private MatchExplainer() {}

  /** The explanation of {@code rule} on {@code event}: identifiers, then the condition. */
  static List<String> explain(CompiledRule rule, VigilEvent event) {
    List<String> lines = new ArrayList<>();
    EventPredicate logsource = rule.logsource();
    if (logsource != null && !logsource.test(event)) {
      lines.add(line("logsource", false, reasons(rule, logsource, event, false)));
    }
    for (Map.Entry<String, EventPredicate> search : rule.searches().entrySet()) {
      boolean matched = search.getValue().test(event);
      lines.add(
          line(
              search.getKey(),
              matched,
              matched ? List.of() : reasons(rule, search.getValue(), event, false)));
    }
    if (lines.size() > MAX_LINES - 1) {
      int shown = MAX_LINES - 2;
      int hidden = lines.size() - shown;
      lines.subList(shown, lines.size()).clear();
      lines.add("… " + hidden + " more identifiers");
    }
    lines.add(
        "condition "
            + rule.rule().condition().stream()
                .map(text -> "'" + text + "'")
                .collect(Collectors.joining(" or "))
            + ": "
            + (rule.predicate().test(event) ? "match" : "no match"));
    return lines;
  }

  private static String line(String name, boolean matched, List<String> reasons) {
    if (matched) {
      return name + ": match";
    }
    String shown =
        reasons.size() <= MAX_REASONS
            ? String.join("; ", reasons)
            : String.join("; ", reasons.subList(0, MAX_REASONS))
                + "; … "
                + (reasons.size() - MAX_REASONS)
                + " more";
    return name + ": no match" + (shown.isEmpty() ? "" : " — " + shown);
  }

  /**
   * The parts of {@code predicate} that decide its result on the event, as text: with {@code
   * negated} false, why it does not hold; with true, why it holds (under a {@code not}). Fields are
   * named as the rule wrote them ({@link CompiledRule#fieldName}).
   */
  private static List<String> reasons(
      CompiledRule rule, EventPredicate predicate, VigilEvent event, boolean negated) {
    List<String> out = new ArrayList<>();
    if (predicate instanceof EventPredicate.All all) {
      // Under `not`, an All holds when every part holds: each part is a reason.
      for (EventPredicate part : all.parts()) {
        if (part.test(event) == negated) {
          out.addAll(reasons(rule, part, event, negated));
        }
      }
    } else if (predicate instanceof EventPredicate.Any any) {
      for (EventPredicate part : any.parts()) {
        if (part.test(event) == negated) {
          out.addAll(reasons(rule, part, event, negated));
          if (negated) {
            break; // one holding alternative is enough to say why
          }
        }
      }
    } else if (predicate instanceof EventPredicate.Not not) {
      out.addAll(reasons(rule, not.operand(), event, !negated));
    } else {
      out.add(negated ? "holds: " + cut(holds(rule, predicate)) : leaf(rule, predicate, event));
    }
    return out;
  }

  /** A reading part of a detection that holds, as its text with the rule's field names. */
  private static String holds(CompiledRule rule, EventPredicate predicate) {
    if (predicate instanceof EventPredicate.FieldMatch match) {
      String text = match.toString();
      return rule.fieldName(match.field()) + text.substring(match.field().key().length());
    }
    if (predicate instanceof EventPredicate.Exists exists) {
      return rule.fieldName(exists.field()) + (exists.expected() ? " exists" : " does not exist");
    }
    return predicate.toString();
  }

  /** What one reading part of a detection saw on the event, and what it wanted. */
  private static String leaf(CompiledRule rule, EventPredicate predicate, VigilEvent event) {
    if (predicate instanceof EventPredicate.FieldMatch match) {
      Object value = match.field().read(event);
      String field = rule.fieldName(match.field()) + ": " + shown(match.field(), value, event);
      if (match.notEqual()) {
        return value == null
            ? field + " (|neq needs the field)"
            : field + " is one of " + listed(match.values()) + " (|neq)";
      }
      if (match.all()) {
        List<ValueMatcher> missed =
            match.values().stream().filter(v -> !v.matches(value, event)).toList();
        return field + " does not match " + listed(missed) + " (|all)";
      }
      return match.values().size() == 1
          ? field + " does not match " + match.values().get(0)
          : field + " matches none of " + listed(match.values());
    }
    if (predicate instanceof EventPredicate.Exists exists) {
      Object value = exists.field().read(event);
      return rule.fieldName(exists.field())
          + ": "
          + shown(exists.field(), value, event)
          + (exists.expected() ? " (|exists: true)" : " (|exists: false)");
    }
    if (predicate instanceof EventPredicate.Keywords keywords) {
      // The raw record itself is never shown: only which keywords it lacks.
      return "the raw record contains "
          + (keywords.all() ? "not all of " : "none of ")
          + keywords.patterns().stream()
              .limit(MAX_LISTED)
              .map(Object::toString)
              .collect(Collectors.joining(", "))
          + (keywords.patterns().size() > MAX_LISTED ? ", …" : "");
    }
    if (predicate instanceof EventPredicate.FromSource from) {
      return "source: " + event.getSource() + ", not " + from.source();
    }
    return cut(predicate.toString());
  }

  /** A value read from the event: {@code absent}, {@code null} (a raw key holding JSON null). */
  private static String shown(FieldRef field, Object value, VigilEvent event) {
    if (value == null) {
      return field.present(event) ? "null" : "absent";
    }
    String text =
        value instanceof List<?> || value instanceof com.fasterxml.jackson.databind.JsonNode
            ? event.jsonText(value)
            : VigilEvent.scalarText(value);
    return "'" + cut(text) + "'";
  }

  private static String listed(List<ValueMatcher> values) {
    String shown =
        values.stream()
            .limit(MAX_LISTED)
            .map(value -> cut(value.toString()))
            .collect(Collectors.joining(", "));
    int more = values.size() - MAX_LISTED;
    return "[" + shown + (more > 0 ? ", … " + more + " more" : "") + "]";
  }

  /**
   * A value on one line, cut in its middle past {@link #MAX_VALUE} (its start and end both tell).
   */
  static String cut(String value) {
    return OneLine.cutMiddle(value, MAX_VALUE);
  }
}
