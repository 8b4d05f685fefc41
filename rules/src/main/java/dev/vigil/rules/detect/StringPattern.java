package dev.vigil.rules.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Sigma string value: literal text with {@code *} (any run) and {@code ?} (one character)
 * wildcards, where {@code \*}, {@code \?} and {@code \\} are literal and any other backslash is a
 * literal backslash (the spec's escaping). Case-insensitive unless {@code cased}.
 *
 * <p>Design: the four shapes that make up nearly every rule (exact, prefix, suffix, contains) are
 * plain {@link String} operations on the already lower-cased value; only patterns with inner
 * wildcards need more, and only for texts that hold the pattern's literal pieces in order (a plain
 * search, which rejects most texts, such as a whole raw record searched for a keyword). Those are
 * matched segment by segment (the runs between {@code *}s, each taking its leftmost place after the
 * one before), never by a backtracking regex: {@code .*a.*b} over a value or raw record the
 * record's sender chose costs time quadratic in its length when it fails, and each more {@code *}
 * one more power (a 100 KB field stalled detection for seconds, three wildcards for hours).
 */
public final class StringPattern {

  private enum Shape {
    EXACT,
    PREFIX,
    SUFFIX,
    CONTAINS,
    WILDCARDS
  }

  /** In a segment: stands for any one character (code point). */
  private static final int ANY_ONE = -1;

  /** Parts: String literals, or the markers below. */
  private static final Object ANY = new Object();

  private static final Object ONE = new Object();

  private final List<Object> parts;
  private final boolean cased;
  private final Shape shape;
  private final String literal;

  /**
   * For {@link Shape#WILDCARDS}: the runs between {@code *}s as code points ({@link #ANY_ONE} for
   * {@code ?}), folded when case-insensitive; whether the first is anchored at the text's start and
   * the last at its end (no {@code *} before or after them).
   */
  private final int[][] segments;

  private final boolean anchoredStart;
  private final boolean anchoredEnd;

  /** The literal pieces of a {@link Shape#WILDCARDS} pattern, in order, for the plain search. */
  private final List<String> pieces;

  private StringPattern(List<Object> parts, boolean cased) {
    this.parts = List.copyOf(parts);
    this.cased = cased;
    boolean leading = !parts.isEmpty() && parts.get(0) == ANY;
    boolean trailing = parts.size() > 1 && parts.get(parts.size() - 1) == ANY;
    List<Object> inner = parts.subList(leading ? 1 : 0, parts.size() - (trailing ? 1 : 0));
    List<String> literalPieces = new ArrayList<>();
    List<int[]> runs = new ArrayList<>();
    if (parts.size() == 1 && parts.get(0) == ANY) {
      shape = Shape.CONTAINS;
      literal = "";
    } else if (inner.isEmpty() || (inner.size() == 1 && inner.get(0) instanceof String)) {
      String text = inner.isEmpty() ? "" : (String) inner.get(0);
      literal = cased ? text : text.toLowerCase(Locale.ROOT);
      shape =
          leading && trailing
              ? Shape.CONTAINS
              : leading ? Shape.SUFFIX : trailing ? Shape.PREFIX : Shape.EXACT;
    } else {
      shape = Shape.WILDCARDS;
      literal = null;
      List<Integer> run = new ArrayList<>();
      for (Object part : parts) {
        if (part == ANY) {
          addRun(runs, run);
        } else if (part == ONE) {
          run.add(ANY_ONE);
        } else {
          ((String) part).codePoints().forEach(c -> run.add(cased ? c : fold(c)));
          // A piece with surrogates would need code-point case folding, which the plain search
          // does not do: the segments alone judge it.
          if (cased || ((String) part).chars().noneMatch(ch -> Character.isSurrogate((char) ch))) {
            literalPieces.add((String) part);
          }
        }
      }
      addRun(runs, run);
    }
    segments = runs.toArray(int[][]::new);
    anchoredStart = !leading;
    anchoredEnd = !trailing;
    pieces = List.copyOf(literalPieces);
  }

  private static void addRun(List<int[]> runs, List<Integer> run) {
    if (!run.isEmpty()) {
      runs.add(run.stream().mapToInt(Integer::intValue).toArray());
      run.clear();
    }
  }

