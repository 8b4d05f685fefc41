package dev.vigil.ingest.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final JsonNode record =
      read(
          "{\"a\":{\"b\":{\"c\":\"deep\"}},\"n\":42,\"s\":\"42\",\"neg\":\"-5\",\"f\":1.5,"
              + "\"t\":true,\"ts\":\"True\",\"fs\":\" false \",\"yes\":\"yes\",\"empty\":\"\","
              + "\"nil\":null,\"arr\":[1],\"obj\":{},\"dotted.key\":\"v\",\"huge\":\"12345678901234567890\"}");

  @Test
  void walksDottedPaths() {
    assertThat(Json.at(record, "a.b.c").asText()).isEqualTo("deep");
    assertThat(Json.at(record, "a.b").isObject()).isTrue();
    assertThat(Json.at(record, "a.x.c").isMissingNode()).isTrue();
    assertThat(Json.at(record, "n.x").isMissingNode()).isTrue();
    assertThat(Json.at(record, "arr.0").isMissingNode()).isTrue();
    assertThat(Json.at(record, "dotted.key").isMissingNode()).isTrue();
    assertThat(record.get("dotted.key").asText()).isEqualTo("v");
  }

  @Test
  void readsScalarsAsText() {
    assertThat(Json.text(record, "a.b.c")).isEqualTo("deep");
    assertThat(Json.text(record, "n")).isEqualTo("42");
    assertThat(Json.text(record, "f")).isEqualTo("1.5");
    assertThat(Json.text(record, "t")).isEqualTo("true");
    assertThat(Json.text(record, "empty")).isNull();
    assertThat(Json.text(record, "nil")).isNull();
    assertThat(Json.text(record, "arr")).isNull();
    assertThat(Json.text(record, "obj")).isNull();
    assertThat(Json.text(record, "missing")).isNull();
  }

  @Test
  void firstTextSkipsAbsentAndEmptyValues() {
    assertThat(Json.firstText(record, "missing", "empty", "nil", "s", "n")).isEqualTo("42");
    assertThat(Json.firstText(record, "missing", "empty")).isNull();
  }

  @Test
  void readsBooleansLeniently() {
    assertThat(Json.bool(record, "t")).isTrue();
    assertThat(Json.bool(record, "ts")).isTrue();
    assertThat(Json.bool(record, "fs")).isFalse();
    assertThat(Json.bool(record, "yes")).isNull();
    assertThat(Json.bool(record, "n")).isNull();
    assertThat(Json.bool(record, "missing")).isNull();
  }

  @Test
  void readsIntegersFromNumbersAndNumericStrings() {
    assertThat(Json.integer(record, "n")).isEqualTo(42L);
    assertThat(Json.integer(record, "s")).isEqualTo(42L);
    assertThat(Json.integer(record, "f")).isNull();
    assertThat(Json.integer(record, "neg")).isNull();
    assertThat(Json.integer(record, "huge")).isNull();
    assertThat(Json.integer(record, "empty")).isNull();
    assertThat(Json.integer(record, "missing")).isNull();
  }

  @Test
  void hasTellsPresentFromAbsentEvenForNull() {
    assertThat(Json.has(record, "nil")).isTrue();
    assertThat(Json.has(record, "a.b.c")).isTrue();
    assertThat(Json.has(record, "a.b.x")).isFalse();
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
