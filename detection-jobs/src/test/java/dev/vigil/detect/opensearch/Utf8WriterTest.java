package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8WriterTest {

  private static final String MIXED =
      "ascii é ß \u6771\u4eac \uD83D\uDD11 \u20ac \u007f\u0080\u07ff\u0800\uffff end";

  @Test
  void encodesAsStringGetBytesDoes() throws Exception {
    for (String text :
        new String[] {MIXED, "", "plain ascii", "\u00e9 first", "last \u00e9", "\uD83D\uDD11x"}) {
      Utf8Writer strings = new Utf8Writer(1);
      strings.write(text);
      assertThat(strings.toByteArray()).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
      Utf8Writer arrays = new Utf8Writer(1);
      arrays.write(text.toCharArray());
      assertThat(arrays.toByteArray()).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void joinsASurrogatePairSplitAcrossWrites() throws Exception {
    char[] chars = MIXED.toCharArray();
    int high = MIXED.indexOf('\uD83D');
    Utf8Writer writer = new Utf8Writer(4);
    writer.write(chars, 0, high + 1);
    writer.write(chars, high + 1, chars.length - high - 1);
    assertThat(writer.toByteArray()).isEqualTo(MIXED.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void replacesASurrogateWithoutItsOtherHalfWithAQuestionMark() throws Exception {
    for (String broken : new String[] {"a\uD83Db", "a\uDD11b", "a\uD83D", "\uD83D\uD83D\uDD11"}) {
      Utf8Writer writer = new Utf8Writer(16);
      for (char c : broken.toCharArray()) {
        writer.write(c);
      }
      assertThat(writer.toByteArray())
          .as(broken)
          .isEqualTo(broken.getBytes(StandardCharsets.UTF_8));
      Utf8Writer whole = new Utf8Writer(16);
      whole.write(broken.toCharArray());
      assertThat(whole.toByteArray()).as(broken).isEqualTo(broken.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void writesPartsOfStringsAndArrays() throws Exception {
    Utf8Writer writer = new Utf8Writer(16);
    writer.write("xx\u00e9yy", 2, 2);
    writer.write("-\uD83D\uDD11-".toCharArray(), 1, 2);
    assertThat(writer.toByteArray())
        .isEqualTo("\u00e9y\uD83D\uDD11".getBytes(StandardCharsets.UTF_8));
  }
}
