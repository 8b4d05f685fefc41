package dev.vigil.rules.engine;

import dev.vigil.event.Source;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.Gate;
import dev.vigil.rules.detect.TextTest;
import dev.vigil.rules.detect.ValueMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which base rules could match an event: the pack's pre-selection, evaluated once per event for all
 * rules, so that only those rules' full detections run.
 *
 * <p>Design: the rules are partitioned by the source their logsource selects (a rule without one is
 * in every partition). Within a source, a rule without a {@link Gate} is always a candidate; the
 * others are indexed by the fields their probes read: per field, a hash of the exact values (the
 * field's text lower-cased) and one {@link LiteralSearch} over all the literals, so an event costs
 * one read, one lookup and one scan per indexed field (and one scan of the raw record when any rule
 * searches it for keywords), whatever the number of rules. A field's value is read through {@link
 * ValueMatcher#anyText}, the walk the matchers use, so lists and JSON objects are probed exactly
 * where a matcher could match them. Immutable; each engine selects through its own {@link
 * Selection}.
 */
final class CandidateIndex {

  private final int ruleCount;
  private final SourceRules[] bySource = new SourceRules[Source.values().length];

  /** The rules of one source: those always judged, and the indexed fields. */
  private record SourceRules(int[] ungated, FieldProbes[] fields) {}

  /**
   * One field's probes.
   *
   * @param field null for the raw record's text
   * @param exact rules by the lower-cased value their field must hold
   * @param literals the literals the field's text must contain, or null
   */
  private record FieldProbes(FieldRef field, Map<String, int[]> exact, LiteralSearch literals) {}

  CandidateIndex(List<CompiledRule> rules) {
    ruleCount = rules.size();
    for (Source source : Source.values()) {
      List<Integer> ungated = new ArrayList<>();
      Map<String, FieldRef> fields = new LinkedHashMap<>();
      Map<String, Map<String, List<Integer>>> exact = new HashMap<>();
      Map<String, Map<String, List<Integer>>> literals = new HashMap<>();
      for (CompiledRule rule : rules) {
        if (rule.mapping() != null && rule.mapping().source() != source) {
          continue;
        }
        if (rule.gate() == null) {
          ungated.add(rule.index());
          continue;
        }
        for (Gate.Probe probe : rule.gate().probes()) {
          String key = probe.field() == null ? "" : probe.field().key();
          fields.putIfAbsent(key, probe.field());
          Map<String, Map<String, List<Integer>>> byKind =
              probe instanceof Gate.Equals ? exact : literals;
          String value =
              probe instanceof Gate.Equals equals
                  ? equals.value()
                  : ((Gate.Contains) probe).literal();
          byKind
              .computeIfAbsent(key, k -> new LinkedHashMap<>())
              .computeIfAbsent(value, v -> new ArrayList<>())
              .add(rule.index());
        }
      }
      List<FieldProbes> probes = new ArrayList<>();
      fields.forEach(
          (key, field) ->
              probes.add(
                  new FieldProbes(
                      field,
                      arrays(exact.getOrDefault(key, Map.of())),
                      literals.containsKey(key)
                          ? new LiteralSearch(arrays(literals.get(key)))
                          : null)));
      bySource[source.ordinal()] =
          new SourceRules(
              ungated.stream().mapToInt(Integer::intValue).toArray(),
              probes.toArray(FieldProbes[]::new));
    }
  }

  private static Map<String, int[]> arrays(Map<String, List<Integer>> lists) {
    Map<String, int[]> out = new HashMap<>();
    lists.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  /** An engine's scratch space for selecting candidates, one event at a time. */
  static final class Selection implements TextTest, LiteralSearch.Hits {

    private final CandidateIndex index;
    private final int[] marks;
    private final int[] picked;
    private int epoch;
    private int count;
    private FieldProbes probing;

    Selection(CandidateIndex index) {
      this.index = index;
      this.marks = new int[index.ruleCount];
      this.picked = new int[index.ruleCount];
    }

    /**
     * Selects the event's candidate rules: afterwards {@link #rule}(0) to {@code rule(count - 1)}
     * are their indexes, in ascending order.
     *
     * @return how many there are
     */
    int select(VigilEvent event) {
      if (++epoch == Integer.MAX_VALUE) {
        Arrays.fill(marks, 0);
        epoch = 1;
      }
      count = 0;
      SourceRules rules = index.bySource[event.event().getSource().ordinal()];
      add(rules.ungated());
      for (FieldProbes field : rules.fields()) {
        if (field.field() == null) {
          field.literals().scan(event.event().getRaw(), this);
          continue;
        }
        Object value = field.field().read(event);
        if (value != null) {
          probing = field;
          ValueMatcher.anyText(value, event, this);
        }
      }
      probing = null;
      Arrays.sort(picked, 0, count);
      return count;
    }

    /** The i-th candidate of the last {@link #select}. */
    int rule(int i) {
      return picked[i];
    }

    /** Probes one text of the field being read; never stops the walk. */
    @Override
    public boolean matchesText(String text, VigilEvent event) {
      if (!probing.exact().isEmpty()) {
        int[] rules = probing.exact().get(event.lowerCase(text));
        if (rules != null) {
          add(rules);
        }
      }
      if (probing.literals() != null) {
        probing.literals().scan(text, this);
      }
      return false;
    }

    @Override
    public void add(int[] rules) {
      for (int rule : rules) {
        if (marks[rule] != epoch) {
          marks[rule] = epoch;
          picked[count++] = rule;
        }
      }
    }
  }
}
