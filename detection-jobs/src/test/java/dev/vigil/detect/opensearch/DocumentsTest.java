package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final int LIMIT = Documents.MIN_DEAD_LETTER_BYTES;

  @Test
  void aDeadLetterThatFitsIsItsWholeDocumentWithoutMarkers() {
    DeadLetter letter = deadLetter("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(Documents.deadLetterDocument(letter, LIMIT))
        .isEqualTo(EventJson.toJson(letter).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Three-byte characters: a cut anywhere but between them would leave invalid UTF-8. Three limits
   * a byte apart, so that one of them puts the first cut inside a character.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void aTextRecordIsCutBetweenCharactersToTheLongestStartThatFits(int extra) throws IOException {
    String text = "\u20ac".repeat(3 * LIMIT);
    DeadLetter letter = deadLetter(text.getBytes(StandardCharsets.UTF_8));

    byte[] document = Documents.deadLetterDocument(letter, LIMIT + extra);

    assertThat(document.length).isLessThanOrEqualTo(LIMIT + extra).isGreaterThan(LIMIT - 16);
    JsonNode json = JSON.readTree(document);
    assertThat(json.path("raw_truncated").asBoolean()).isTrue();
    assertThat(json.path("raw_length").asLong()).isEqualTo(9L * LIMIT);
    assertThat(json.has("raw")).as("still text, so cut between characters").isTrue();
    assertThat(json.has("raw_base64")).isFalse();
    String kept = json.path("raw").asText();
    assertThat(kept.length()).isGreaterThan(LIMIT / 4);
    assertThat(text).startsWith(kept);
    assertThat(json.path("reason").asText()).isEqualTo("TOO_LARGE");
  }

  /**
   * Quotes take 2 bytes in JSON and control characters 6, so the first cut is too long and has to
   * shrink; each shrunk cut must still end between characters.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void aTextRecordWhoseJsonEscapesGrowItShrinksToFitBetweenCharacters(int extra)
      throws IOException {
    String text = "\"\u20ac\u0001x".repeat(LIMIT);
    DeadLetter letter = deadLetter(text.getBytes(StandardCharsets.UTF_8));

    byte[] document = Documents.deadLetterDocument(letter, LIMIT + extra);

    assertThat(document.length).isLessThanOrEqualTo(LIMIT + extra).isGreaterThan(LIMIT - 64);
    JsonNode json = JSON.readTree(document);
    assertThat(json.has("raw")).isTrue();
    assertThat(json.has("raw_base64")).isFalse();
    String kept = json.path("raw").asText();
    assertThat(kept.length()).isGreaterThan(LIMIT / 16);
    assertThat(text).startsWith(kept);
    assertThat(json.path("raw_length").asLong()).isEqualTo(6L * LIMIT);
  }

  @Test
  void bytesThatAreNotTextAreCutInTheirBase64Form() throws IOException {
    byte[] raw = new byte[3 * LIMIT];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (0xC0 + i % 7);
    }

    byte[] document = Documents.deadLetterDocument(deadLetter(raw), LIMIT);

    assertThat(document.length).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 16);
    JsonNode json = JSON.readTree(document);
    byte[] kept = Base64.getDecoder().decode(json.path("raw_base64").asText());
    assertThat(kept).isEqualTo(Arrays.copyOf(raw, kept.length));
    assertThat(json.path("raw_length").asLong()).isEqualTo(raw.length);
  }

  /** Text up to its last byte: its start is text, but the record is not, and is kept as bytes. */
  @Test
  void aRecordThatIsNotTextKeepsItsStartAsBytesEvenWhenThatStartIsText() throws IOException {
    byte[] raw = Arrays.copyOf("a".repeat(3 * LIMIT).getBytes(StandardCharsets.UTF_8), 3 * LIMIT);
    raw[raw.length - 1] = (byte) 0xFF;

    byte[] document = Documents.deadLetterDocument(deadLetter(raw), LIMIT);

    assertThat(document.length).isLessThanOrEqualTo(LIMIT).isGreaterThan(LIMIT - 16);
    JsonNode json = JSON.readTree(document);
    assertThat(json.has("raw")).isFalse();
    byte[] kept = Base64.getDecoder().decode(json.path("raw_base64").asText());
    assertThat(kept.length).isGreaterThan(LIMIT / 2);
    assertThat(kept).isEqualTo(Arrays.copyOf(raw, kept.length));
  }

  /** Control characters take 6 bytes each in JSON: such a message alone is over the limit. */
  @Test
  void aMessageOrOriginOverTheLimitIsCutSoTheDocumentStillFits() throws IOException {
    DeadLetter letter =
        DeadLetter.newBuilder(deadLetter("a".repeat(2 * LIMIT).getBytes(StandardCharsets.UTF_8)))
            .setMessage("\u0001".repeat(LIMIT))
            .setOrigin("file:/" + "\"".repeat(LIMIT))
            .build();

    byte[] document = Documents.deadLetterDocument(letter, LIMIT);

    assertThat(document.length).isLessThanOrEqualTo(LIMIT);
    JsonNode json = JSON.readTree(document);
    assertThat(json.path("message").asText())
        .hasSize(Documents.MAX_FIELD_CHARS)
        .startsWith("\u0001\u0001")
        .endsWith("\u2026");
    assertThat(json.path("origin").asText())
        .hasSize(Documents.MAX_FIELD_CHARS)
        .startsWith("file:/\"")
        .endsWith("\u2026");
    assertThat(json.path("raw_length").asLong()).isEqualTo(2L * LIMIT);
    assertThat(json.path("raw").asText().length()).isGreaterThan(LIMIT / 8);
  }

  @Test
  void theDocumentIsAtMostTheBulksMaxBytesButNeverBelowTheLeast() {
    DeadLetter letter = deadLetter(new byte[4 * LIMIT]);
    IndexContract contract = IndexContract.builtIn();
    assertThat(DocumentMapper.deadLetters(contract, 2 * LIMIT).map(letter).json().length)
        .isLessThanOrEqualTo(2 * LIMIT)
        .isGreaterThan(2 * LIMIT - 16);
    assertThat(DocumentMapper.deadLetters(contract, 1024).map(letter).json().length)
        .isLessThanOrEqualTo(LIMIT)
        .isGreaterThan(LIMIT - 16);
  }

  private static DeadLetter deadLetter(byte[] raw) {
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw))
        .setReason(DeadLetterReason.TOO_LARGE)
        .setMessage("record is " + raw.length + " bytes, over the limit of 8388608")
        .setOrigin("kafka:audit.raw.vault/0@3")
        .setSourceGuess(Source.VAULT)
        .setReceivedAt(Instant.parse("2031-06-02T08:30:00Z"))
        .build();
  }

  @ParameterizedTest
  @CsvSource({"informational,1", "low,2", "medium,3", "high,4", "critical,5"})
  void theAlertDocumentIsTheAlertPlusItsSeverityRankAndWhenItWasIndexed(String severity, int rank)
      throws IOException {
    String alertJson = AlertJson.toJson(alert(severity));

    ObjectNode document =
        (ObjectNode)
            JSON.readTree(
                Documents.alertDocument(
                    alertJson, severity, Instant.parse("2031-06-02T08:30:00Z")));

    assertThat(document.path("severity_rank").asInt()).isEqualTo(rank);
    assertThat(document.path("indexed_at").asText())
        .as("milliseconds always, like an event's time")
        .isEqualTo("2031-06-02T08:30:00.000Z");
    document.remove(List.of("severity_rank", "indexed_at"));
    assertThat(document).isEqualTo(JSON.readTree(alertJson));
    JsonNode group = document.path("group");
    assertThat(group.fieldNames()).toIterable().containsExactly("actor.id", "src.ip");
  }

  private static Alert alert(String severity) {
    Map<String, String> group = new LinkedHashMap<>();
    group.put("actor.id", "arn:aws:iam::123456789012:root");
    group.put("src.ip", "192.0.2.44");
    Instant time = Instant.parse("2031-06-01T12:05:00Z");
    return new Alert(
        "a1",
        "r1",
        "root_token_use",
        "Root credential used",
        1,
        "Vigil",
        "root_token_use",
        severity,
        time,
        time,
        time,
        group,
        List.of("AWS_CLOUDTRAIL"),
        List.of("e1"),
        1,
        "root used",
        List.of());
  }
}
