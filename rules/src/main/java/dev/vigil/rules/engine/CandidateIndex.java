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
 *
 * <p>A raw field costs the parse of the raw record, so its probes are first tested against the raw
 * record's text, in the same scan as the keywords: when no literal or exact value of the field
 * appears there, and the text holds no escape that could hide one, no probe of the field can hold
 * and it is not read (see {@link #provableInRawText} for the literals this is sound for). Most
 * events then reach their rules, or none, without a parse.
 */
final class CandidateIndex {

  private final int ruleCount;
  private final SourceRules[] bySource = new SourceRules[Source.values().length];

  /**
   * The rules of one source.
   *
   * @param ungated the rules always judged
   * @param fields the indexed fields
   * @param rawScan the search over the raw record's text, or null: the literals of keyword rules
   *     (reported as rule indexes), and when {@code guarded} holds any field, every literal and
   *     exact value of those fields (reported as {@link #guardHit}) and the backslash ({@link
   *     #ESCAPE})
   * @param guarded per field, whether it is read only when the raw text shows one of its literals
   */
  private record SourceRules(
      int[] ungated, FieldProbes[] fields, LiteralSearch rawScan, boolean[] guarded) {}

  /** Reported by a raw scan when the raw text holds an escape: its guards prove nothing then. */
  private static final int ESCAPE = -1;

  /** What a raw scan reports when the raw text contains a literal of guarded field {@code i}. */
  private static int guardHit(int field) {
    return -2 - field;
  }

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
      List<Boolean> guarded = new ArrayList<>();
      Map<String, List<Integer>> rawLiterals =
          new LinkedHashMap<>(literals.getOrDefault("", Map.of()));
      fields.forEach(
          (key, field) -> {
            if (field == null) {
              return;
            }
            Map<String, List<Integer>> fieldExact = exact.getOrDefault(key, Map.of());
            Map<String, List<Integer>> fieldLiterals = literals.getOrDefault(key, Map.of());
            boolean guard =
                field instanceof FieldRef.Raw
                    && fieldExact.keySet().stream().allMatch(v -> provableInRawText(v, true))
                    && fieldLiterals.keySet().stream().allMatch(v -> provableInRawText(v, false));
            if (guard) {
              int hit = guardHit(probes.size());
              fieldExact.keySet().forEach(v -> withId(rawLiterals, v, hit));
              fieldLiterals.keySet().forEach(v -> withId(rawLiterals, v, hit));
              withId(rawLiterals, "\\", ESCAPE);
            }
            guarded.add(guard);
            probes.add(
                new FieldProbes(
                    field,
                    arrays(fieldExact),
                    fieldLiterals.isEmpty() ? null : new LiteralSearch(arrays(fieldLiterals))));
          });
      boolean[] guards = new boolean[guarded.size()];
      for (int i = 0; i < guards.length; i++) {
        guards[i] = guarded.get(i);
      }
      bySource[source.ordinal()] =
          new SourceRules(
              ungated.stream().mapToInt(Integer::intValue).toArray(),
              probes.toArray(FieldProbes[]::new),
              rawLiterals.isEmpty() ? null : new LiteralSearch(arrays(rawLiterals)),
              guards);
    }
  }

  private static void withId(Map<String, List<Integer>> ids, String literal, int id) {
    List<Integer> list = ids.computeIfAbsent(literal, v -> new ArrayList<>());
    if (!list.contains(id)) {
      list.add(id);
    }
  }

  /**
   * Whether a raw field's text can hold {@code literal} (folded) only if the raw record's text
   * holds it too, when that text has no backslash. Without escapes, every string and key of the
   * record stands verbatim in its text, and so do {@code true}, {@code false}, {@code null} and
   * integers; a fraction may be written otherwise ({@code 1E5} is read as {@code 100000.0}), and
   * the JSON text of a container is rebuilt compactly (no spaces between tokens). So a literal
   * qualifies when it cannot lie in a fraction's text nor span tokens: ASCII, with a character
   * outside numbers (for an exact value, an integer qualifies too: a whole field equal to it is
   * written so), no quote, bracket, brace or comma, and a colon only where the compact text could
   * not put a key's colon (not first, or first before a character that starts no unquoted value).
   */
  static boolean provableInRawText(String literal, boolean exact) {
    if (literal.isEmpty()) {
      return false;
    }
    if (exact && INTEGER.matcher(literal).matches()) {
      return true;
    }
    boolean numeric = true;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c >= 128 || "\"\\{}[],".indexOf(c) >= 0) {
        return false;
      }
      if (c == ':'
          && i == 0
          && (literal.length() == 1 || "0123456789-tfn".indexOf(literal.charAt(1)) >= 0)) {
        return false;
      }
      numeric &= "0123456789.eE+-".indexOf(c) >= 0;
    }
    return !numeric;
  }

  private static final java.util.regex.Pattern INTEGER =
      java.util.regex.Pattern.compile("-?[0-9]+");

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
    private final int[] guardMarks;
    private int epoch;
    private int count;
    private boolean escaped;
    private FieldProbes probing;

    Selection(CandidateIndex index) {
      this.index = index;
      this.marks = new int[index.ruleCount];
      this.picked = new int[index.ruleCount];
      int fields = 0;
      for (SourceRules rules : index.bySource) {
        fields = Math.max(fields, rules.fields().length);
      }
      this.guardMarks = new int[fields];
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
        Arrays.fill(guardMarks, 0);
        epoch = 1;
      }
      count = 0;
      escaped = false;
      SourceRules rules = index.bySource[event.event().getSource().ordinal()];
      add(rules.ungated());
      if (rules.rawScan() != null) {
        rules.rawScan().scan(event.event().getRaw(), this);
      }
      FieldProbes[] fields = rules.fields();
      for (int i = 0; i < fields.length; i++) {
        FieldProbes field = fields[i];
        if (rules.guarded()[i] && !escaped && guardMarks[i] != epoch) {
          // None of the field's literals is in the raw text: no probe of it can hold, and the
          // raw record need not be parsed for it.
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
        if (rule < 0) {
          if (rule == ESCAPE) {
            escaped = true;
          } else {
            guardMarks[-2 - rule] = epoch;
          }
          continue;
        }
        if (marks[rule] != epoch) {
          marks[rule] = epoch;
          picked[count++] = rule;
        }
      }
    }
  }
}
