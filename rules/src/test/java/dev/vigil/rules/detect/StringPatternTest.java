package dev.vigil.rules.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Sigma values with inner wildcards: what they match, and that a hostile text costs little. */
class StringPatternTest {

  /**
   * A record's sender chooses its field values and the raw record a keyword searches: a value that
   * holds a wildcard's pieces in order but fails its anchors made the former regex ({@code
   * foo.*bar.*bar.*baz}) backtrack over every split, cubic in the value's length (a 6 KB value took
   * 25 s, this one hours).
   */
  @Test
  void aHostileValueCostsTimeLinearInItsLength() {
    String value = "foo" + "bar".repeat(100_000) + "baz" + "x";
    StringPattern threeWildcards = StringPattern.parse("foo*bar*bar*baz", false);
    StringPattern keyword = StringPattern.parse("foo*bar*baz", false).wrap(true, true);
    String keywordMiss = "foobaz" + "foo".repeat(100_000) + "bar";
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertThat(threeWildcards.matches(value)).isFalse();
          assertThat(threeWildcards.matches(value.substring(0, value.length() - 1))).isTrue();
          assertThat(keyword.matches(keywordMiss)).isFalse();
          assertThat(keyword.matches(keywordMiss + "baz")).isTrue();
        });
  }

  @Test
  void questionMarksAndAnchors() {
    assertThat(StringPattern.parse("a?c", false).matches("abc")).isTrue();
    assertThat(StringPattern.parse("a?c", false).matches("abbc")).isFalse();
    assertThat(StringPattern.parse("a?c", false).matches("ac")).isFalse();
    assertThat(StringPattern.parse("?", false).matches("😀")).isTrue();
    assertThat(StringPattern.parse("a*b*a", false).matches("aba")).isTrue();
    assertThat(StringPattern.parse("a*b*a", false).matches("ab")).isFalse();
    assertThat(StringPattern.parse("ab*ba", false).matches("aba")).isFalse();
    assertThat(StringPattern.parse("Get*Key", false).matches("getaccesskey")).isTrue();
    assertThat(StringPattern.parse("Get*Key", true).matches("getaccesskey")).isFalse();
    assertThat(StringPattern.parse("*a?c*", false).matches("xxABCxx")).isTrue();
  }

  /**
   * The segments match exactly what the regex they replaced matched, folded or cased: the Kelvin
   * sign folds to {@code k}, a supplementary character is one {@code ?}.
   */
  @Test
  void matchesWhatTheRegexTheyReplacedMatched() {
    Random random = new Random(7);
    String textAlphabet = "abkABK\u212A😀";
    int compared = 0;
    while (compared < 20_000) {
      String value = randomText(random, "abkAB*?", 1 + random.nextInt(6));
      if (!hasInnerWildcard(value)) {
        continue;
      }
      String text = randomText(random, textAlphabet, random.nextInt(9));
      boolean cased = random.nextBoolean();
      StringPattern pattern = StringPattern.parse(value, cased);
      assertThat(pattern.matches(text))
          .as("%s on '%s'", pattern, text)
          .isEqualTo(regex(value, cased).matcher(text).matches());
      assertThat(pattern.wrap(true, true).matches(text))
          .as("*%s* on '%s'", pattern, text)
          .isEqualTo(regex("*" + value + "*", cased).matcher(text).matches());
      compared++;
    }
  }

  /** Whether a wildcard remains once the leading and trailing {@code *}s are gone. */
  private static boolean hasInnerWildcard(String value) {
    String inner = value.replaceAll("^\\*+|\\*+$", "");
    return inner.contains("*") || inner.contains("?");
  }

  /** The regex such a value compiled to before: {@code .*} and {@code .} between quoted runs. */
  private static Pattern regex(String value, boolean cased) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c == '*' || c == '?') {
        regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
        literal.setLength(0);
      } else {
        literal.append(c);
      }
    }
    regex.append(Pattern.quote(literal.toString()));
    int flags = Pattern.DOTALL | (cased ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    return Pattern.compile(regex.toString(), flags);
  }

  private static String randomText(Random random, String alphabet, int length) {
    int[] codePoints = alphabet.codePoints().toArray();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return out.toString();
  }
}
