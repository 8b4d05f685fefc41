package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class JsonArraysTest {

  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Test
  void writesWhatJacksonWritesForListsOfStrings() throws Exception {
    List<List<String>> lists = new ArrayList<>();
    lists.add(List.of());
    lists.add(List.of("default", "break-glass"));
    lists.add(Arrays.asList("a", null, ""));
    lists.add(
        List.of(
            "quote \" and backslash \\",
            "controls \n\r\t\b\f \u0000 \u001f \u007f",
            "slash / and unicode é 日本 \u2028 \ud83d\ude00",
            "lone surrogate \ud800"));
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      List<String> list = new ArrayList<>();
      for (int j = random.nextInt(4); j > 0; j--) {
        char[] text = new char[random.nextInt(12)];
        for (int k = 0; k < text.length; k++) {
          // Mostly the characters Jackson escapes, and some it does not.
          text[k] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
        }
        list.add(new String(text));
      }
      lists.add(list);
    }

    for (List<String> list : lists) {
      assertThat(JsonArrays.allStrings(list)).isTrue();
      assertThat(JsonArrays.ofStrings(list)).isEqualTo(JACKSON.writeValueAsString(list));
    }
  }

  @Test
  void avroArraysOfStringsAreWrittenAsJacksonWritesThem() throws Exception {
    // Canonical list fields (actor.policies) arrive as Avro arrays.
    GenericData.Array<String> policies =
        new GenericData.Array<>(2, Schema.createArray(Schema.create(Schema.Type.STRING)));
    policies.add("default");
    policies.add("root");

    assertThat(JsonArrays.ofStrings(policies)).isEqualTo(JACKSON.writeValueAsString(policies));
  }

  @Test
  void listsWithOtherItemsAreLeftToJackson() {
    assertThat(JsonArrays.allStrings(Arrays.asList("a", 1))).isFalse();
    assertThat(JsonArrays.allStrings(List.of(true))).isFalse();
  }
}
