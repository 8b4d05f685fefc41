package dev.vigil.rules.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Sigma string value: literal text with {@code *} (any run) and {@code ?} (one character)
 * wildcards, where {@code \*}, {@code \?} and {@code \\} are literal and any other backslash is a
 * literal backslash (the spec's escaping). Case-insensitive unless {@code cased}.
 *
 * <p>Design: the four shapes that make up nearly every rule (exact, prefix, suffix, contains) are
 * plain {@link String} operations on the already lower-cased value; only patterns with inner
 * wildcards fall back to a precompiled regex, and only for texts that hold the pattern's literal
 * pieces in order (a plain search, which rejects most texts, such as a whole raw record searched
 * for a keyword, without running the regex).
 */
public final class StringPattern {

  private enum Shape {
    EXACT,
    PREFIX,
    SUFFIX,
    CONTAINS,
    REGEX
  }

  /** Parts: String literals, or the markers below. */
  private static final Object ANY = new Object();

  private static final Object ONE = new Object();

  private final List<Object> parts;
  private final boolean cased;
  private final Shape shape;
  private final String literal;
  private final Pattern regex;
  private final List<String> regexPieces;

  private StringPattern(List<Object> parts, boolean cased) {
    this.parts = List.copyOf(parts);
    this.cased = cased;
    boolean leading = !parts.isEmpty() && parts.get(0) == ANY;
    boolean trailing = parts.size() > 1 && parts.get(parts.size() - 1) == ANY;
    List<Object> inner = parts.subList(leading ? 1 : 0, parts.size() - (trailing ? 1 : 0));
    List<String> pieces = new ArrayList<>();
    if (parts.size() == 1 && parts.get(0) == ANY) {
      shape = Shape.CONTAINS;
      literal = "";
      regex = null;
    } else if (inner.isEmpty() || (inner.size() == 1 && inner.get(0) instanceof String)) {
      String text = inner.isEmpty() ? "" : (String) inner.get(0);
      literal = cased ? text : text.toLowerCase(Locale.ROOT);
      shape =
          leading && trailing
              ? Shape.CONTAINS
              : leading ? Shape.SUFFIX : trailing ? Shape.PREFIX : Shape.EXACT;
      regex = null;
    } else {
      shape = Shape.REGEX;
      literal = null;
      StringBuilder expression = new StringBuilder();
      for (Object part : parts) {
        if (part == ANY) {
          expression.append(".*");
        } else if (part == ONE) {
          expression.append('.');
        } else {
          expression.append(Pattern.quote((String) part));
          // A piece with surrogates would need code-point case folding: leave it to the regex.
          if (cased || ((String) part).chars().noneMatch(ch -> Character.isSurrogate((char) ch))) {
            pieces.add((String) part);
          }
        }
      }
      int flags = Pattern.DOTALL | (cased ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      regex = Pattern.compile(expression.toString(), flags);
    }
    regexPieces = List.copyOf(pieces);
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
    if (shape == Shape.REGEX) {
      return matchesRegex(text);
    }
    return test(cased ? text : text.toLowerCase(Locale.ROOT));
  }

  /**
   * Whether {@link #matchesPrepared} wants the text lower-cased (a case-insensitive pattern that
   * compares plain strings); otherwise it takes the text as is.
   */
  public boolean comparesLowerCase() {
    return !cased && shape != Shape.REGEX;
  }

  /**
   * Whether a text matches, given it already lower-cased (for a case-insensitive pattern) or as is
   * (for a cased one): spares lower-casing large texts such as the raw record once per keyword.
   */
  public boolean matchesPrepared(String prepared) {
    if (shape == Shape.REGEX) {
      return matchesRegex(prepared);
    }
    return test(prepared);
  }

  private boolean matchesRegex(String text) {
    int from = 0;
    for (String piece : regexPieces) {
      int at = RequiredLiterals.indexOf(text, piece, from, !cased);
      if (at < 0) {
        return false;
      }
      from = at + piece.length();
    }
    return regex.matcher(text).matches();
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
      case REGEX -> throw new IllegalStateException("handled above");
    };
  }

  /**
   * A literal every text this pattern matches contains, folded as {@link Gate} searches for it: the
   * longest ASCII run of the literal of an exact, prefix, suffix or contains pattern, or of the
   * longest piece of one with inner wildcards; null when there is none.
   */
  String gateLiteral() {
    if (shape != Shape.REGEX) {
      return Gate.asciiLiteral(literal);
    }
    String best = null;
    for (String piece : regexPieces) {
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
