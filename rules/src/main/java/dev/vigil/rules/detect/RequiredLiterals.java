package dev.vigil.rules.detect;

import java.util.regex.Pattern;

/**
 * Literals that every match of a pattern must contain, so that a plain search can reject a text
 * before a regex runs on it.
 *
 * <p>Design: {@link #of} reads a Java regex conservatively. Only characters that stand for
 * themselves at the top level of the expression count (plain characters and escaped punctuation,
 * not followed by a quantifier that makes them optional); a group, a class, {@code .} or an escape
 * such as {@code \d} ends a run of them and is skipped whole with its quantifier. Anything it does
 * not fully understand, such as a top-level alternation, inline flags, {@code \Q}, hex, unicode or
 * back-reference escapes, or a literal outside ASCII, gives no literal at all: a wrong literal
 * would silently lose matches, a missing one only costs the regex run. The longest run wins.
 *
 * <p>The search {@link #indexOf} with {@code ignoreCase} uses {@link String#regionMatches(boolean,
 * int, String, int, int)}, which accepts every character pair that a case-insensitive {@link
 * Pattern} (with or without unicode case) accepts, so it never rejects a text the regex matches.
 */
public final class RequiredLiterals {

  /** Escapes of character classes and anchors: no literal, but nothing to misread either. */
  private static final String CLASS_ESCAPES = "dDsSwWbBAzZGhHvVRXtnrfae";

  private RequiredLiterals() {}

  /**
   * The longest literal that every match of the pattern contains, or null when none is certain (or
   * the pattern uses flags beyond case, multi-line and dot-all).
   */
  public static String of(Pattern pattern) {
    int understood = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    understood |= Pattern.MULTILINE | Pattern.DOTALL;
    if ((pattern.flags() & ~understood) != 0) {
      return null;
    }
    return of(pattern.pattern());
  }

  /** The longest required literal of a valid regex, or null (see the class comment). */
  static String of(String regex) {
    String best = null;
    StringBuilder run = new StringBuilder();
    int i = 0;
    int n = regex.length();
    while (i < n) {
      char c = regex.charAt(i);
      int atomEnd;
      char literal;
      if (c == '\\') {
        if (i + 1 >= n) {
          return null;
        }
        char escaped = regex.charAt(i + 1);
        atomEnd = i + 2;
        if (isAsciiLetterOrDigit(escaped)) {
          if (CLASS_ESCAPES.indexOf(escaped) < 0) {
            return null;
          }
          literal = 0;
        } else if (escaped < 128) {
          literal = escaped;
        } else {
          literal = 0;
        }
      } else if (c == '(') {
        if (i + 2 < n && regex.charAt(i + 1) == '?' && isInlineFlag(regex.charAt(i + 2))) {
          return null;
        }
        atomEnd = groupEnd(regex, i);
        literal = 0;
      } else if (c == '[') {
        atomEnd = classEnd(regex, i);
        literal = 0;
      } else if (c == '|' || c == ')' || c == '*' || c == '+' || c == '?' || c == '{') {
        // A top-level alternative, or a character the regex cannot start an atom with.
        return null;
      } else if (c == '.' || c == '^' || c == '$' || c >= 128) {
        atomEnd = i + 1;
        literal = 0;
      } else {
        atomEnd = i + 1;
        literal = c;
      }
      if (atomEnd < 0) {
        return null;
      }
      int quantifierEnd = quantifierEnd(regex, atomEnd);
      if (quantifierEnd < 0) {
        return null;
      }
      boolean quantified = quantifierEnd > atomEnd;
      boolean required = !quantified || regex.charAt(atomEnd) == '+';
      if (literal != 0 && required) {
        run.append(literal);
      }
      if (literal == 0 || quantified) {
        best = longer(best, run);
        run.setLength(0);
      }
      i = quantifierEnd;
    }
    best = longer(best, run);
    return best;
  }

  /**
   * The index of {@code literal} in {@code text} at or after {@code from}, or -1; case-insensitive
   * as described in the class comment.
   */
  public static int indexOf(String text, String literal, int from, boolean ignoreCase) {
    if (!ignoreCase) {
      return text.indexOf(literal, from);
    }
    int last = text.length() - literal.length();
    for (int at = Math.max(0, from); at <= last; at++) {
      if (text.regionMatches(true, at, literal, 0, literal.length())) {
        return at;
      }
    }
    return -1;
  }

  private static String longer(String best, StringBuilder run) {
    return run.length() > 0 && (best == null || run.length() > best.length())
        ? run.toString()
        : best;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** {@code (?i)}, {@code (?-i:...)} and the like change how the rest reads: not understood. */
  private static boolean isInlineFlag(char c) {
    return c == '-' || isAsciiLetterOrDigit(c);
  }

  /** The index after the group opening at {@code open}, or -1. */
  private static int groupEnd(String regex, int open) {
    int depth = 0;
    for (int i = open; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        i = classEnd(regex, i) - 1;
        if (i < 0) {
          return -1;
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * The index after the character class opening at {@code open} (classes nest in Java, and a {@code
   * ]} right after the opening, or after its {@code ^}, is a literal), or -1.
   */
  private static int classEnd(String regex, int open) {
    int depth = 0;
    for (int i = open; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        depth++;
        if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
          i++;
        }
        if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
          i++;
        }
      } else if (c == ']' && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The index after the quantifier starting at {@code at} (itself when there is none), or -1. */
  private static int quantifierEnd(String regex, int at) {
    if (at >= regex.length()) {
      return at;
    }
    char c = regex.charAt(at);
    int end;
    if (c == '?' || c == '*' || c == '+') {
      end = at + 1;
    } else if (c == '{') {
      int close = regex.indexOf('}', at);
      if (close < 0) {
        return -1;
      }
      end = close + 1;
    } else {
      return at;
    }
    if (end < regex.length() && (regex.charAt(end) == '?' || regex.charAt(end) == '+')) {
      end++;
    }
    return end;
  }
}
