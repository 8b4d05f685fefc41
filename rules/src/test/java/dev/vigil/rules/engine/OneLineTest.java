package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneLineTest {

  private static final String FACE = "\uD83D\uDE00"; // one character, two chars in Java

  @Test
  void shortValuesStayWholeOnOneLine() {
    assertThat(OneLine.cutEnd("a\nb\rc", 10)).isEqualTo("a b c");
    assertThat(OneLine.cutMiddle("abcdef", 6)).isEqualTo("abcdef");
  }

  @Test
  void cutEndKeepsTheStart() {
    assertThat(OneLine.cutEnd("abcdefghij", 5)).isEqualTo("abcd…");
  }

  @Test
  void cutMiddleKeepsAThirdFromTheStartAndTheRestFromTheEnd() {
    assertThat(OneLine.cutMiddle("abcdefghijklmnop", 9)).isEqualTo("abc…lmnop");
  }

  @Test
  void cutEndNeverHalvesASurrogatePair() {
    String cut = OneLine.cutEnd("abc" + FACE + "defgh", 5);
    assertThat(cut).isEqualTo("abc…");
    assertThat(hasLoneSurrogate(cut)).isFalse();
  }

  @Test
  void cutMiddleNeverHalvesASurrogatePairAtEitherCut() {
    // head = 3 would split the pair at 2..3; the tail would start inside the pair at the end.
    String value = "ab" + FACE + "cdefghijklmn" + FACE + "op";
    for (int max = 5; max < value.length(); max++) {
      String cut = OneLine.cutMiddle(value, max);
      assertThat(hasLoneSurrogate(cut)).as("max %d: %s", max, cut).isFalse();
      assertThat(cut.length()).as("max %d", max).isLessThanOrEqualTo(max);
      assertThat(cut).contains("…");
    }
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))) {
        return true;
      }
      if (Character.isLowSurrogate(c)
          && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
        return true;
      }
    }
    return false;
  }
}
