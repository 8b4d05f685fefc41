package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.CorpusRun.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizerTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final Normalizer normalizer =
      Normalizer.builder()
          .parser(TestParser.of(Source.VAULT, "vault_key", 5))
          .parser(TestParser.of(Source.GCP_AUDIT, "gcp_key", 7))
          .limits(new NormalizerLimits(1024, 8))
          .clock(CLOCK)
          .build();

  /** Everything one record gave. */
  private record Result(List<AuditEvent> events, List<DeadLetter> deadLetters) {
    DeadLetter onlyDeadLetter() {
      assertThat(events).isEmpty();
      assertThat(deadLetters).hasSize(1);
      return deadLetters.get(0);
    }
  }

  @Test
  void aRecordOverTheSizeLimitIsTooLarge() {
    String record = "{\"vault_key\":\"" + "x".repeat(1100) + "\"}";

    DeadLetter letter = normalize(record).onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
    assertThat(letter.getMessage()).contains("1116 bytes", "1024").doesNotContain("xxx");
    assertThat(rawText(letter)).isEqualTo(record);
    assertThat(letter.getReceivedAt()).isEqualTo(NOW);
    assertThat(letter.getOrigin()).isEqualTo("test:1");
  }

  @Test
  void invalidUtf8KeepsTheExactBytes() {
    byte[] bytes = {
      '{',
      '"',
      'v',
      'a',
      'u',
      'l',
      't',
      '_',
      'k',
      'e',
      'y',
      '"',
      ':',
      '"',
      (byte) 0xC3,
      '(',
      '"',
      '}'
    };

    DeadLetter letter = normalize(new RawRecord(bytes, "f:3")).onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_UTF8);
    assertThat(letter.getMessage()).isEqualTo("record is not UTF-8 text");
    assertThat(bytes(letter)).isEqualTo(bytes);
    assertThat(letter.getOrigin()).isEqualTo("f:3");
  }

  @Test
  void aGenuineReplacementCharacterIsValidUtf8() {
    Result result = normalize("{\"vault_key\":\"\uFFFD\"}");

    assertThat(result.deadLetters()).isEmpty();
    assertThat(result.events())
        .singleElement()
        .extracting(AuditEvent::getRaw)
        .isEqualTo("{\"vault_key\":\"\uFFFD\"}");
  }

  @Test
  void malformedJsonSaysWhereButNotWhat() {
    DeadLetter truncated = normalize("{\"vault_key\":\"hunter2").onlyDeadLetter();
    DeadLetter stray = normalize("{\"vault_key\":hunter2}").onlyDeadLetter();

    assertThat(truncated.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(truncated.getMessage()).contains("ends before").doesNotContain("hunter2");
    assertThat(stray.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(stray.getMessage()).contains("line 1, column").doesNotContain("hunter2");
  }

  @Test
  void aRecordCutOffByAFailedReadIsDeadLetteredWithTheFailure() {
    byte[] partial = "{\"vault_key\":1".getBytes(StandardCharsets.UTF_8);

    DeadLetter letter =
        normalize(new RawRecord(partial, "trail.gz:7", "the gzip file is cut off"))
            .onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(letter.getMessage()).isEqualTo("the gzip file is cut off");
    assertThat(letter.getOrigin()).isEqualTo("trail.gz:7");
    assertThat(letter.getRaw()).isEqualTo(ByteBuffer.wrap(partial));
  }

  @Test
  void contentAfterTheValueIsMalformed() {
    DeadLetter second = normalize("{\"vault_key\":1} {\"vault_key\":2}").onlyDeadLetter();
    DeadLetter garbage = normalize("{\"vault_key\":1} hunter2").onlyDeadLetter();

    assertThat(second.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(second.getMessage()).contains("after the JSON value");
    assertThat(garbage.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(garbage.getMessage()).doesNotContain("hunter2");
  }

  @Test
  void emptyOrBlankRecordsAreEmptyNotMalformed() {
    // A Kafka tombstone (no value) reaches the normalizer as an empty record.
    DeadLetter tombstone = normalize(new RawRecord(new byte[0], "kafka:raw/0@7")).onlyDeadLetter();
    assertThat(tombstone.getReason()).isEqualTo(DeadLetterReason.EMPTY);
    assertThat(tombstone.getMessage())
        .isEqualTo(
            "the record is empty (a Kafka record without a value, a tombstone, reads as empty)");
    assertThat(tombstone.getOrigin()).isEqualTo("kafka:raw/0@7");
    assertThat(bytes(tombstone)).isEmpty();

    DeadLetter blank = normalize(" \r\n\t").onlyDeadLetter();
    assertThat(blank.getReason()).isEqualTo(DeadLetterReason.EMPTY);
    assertThat(blank.getMessage()).isEqualTo("the record holds only whitespace");
    assertThat(rawText(blank)).isEqualTo(" \r\n\t");
  }

  @Test
  void aRecordStartingWithAByteOrderMarkReadsAsAFileStartingWithOneDoes(@TempDir Path dir)
      throws IOException {
    Normalizer real = Normalizer.builder().clock(CLOCK).build();
    Path corpusFile = CorpusRun.file("azure/msdocs_keyvault_AuditEvent_PT1H_jsonlines.json");
    String line = Files.readAllLines(corpusFile, StandardCharsets.UTF_8).get(0);
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] withBom = concat(bom, line.getBytes(StandardCharsets.UTF_8));

    AuditEvent plain = onlyEvent(normalize(real, RawRecord.of(line, "kafka:raw.azure/0@7")));
    AuditEvent fromKafka =
        onlyEvent(normalize(real, new RawRecord(withBom, "kafka:raw.azure/0@7")));
    Path file =
        Files.write(
            dir.resolve("audit.json"), concat(withBom, "\n".getBytes(StandardCharsets.UTF_8)));
    Outcome fromFile = CorpusRun.normalize(file, real);

    assertThat(fromKafka).isEqualTo(plain);
    assertThat(fromKafka.getRaw()).isEqualTo(line);
    assertThat(fromFile.deadLetters()).isEmpty();
    assertThat(fromFile.events()).hasSize(1);
    assertThat(fromFile.events().get(0).getEventId()).isEqualTo(fromKafka.getEventId());
    assertThat(fromFile.events().get(0).getRaw()).isEqualTo(fromKafka.getRaw());
    // Only a mark at the start is dropped: one anywhere else is still a stray character.
    assertThat(normalize(real, RawRecord.of(" \uFEFF" + line, "t:1")).onlyDeadLetter().getReason())
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
  }

  private static AuditEvent onlyEvent(Result result) {
    assertThat(result.deadLetters()).isEmpty();
    assertThat(result.events()).hasSize(1);
    return result.events().get(0);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  @Test
  void nestingDeeperThanTheLimitIsTooDeep() {
    String deep = "{\"vault_key\":" + "[".repeat(9) + "]".repeat(9) + "}";

    DeadLetter letter = normalize(deep).onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_DEEP);
    assertThat(letter.getMessage()).contains("8 levels");
  }

  @Test
  void anOverlongNumberIsTooLargeWithATrueMessage() {
    DeadLetter letter = normalize("{\"vault_key\":" + "9".repeat(1001) + "}").onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.TOO_LARGE);
    assertThat(letter.getMessage()).doesNotContain("99999").doesNotContain("1024");
  }

  @Test
  void scalarsAreTheWrongType() {
    for (String scalar : List.of("42", "\"text\"", "true", "null")) {
      DeadLetter letter = normalize(scalar).onlyDeadLetter();
      assertThat(letter.getReason()).as(scalar).isEqualTo(DeadLetterReason.WRONG_TYPE);
      assertThat(rawText(letter)).isEqualTo(scalar);
    }
  }

  @Test
  void envelopeMembersThatAreNotObjectsAreTheWrongTypeWithTheirExactText() {
    Result result = normalize("[{\"vault_key\":1}, 5, \"hunter2\", [1, 2], null]");

    assertThat(result.events()).extracting(AuditEvent::getOrigin).containsExactly("test:1#1");
    assertThat(result.deadLetters())
        .extracting(DeadLetter::getReason)
        .containsOnly(DeadLetterReason.WRONG_TYPE);
    assertThat(result.deadLetters())
        .extracting(NormalizerTest::rawText)
        .containsExactly("5", "\"hunter2\"", "[1, 2]", "null");
    assertThat(result.deadLetters())
        .extracting(DeadLetter::getOrigin)
        .containsExactly("test:1#2", "test:1#3", "test:1#4", "test:1#5");
    assertThat(result.deadLetters())
        .extracting(DeadLetter::getMessage)
        .noneMatch(m -> m.contains("hunter2"));
  }

  @Test
  void unknownFormatNamesTheKeysButNotTheValues() {
    DeadLetter letter = normalize("{\"zeta\":\"hunter2\",\"alpha\":{\"beta\":1}}").onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
    assertThat(letter.getMessage()).contains("[alpha, zeta]").doesNotContain("hunter2", "beta");
    assertThat(letter.getSourceGuess()).isNull();
  }

  @Test
  void envelopeMembersKeepTheirExactTextAndNumberedOrigins() {
    String first = "{\n    \"vault_key\" : \"é€😀\",\n    \"n\": [1, {\"x\": null}]\n  }";
    String second = "{\"gcp_key\":\"\\u0041\\\"\"}";
    for (String key : List.of("Records", "records", "value")) {
      String envelope =
          "{\"" + key + "\": [\n  " + first + ",\n  " + second + "\n], \"next\": \"x\"}";

      Result result =
          normalize(new RawRecord(envelope.getBytes(StandardCharsets.UTF_8), "a.json:7"));

      assertThat(result.deadLetters()).as(key).isEmpty();
      assertThat(result.events()).extracting(AuditEvent::getRaw).containsExactly(first, second);
      assertThat(result.events())
          .extracting(AuditEvent::getOrigin)
          .containsExactly("a.json:7#1", "a.json:7#2");
      assertThat(result.events())
          .extracting(AuditEvent::getSource)
          .containsExactly(Source.VAULT, Source.GCP_AUDIT);
    }
  }

  @Test
  void anEnvelopeKeyGivenTwiceUsesTheLastOccurrenceForTreeAndText() {
    Result result =
        normalize("{\"Records\":[{\"vault_key\":1}],\"Records\":[1.5e3,{\"gcp_key\":2}]}");

    assertThat(result.deadLetters()).extracting(NormalizerTest::rawText).containsExactly("1.5e3");
    assertThat(result.events())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getRaw()).isEqualTo("{\"gcp_key\":2}");
              assertThat(event.getSource()).isEqualTo(Source.GCP_AUDIT);
              assertThat(event.getOrigin()).isEqualTo("test:1#2");
            });
  }

  @Test
  void envelopesReadInOnePassOrTwoCutTheSameMembers() {
    // The envelope key first is read in one pass; after another key, or escaped, in two.
    String first = "{ \"vault_key\": [1, \"]\"] }";
    String second = "{\"gcp_key\":\"x\"}";
    for (String envelope :
        List.of(
            " \n{ \"Records\" :\t[" + first + " ,\n" + second + "], \"next\": 1}",
            "{\"next\": {\"a\": [1]}, \"Records\": [" + first + "," + second + "]}",
            "{\"\\u0052ecords\": [" + first + "," + second + "]}")) {
      Result result = normalize(envelope);

      assertThat(result.deadLetters()).as(envelope).isEmpty();
      assertThat(result.events())
          .as(envelope)
          .extracting(AuditEvent::getRaw)
          .containsExactly(first, second);
    }
  }

  @Test
  void aTopLevelArrayIsAnEnvelopeToo() {
    Result result = normalize("[{\"vault_key\":1},{\"gcp_key\":2}]");

    assertThat(result.events())
        .extracting(AuditEvent::getRaw)
        .containsExactly("{\"vault_key\":1}", "{\"gcp_key\":2}");
  }

  @Test
  void anObjectWithAnEnvelopeKeyAndManyOtherKeysIsARecord() {
    Result result = normalize("{\"vault_key\":1,\"value\":[1],\"a\":2}");

    assertThat(result.events())
        .singleElement()
        .extracting(AuditEvent::getOrigin)
        .isEqualTo("test:1");
  }

  @Test
  void detectionPicksTheHighestScore() {
    Result result = normalize("{\"vault_key\":1,\"gcp_key\":2}");

    assertThat(result.events())
        .singleElement()
        .extracting(AuditEvent::getSource)
        .isEqualTo(Source.GCP_AUDIT);
  }

  @Test
  void aForcedSourceSkipsDetection() {
    Normalizer forced =
        Normalizer.builder()
            .parser(TestParser.of(Source.VAULT, "vault_key", 5))
            .parser(TestParser.of(Source.GCP_AUDIT, "gcp_key", 7))
            .forceSource(Source.VAULT)
            .build();

    Result both = normalize(forced, RawRecord.of("{\"vault_key\":1,\"gcp_key\":2}", "t:1"));
    Result unrecognized = normalize(forced, RawRecord.of("{\"other\":1}", "t:1"));

    assertThat(both.events())
        .singleElement()
        .extracting(AuditEvent::getSource)
        .isEqualTo(Source.VAULT);
    assertThat(unrecognized.events())
        .singleElement()
        .extracting(AuditEvent::getSource)
        .isEqualTo(Source.VAULT);
  }

  @Test
  void aRejectedRecordKeepsTheParsersReasonAndSource() {
    Normalizer rejecting =
        Normalizer.builder()
            .parser(
                TestParser.failing(
                    Source.AWS_CLOUDTRAIL,
                    "eventVersion",
                    new RecordRejectedException(
                        DeadLetterReason.NOT_AN_AUDIT_EVENT, "a digest file")))
            .build();

    DeadLetter letter =
        normalize(rejecting, RawRecord.of("{\"eventVersion\":1}", "t:1")).onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.NOT_AN_AUDIT_EVENT);
    assertThat(letter.getMessage()).isEqualTo("a digest file");
    assertThat(letter.getSourceGuess()).isEqualTo(Source.AWS_CLOUDTRAIL);
  }

  @Test
  void aParserBugIsAnInternalErrorThatDoesNotRepeatTheExceptionMessage() {
    Normalizer buggy =
        Normalizer.builder()
            .parser(
                TestParser.failing(
                    Source.AZURE_MONITOR,
                    "records_key",
                    new IllegalStateException("token hunter2")))
            .build();

    DeadLetter letter =
        normalize(buggy, RawRecord.of("{\"records_key\":1}", "t:9")).onlyDeadLetter();

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INTERNAL_ERROR);
    assertThat(letter.getMessage())
        .contains("AZURE_MONITOR", "IllegalStateException")
        .doesNotContain("hunter2");
    assertThat(letter.getSourceGuess()).isEqualTo(Source.AZURE_MONITOR);
    assertThat(rawText(letter)).isEqualTo("{\"records_key\":1}");
  }

  @Test
  void aFailureOfTheOutputPropagatesAndDeadLettersNothing() {
    List<DeadLetter> deadLetters = new ArrayList<>();
    UncheckedIOException full = new UncheckedIOException(new IOException("No space left"));
    NormalizeOutput failing =
        new NormalizeOutput() {
          @Override
          public void event(AuditEvent event) {
            throw full;
          }

          @Override
          public void deadLetter(DeadLetter deadLetter) {
            deadLetters.add(deadLetter);
          }
        };

    assertThatThrownBy(
            () -> normalizer.normalize(RawRecord.of("{\"vault_key\":1}", "t:1"), failing))
        .isSameAs(full);
    assertThatThrownBy(
            () ->
                normalizer.normalize(
                    RawRecord.of("{\"Records\":[{\"vault_key\":1},{\"gcp_key\":2}]}", "t:2"),
                    failing))
        .isSameAs(full);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void theBuilderRefusesAmbiguousOrImpossibleSetups() {
    assertThatThrownBy(
            () ->
                Normalizer.builder()
                    .parser(TestParser.of(Source.VAULT, "a", 1))
                    .parser(TestParser.of(Source.VAULT, "b", 1))
                    .build())
        .hasMessageContaining("two parsers for VAULT");
    assertThatThrownBy(
            () ->
                Normalizer.builder()
                    .parser(TestParser.of(Source.VAULT, "a", 1))
                    .forceSource(Source.GCP_AUDIT)
                    .build())
        .hasMessageContaining("no parser for the forced source GCP_AUDIT");
  }

  private Result normalize(String text) {
    return normalize(RawRecord.of(text, "test:1"));
  }

  private Result normalize(RawRecord record) {
    return normalize(normalizer, record);
  }

  private static Result normalize(Normalizer normalizer, RawRecord record) {
    CollectingOutput out = new CollectingOutput();
    normalizer.normalize(record, out);
    return new Result(out.events(), out.deadLetters());
  }

  private static byte[] bytes(DeadLetter letter) {
    ByteBuffer raw = letter.getRaw().duplicate();
    byte[] bytes = new byte[raw.remaining()];
    raw.get(bytes);
    return bytes;
  }

  private static String rawText(DeadLetter letter) {
    return new String(bytes(letter), StandardCharsets.UTF_8);
  }
}
