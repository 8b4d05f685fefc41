package dev.vigil.rules.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every match of a rule must show, as cheap tests on the event: the rule can match only if at
 * least one of its {@link #probes} holds. The engine's pre-selection evaluates the probes of all
 * rules at once (one hash lookup per field for the exact values, one multi-pattern search per field
 * text for the literals), and runs a rule's full detection only when one of them holds. A probe may
 * hold for an event the rule does not match (it only narrows); it must never fail for one the rule
 * matches.
 *
 * <p>Design: the compiler derives gates for each field selection (an exact value, or a literal
 * every match contains: the literal of {@code contains}/{@code startswith}/{@code endswith}, the
 * longest piece of a wildcard value, the required literal of a {@code re}) and combines them
 * through the condition: under {@code and} a gate of either side serves, under {@code or} a gate of
 * one side joins one of the other (so a disjunction over different fields is gated too), and {@code
 * not} has none. A part keeps its few most selective options (exact values of fine fields before
 * literals, long literals before short ones, then fewer fields and probes), the rule the best of
 * its condition's. A rule without a gate runs its detection on every event of its source.
 *
 * <p>Literals are ASCII and lower-case, and are searched for in the text folded character by
 * character as {@link String#regionMatches(boolean, int, String, int, int)} compares (see {@link
 * #fold}): a value that matches a case-insensitive pattern, a {@code |cased} one, or a regex with
 * or without {@code i}, contains its literal folded. A literal taken from a value with other
 * characters is its longest ASCII run, which the folded text contains as well.
 */
public record Gate(List<Probe> probes) {

  /** One test: a field (or the raw record's text) holds a value, or contains a literal. */
  public sealed interface Probe {
    /** The field the probe reads; null for the raw record's text (keyword searches). */
    FieldRef field();

    /** How often the probe is expected to hold: lower is more selective. */
    int weakness();
  }

  /**
   * The field's text, lower-cased ({@link java.util.Locale#ROOT}), equals {@code value}: the
   * equality of an exact, case-insensitive value.
   */
  public record Equals(FieldRef field, String value) implements Probe {
    @Override
    public int weakness() {
      if (field instanceof FieldRef.Canonical canonical) {
        return COARSE.contains(canonical.path()) ? 5 : 1;
      }
      // A raw field costs the parse of the raw record, for every event of the source.
      return 2;
    }

    @Override
    public String toString() {
      return field.key() + " = '" + value + "'";
    }

    // Written out, not generated: see FieldRef.Canonical (JDK-8078641).
    @Override
    public boolean equals(Object other) {
      return other instanceof Equals that
          && Objects.equals(field, that.field)
          && Objects.equals(value, that.value);
    }

    @Override
    public int hashCode() {
      return 31 * Objects.hashCode(field) + Objects.hashCode(value);
    }
  }

  /** The field's folded text (the raw record's, for a null field) contains {@code literal}. */
  public record Contains(FieldRef field, String literal) implements Probe {
    @Override
    public int weakness() {
      int byLength = literal.length() >= 8 ? 2 : literal.length() >= 4 ? 3 : 6;
      return field instanceof FieldRef.Canonical ? byLength : byLength + 1;
    }

    @Override
    public String toString() {
      return (field == null ? "raw record" : field.key()) + " contains '" + literal + "'";
    }

    // Written out, not generated: see FieldRef.Canonical (JDK-8078641).
    @Override
    public boolean equals(Object other) {
      return other instanceof Contains that
          && Objects.equals(field, that.field)
          && Objects.equals(literal, that.literal);
    }

    @Override
    public int hashCode() {
      return 31 * Objects.hashCode(field) + Objects.hashCode(literal);
    }
  }

  /**
   * Canonical fields with a handful of values: an equality on one of them admits a large share of
   * events, so a literal elsewhere in the rule is the better gate.
   */
  private static final Set<String> COARSE =
      Set.of(
          "source",
          "category",
          "outcome",
          "denied",
          "actor.type",
          "actor.root",
          "actor.mfa",
          "ocsf_class_uid",
          "action");

  public Gate {
    probes = List.copyOf(new LinkedHashSet<>(probes));
  }

  /** The gates a part of a detection may use: one probe. */
  static List<Gate> of(Probe probe) {
    return List.of(new Gate(List.of(probe)));
  }

  /**
   * Both parts hold: any gate of either serves. The options of a part are kept (the best few)
   * rather than only its best gate, so that an {@code or} above can pair options on one field:
   * {@code (category = a and outcome = success) or (category = b and outcome = success)} gates on
   * {@code outcome} alone.
   */
  static List<Gate> and(List<Gate> a, List<Gate> b) {
    List<Gate> out = new ArrayList<>(a);
    out.addAll(b);
    return fittest(out);
  }

  /**
   * Either part holds: a gate of one side together with a gate of the other (none if a side has
   * none).
   */
  static List<Gate> or(List<Gate> a, List<Gate> b) {
    List<Gate> out = new ArrayList<>();
    for (Gate left : a) {
      for (Gate right : b) {
        List<Probe> union = new ArrayList<>(left.probes);
        union.addAll(right.probes);
        out.add(new Gate(union));
      }
    }
    return fittest(out);
  }

  /** The most selective gate of the options, or null when there is none. */
  static Gate best(List<Gate> options) {
    return options.isEmpty() ? null : options.get(0);
  }

  private static final int OPTIONS_KEPT = 6;

  private static final Comparator<Gate> SELECTIVE_FIRST =
      Comparator.comparingInt(Gate::weakness)
          .thenComparingLong(gate -> gate.probes.stream().map(Probe::field).distinct().count())
          .thenComparingInt(gate -> gate.probes.size());

  private static List<Gate> fittest(List<Gate> options) {
    return options.stream().distinct().sorted(SELECTIVE_FIRST).limit(OPTIONS_KEPT).toList();
  }

  /** The weakest probe's weakness: a gate admits an event when any probe holds. */
  int weakness() {
    int weakest = 0;
    for (Probe probe : probes) {
      weakest = Math.max(weakest, probe.weakness());
    }
    return weakest;
  }

  /**
   * This gate as exact values of one field, when it is that (earlier versions called it the rule's
   * index key), else null.
   */
  public SearchCompiler.IndexKey indexKey() {
    Set<String> values = new LinkedHashSet<>();
    FieldRef field = null;
    for (Probe probe : probes) {
      if (!(probe instanceof Equals equals)
          || (field != null && !field.key().equals(equals.field().key()))) {
        return null;
      }
      field = equals.field();
      values.add(equals.value());
    }
    return new SearchCompiler.IndexKey(field, values);
  }

  /**
   * A character folded as a case-insensitive {@code regionMatches} compares it: two characters
   * match there exactly when their folds are equal.
   */
  public static char fold(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  /** The longest run of ASCII characters of a text, folded; null when it has none. */
  static String asciiLiteral(String text) {
    int bestStart = 0;
    int bestLength = 0;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) >= 128) {
        if (i - start > bestLength) {
          bestStart = start;
          bestLength = i - start;
        }
        start = i + 1;
      }
    }
    if (bestLength == 0) {
      return null;
    }
    StringBuilder out = new StringBuilder(bestLength);
    for (int i = bestStart; i < bestStart + bestLength; i++) {
      out.append(fold(text.charAt(i)));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return probes.stream().map(Object::toString).collect(Collectors.joining(" or "));
  }

  // Written out, not generated: see FieldRef.Canonical (JDK-8078641).
  @Override
  public boolean equals(Object other) {
    return other instanceof Gate that && probes.equals(that.probes);
  }

  @Override
  public int hashCode() {
    return probes.hashCode();
  }
}