  /**
   * A code point as a case-insensitive {@link java.util.regex.Pattern} with unicode case compares
   * it, which the segments did before they replaced it: upper-cased, then lower-cased.
   */
  private static int fold(int c) {
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  /** Parses a Sigma value with its wildcards and escapes. */
  public static StringPattern parse(String value, boolean cased) {
    List<Object> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char next = value.charAt(i + 1);
        if (next == '*' || next == '?' || next == '\\') {
          text.append(next);
          i++;
          continue;
        }
        text.append(c);
      } else if (c == '*' || c == '?') {
        if (!text.isEmpty()) {
          parts.add(text.toString());
          text.setLength(0);
        }
        if (c == '?' || parts.isEmpty() || parts.get(parts.size() - 1) != ANY) {
          parts.add(c == '*' ? ANY : ONE);
        }
      } else {
        text.append(c);
      }
    }
    if (!text.isEmpty() || parts.isEmpty()) {
      parts.add(text.toString());
    }
    return new StringPattern(parts, cased);
  }

  /** A value taken literally (no wildcards), as produced by encodings such as base64. */
  public static StringPattern literal(String value, boolean cased) {
    return new StringPattern(List.of(value), cased);
  }

  /** This pattern with {@code *} added before and/or after (contains, startswith, endswith). */
  public StringPattern wrap(boolean before, boolean after) {
    List<Object> wrapped = new ArrayList<>(parts.size() + 2);
    if (before && parts.get(0) != ANY) {
      wrapped.add(ANY);
    }
    wrapped.addAll(parts);
    if (after && parts.get(parts.size() - 1) != ANY) {
      wrapped.add(ANY);
    }
    if (wrapped.size() > 1 && "".equals(wrapped.get(wrapped.size() - 1))) {
      wrapped.remove(wrapped.size() - 1);
    }
    if (wrapped.size() > 1 && "".equals(wrapped.get(0))) {
      wrapped.remove(0);
    }
    return new StringPattern(wrapped, cased);
  }

  /** Whether the text matches. */
  public boolean matches(String text) {
    if (text == null) {
      return false;
    }
    if (shape == Shape.WILDCARDS) {
      return matchesWildcards(text);
    }
    return test(cased ? text : text.toLowerCase(Locale.ROOT));
  }

  /**
   * Whether {@link #matchesPrepared} wants the text lower-cased (a case-insensitive pattern that
   * compares plain strings); otherwise it takes the text as is.
   */
  public boolean comparesLowerCase() {
    return !cased && shape != Shape.WILDCARDS;
  }

  /**
   * Whether a text matches, given it already lower-cased (for a case-insensitive pattern) or as is
   * (for a cased one): spares lower-casing large texts such as the raw record once per keyword.
   */
  public boolean matchesPrepared(String prepared) {
    if (shape == Shape.WILDCARDS) {
      return matchesWildcards(prepared);
    }
    return test(prepared);
  }

  private boolean matchesWildcards(String text) {
    int from = 0;
    for (String piece : pieces) {
      int at = RequiredLiterals.indexOf(text, piece, from, !cased);
      if (at < 0) {
        return false;
      }
      from = at + piece.length();
    }
    return matchesSegments(text.codePoints().toArray());
  }

  /**
   * Whether the segments match: the anchored ones at the start and end, each other one at its
   * leftmost place after the one before. Leftmost is never wrong, since a {@code *} takes whatever
   * is between two segments, and it is linear in the text for each segment's length: no
   * backtracking over the text.
   */
  private boolean matchesSegments(int[] text) {
    int from = 0;
    int until = text.length;
    int first = 0;
    int last = segments.length - 1;
    if (anchoredStart) {
      if (!matchesAt(text, 0, segments[0])) {
        return false;
      }
      from = segments[0].length;
      first = 1;
    }
    if (anchoredEnd) {
      int[] tail = segments[last];
      if (first > last) {
        // One segment anchored at both ends (a?c): it is the whole text.
        return text.length == tail.length;
      }
      until = text.length - tail.length;
      if (until < from || !matchesAt(text, until, tail)) {
        return false;
      }
      last--;
    }
    for (int i = first; i <= last; i++) {
      int at = find(text, segments[i], from, until);
      if (at < 0) {
        return false;
      }
      from = at + segments[i].length;
    }
    return true;
  }

  /**
   * The first place at or after {@code from} where the segment matches and ends by {@code until}.
   */
  private int find(int[] text, int[] segment, int from, int until) {
    for (int at = from; at + segment.length <= until; at++) {
      if (matchesAt(text, at, segment)) {
        return at;
      }
    }
    return -1;
  }

  private boolean matchesAt(int[] text, int at, int[] segment) {
    if (at < 0 || at + segment.length > text.length) {
      return false;
    }
    for (int j = 0; j < segment.length; j++) {
      int expected = segment[j];
      int actual = text[at + j];
      if (expected != ANY_ONE && expected != actual && (cased || expected != fold(actual))) {
        return false;
      }
    }
    return true;
  }

  public boolean cased() {
    return cased;
  }

  private boolean test(String value) {
    return switch (shape) {
      case EXACT -> value.equals(literal);
      case PREFIX -> value.startsWith(literal);
      case SUFFIX -> value.endsWith(literal);
      case CONTAINS -> value.contains(literal);
      case WILDCARDS -> throw new IllegalStateException("handled above");
    };
  }

  /**
   * A literal every text this pattern matches contains, folded as {@link Gate} searches for it: the
   * longest ASCII run of the literal of an exact, prefix, suffix or contains pattern, or of the
   * longest piece of one with inner wildcards; null when there is none.
   */
  String gateLiteral() {
    if (shape != Shape.WILDCARDS) {
      return Gate.asciiLiteral(literal);
    }
    String best = null;
    for (String piece : pieces) {
      String candidate = Gate.asciiLiteral(piece);
      if (candidate != null && (best == null || candidate.length() > best.length())) {
        best = candidate;
      }
    }
    return best;
  }

  /** The lower-cased literal when this pattern is an exact, case-insensitive value; else null. */
  public String exactLowerCase() {
    return shape == Shape.EXACT && !cased ? literal : null;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Object part : parts) {
      if (part == ANY) {
        out.append('*');
      } else if (part == ONE) {
        out.append('?');
      } else {
        out.append(((String) part).replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?"));
      }
    }
    return (cased ? "cased " : "") + "'" + out + "'";
  }
}
