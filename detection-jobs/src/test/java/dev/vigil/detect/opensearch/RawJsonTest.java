package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jacksonWritesTheBytesAsTheyAreAmongOtherValues() throws Exception {
    String small = "{\"a\":\"\u00e9\\\"\"}";
    // Larger than the generator's buffer, so it goes around the buffer instead of into it.
    String large = "{\"raw\":\"" + "\u6771x".repeat(20_000) + "\"}";
    byte[] written =
        JSON.writeValueAsBytes(
            List.of(
                new RawValue(new RawJson(small.getBytes(StandardCharsets.UTF_8))),
                new RawValue(new RawJson(large.getBytes(StandardCharsets.UTF_8)))));

    assertThat(new String(written, StandardCharsets.UTF_8))
        .isEqualTo("[" + small + "," + large + "]");
  }

  @Test
  void theOtherFormsAgreeWithTheText() throws Exception {
    String text = "{\"k\":\"v\u00e9\"}";
    RawJson json = new RawJson(text.getBytes(StandardCharsets.UTF_8));

    assertThat(json.getValue()).isEqualTo(text);
    assertThat(json.charLength()).isEqualTo(text.length());
    assertThat(new String(json.asQuotedChars())).isEqualTo("{\\\"k\\\":\\\"v\u00e9\\\"}");
    assertThat(new String(json.asQuotedUTF8(), StandardCharsets.UTF_8))
        .isEqualTo("{\\\"k\\\":\\\"v\u00e9\\\"}");

    byte[] room = new byte[64];
    assertThat(json.appendUnquotedUTF8(room, 3)).isEqualTo(json.asUnquotedUTF8().length);
    assertThat(new String(room, 3, json.asUnquotedUTF8().length, StandardCharsets.UTF_8))
        .isEqualTo(text);
    assertThat(json.appendUnquotedUTF8(new byte[4], 0)).as("does not fit").isEqualTo(-1);
    char[] chars = new char[64];
    assertThat(json.appendUnquoted(chars, 1)).isEqualTo(text.length());
    assertThat(new String(chars, 1, text.length())).isEqualTo(text);
    ByteBuffer buffer = ByteBuffer.allocate(64);
    assertThat(json.putUnquotedUTF8(buffer)).isEqualTo(json.asUnquotedUTF8().length);
    assertThat(json.putQuotedUTF8(ByteBuffer.allocate(2))).isEqualTo(-1);
  }
}
