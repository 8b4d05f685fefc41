package dev.vigil.ingest.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.RawRecord;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordSplitterTest {

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  @Test
  void splitsJsonLinesWithTheLineOfEachRecord() throws IOException {
    List<RawRecord> records = split("{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}\n");

    assertThat(texts(records)).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    assertThat(origins(records)).containsExactly("f.log:1", "f.log:2", "f.log:4");
  }

  @Test
  void splitsConcatenatedPrettyPrintedObjects() throws IOException {
    String first = "{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}";
    String second = "{\n\t\"c\" : \"d\"\n}";

    List<RawRecord> records = split(first + "\n" + second + "\n");

    assertThat(texts(records)).containsExactly(first, second);
    assertThat(origins(records)).containsExactly("f.log:1", "f.log:6");
  }

  @Test
  void keepsObjectsThatFollowEachOtherOnOneLineApart() throws IOException {
    assertThat(texts(split("{\"a\":1}{\"b\":2} {\"c\":3}")))
        .containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
  }

  @Test
  void keepsAnArrayWholeEvenWithMembersInColumnZero() throws IOException {
    String array = "[\n{\"a\":1},\n{\"b\":2}\n]";

    assertThat(texts(split(array + "\n{\"c\":3}"))).containsExactly(array, "{\"c\":3}");
  }

  @Test
  void dropsAByteOrderMark() throws IOException {
    byte[] text = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[BOM.length + text.length];
    System.arraycopy(BOM, 0, withBom, 0, BOM.length);
    System.arraycopy(text, 0, withBom, BOM.length, text.length);

    assertThat(texts(split(new ByteArrayInputStream(withBom)))).containsExactly("{\"a\":1}");
  }

  @Test
  void dropsAByteOrderMarkThatArrivesInSeveralReads() throws IOException {
    byte[] text = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[BOM.length + text.length];
    System.arraycopy(BOM, 0, withBom, 0, BOM.length);
    System.arraycopy(text, 0, withBom, BOM.length, text.length);

    // Pipes and decompressors may hand over a byte at a time.
    assertThat(texts(split(trickle(withBom)))).containsExactly("{\"a\":1}");
  }

  @Test
  void keepsCarriageReturnsOutOfRecords() throws IOException {
    List<RawRecord> records = split("{\"a\":1}\r\n{\"b\":\r\n2}\r\n");

    assertThat(texts(records)).containsExactly("{\"a\":1}", "{\"b\":\r\n2}");
    assertThat(origins(records)).containsExactly("f.log:1", "f.log:2");
  }

  @Test
  void cutsGarbageAtTheEndOfItsLine() throws IOException {
    List<RawRecord> records = split("not json at all\n{\"a\":1}\n  ] stray\r\n42\n");

    assertThat(texts(records)).containsExactly("not json at all", "{\"a\":1}", "] stray", "42");
    assertThat(origins(records)).containsExactly("f.log:1", "f.log:2", "f.log:3", "f.log:4");
  }

  @Test
  void aTruncatedJsonLinesRecordLosesOnlyItsOwnLine() throws IOException {
    List<RawRecord> records = split("{\"a\":1}\n{\"b\":{\"c\":\"trunc\n{\"d\":4}\n{\"e\":5}\n");

    assertThat(texts(records))
        .containsExactly("{\"a\":1}", "{\"b\":{\"c\":\"trunc", "{\"d\":4}", "{\"e\":5}");
    assertThat(origins(records)).containsExactly("f.log:1", "f.log:2", "f.log:3", "f.log:4");
  }

  @Test
  void aRecordTruncatedAfterABackslashLosesOnlyItsOwnLine() throws IOException {
    // The cut fell between a backslash and the character it escapes.
    List<RawRecord> records = split("{\"path\":\"C:\\\n{\"d\":4}\n{\"e\":5}\n");

    assertThat(texts(records)).containsExactly("{\"path\":\"C:\\", "{\"d\":4}", "{\"e\":5}");
  }

  @Test
  void aTruncatedPrettyObjectEndsWhereTheNextRecordBegins() throws IOException {
    String truncated = "{\n  \"a\": {\n    \"b\": 1";
    String next = "{\n  \"c\": 2\n}";

    List<RawRecord> records = split(truncated + "\n" + next + "\n");

    assertThat(texts(records)).containsExactly(truncated, next);
    assertThat(origins(records)).containsExactly("f.log:1", "f.log:4");
  }

  @Test
  void aTruncatedRecordAtTheEndOfTheStreamIsStillEmitted() throws IOException {
    assertThat(texts(split("{\"a\":1}\n{\"b\":[1,"))).containsExactly("{\"a\":1}", "{\"b\":[1,");
  }

  @Test
  void ignoresBracesAndEscapedQuotesInsideStrings() throws IOException {
    String tricky = "{\"s\":\"}{ ][ \\\" } \\\\\",\"t\":\"\\\"{\"}";

    assertThat(texts(split(tricky + "\n{\"u\":1}"))).containsExactly(tricky, "{\"u\":1}");
  }

  @Test
  void aColumnZeroBraceInsideAStringDoesNotSplitAPrettyRecord() throws IOException {
    // Not valid JSON (a raw newline in a string), but it must not merge with the next record.
    String broken = "{\"s\":\"line one\n{not a record\"}";

    List<RawRecord> records = split(broken + "\n{\"u\":1}\n");

    assertThat(texts(records)).last().isEqualTo("{\"u\":1}");
  }

  @Test
  void keepsRecordsOverTheLimitUpToTwiceItsSize() throws IOException {
    String big = "{\"a\":\"" + "x".repeat(5000) + "\"}";

    List<RawRecord> records = new ArrayList<>();
    new RecordSplitter("f.log", 1024)
        .split(
            new ByteArrayInputStream((big + "\n{\"b\":1}").getBytes(StandardCharsets.UTF_8)),
            records::add);

    assertThat(records).hasSize(2);
    assertThat(records.get(0).bytes()).hasSize(2048);
    assertThat(texts(records).get(1)).isEqualTo("{\"b\":1}");
  }

  @Test
  void keepsInvalidUtf8BytesAsTheyAre() throws IOException {
    byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    List<RawRecord> records = split(new ByteArrayInputStream(bytes));

    assertThat(records).singleElement().extracting(RawRecord::bytes).isEqualTo(bytes);
  }

  @Test
  void countsTheRecordsItEmits() throws IOException {
    long count =
        new RecordSplitter("f.log", 1 << 20)
            .split(
                new ByteArrayInputStream("{}\n\n  \n[1]\nx\n".getBytes(StandardCharsets.UTF_8)),
                record -> {});

    assertThat(count).isEqualTo(3);
  }

  private static List<RawRecord> split(String text) throws IOException {
    return split(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<RawRecord> split(InputStream in) throws IOException {
    List<RawRecord> records = new ArrayList<>();
    new RecordSplitter("f.log", 1 << 20).split(in, records::add);
    return records;
  }

  private static List<String> texts(List<RawRecord> records) {
    return records.stream().map(r -> new String(r.bytes(), StandardCharsets.UTF_8)).toList();
  }

  private static List<String> origins(List<RawRecord> records) {
    return records.stream().map(RawRecord::origin).toList();
  }

  private static InputStream trickle(byte[] bytes) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return super.read(buffer, offset, Math.min(1, length));
      }
    };
  }
}
