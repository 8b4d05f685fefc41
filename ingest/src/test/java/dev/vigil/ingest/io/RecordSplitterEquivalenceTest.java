package dev.vigil.ingest.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RawRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link RecordSplitter} to {@link ReferenceRecordSplitter}, the byte-at-a-time algorithm it
 * replaced: the same records, byte for byte, with the same origins, on generated inputs of every
 * shape the splitter meets and on the whole shared corpus, whatever the lengths of the reads.
 */
class RecordSplitterEquivalenceTest {

  private static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final int[] CAPS = {-1, 0, 1, 3, 17, 64, 300, 4096, 40_000, 1 << 20};
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** Sequences where the splitter's state turns, each meant to straddle a read boundary. */
  private static final List<String> TRICKY =
      List.of(
          "{\"a\":1}\n{\"b\":2}\n",
          "{\"s\":\"}{ ][ \\\" } \\\\\",\"t\":\"\\\"{\"}\n",
          "{\"path\":\"C:\\\n{\"d\":4}\n",
          "{\"b\":{\"c\":\"trunc\n{\"d\":4}\n",
          "{\n  \"a\": {\n    \"b\": 1\n{\n  \"c\": 2\n}\n",
          "[\n{\"a\":1},\n{\"b\":2}\n]\n",
          "{\"a\":1}\r\n{\"b\":\r\n2}\r\n",
          "not json {at} all\r\n  ] stray\n42\n",
          "{\"s\":\"line one\n{not a record\"}\n",
          "{\"e\":\"\\\\\\\\\\\"\\\\\"}{\"f\":\"\\\\\"}[]\n",
          "{\"u\":\"é日本😀\"}\n",
          "\uFEFF{\"bom\":\"inside\"}\n",
          "{}{}[[]]\n\n\t \r\n{\n}\n",
          "{\"q\":\"\\");

  @Test
  void generatedInputsSplitAsTheReferenceDoes() throws IOException {
    SplittableRandom random = new SplittableRandom(20_251_124L);
    Tally tally = new Tally();
    for (int n = 0; n < 3000; n++) {
      long seed = random.nextLong();
      SplittableRandom input = new SplittableRandom(seed);
      byte[] bytes = new Generator(input).generate(input.nextInt(1, 6000));
      int cap = CAPS[input.nextInt(CAPS.length)];
      assertSameRecords(bytes, cap, seed, "generated #" + n, tally);
    }
    for (int n = 0; n < 12; n++) {
      // Large enough for records, and every state, to straddle the 64 KB reads.
      long seed = random.nextLong();
      SplittableRandom input = new SplittableRandom(seed);
      byte[] bytes = new Generator(input).generate(input.nextInt(200_000, 400_000));
      int cap = n % 3 == 0 ? 300 : 1 << 20;
      assertSameRecords(bytes, cap, seed, "large generated #" + n, tally);
    }
    // The generator reached what it is for: no vacuous agreement on inputs of one kind.
    assertThat(tally.records).as("records").isGreaterThan(30_000);
    assertThat(tally.capped).as("records cut at the hard cap").isGreaterThan(5000);
    assertThat(tally.multiLine).as("records over several lines").isGreaterThan(3000);
    assertThat(tally.garbage).as("records that are not JSON").isGreaterThan(10_000);
    assertThat(tally.longerThanARead).as("records longer than a read").isGreaterThan(10);
  }

  @Test
  void everyReadBoundaryInsideTrickySequencesSplitsAsTheReferenceDoes() throws IOException {
    String all = String.join("", TRICKY);
    for (String text : List.of(all, "\uFEFF" + all)) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      for (int cap : new int[] {1, 5, 1 << 20}) {
        List<RawRecord> expected = reference(bytes, cap);
        for (int cut = 0; cut <= bytes.length; cut++) {
          assertThat(split(cutAt(bytes, cut), cap))
              .as("read boundary at byte %d, cap %d", cut, cap)
              .containsExactlyElementsOf(expected);
        }
      }
    }
  }

  @Test
  void trickySequencesAcrossTheBoundaryOfFullReadsSplitAsTheReferenceDoes() throws IOException {
    for (String tricky : TRICKY) {
      byte[] sequence = tricky.getBytes(StandardCharsets.UTF_8);
      // The first read takes 3 bytes (the byte order mark check), the next ones 64 KB each.
      int boundary = 3 + READ_BUFFER_BYTES;
      for (int shift = -sequence.length - 1; shift <= 1; shift++) {
        byte[] bytes = padded(sequence, boundary + shift);
        for (int cap : new int[] {7, 1 << 20}) {
          assertThat(split(new ByteArrayInputStream(bytes), cap))
              .as("%s at byte %d, cap %d", tricky, boundary + shift, cap)
              .containsExactlyElementsOf(reference(bytes, cap));
        }
      }
    }
  }

  @Test
  void theSharedCorpusSplitsAsTheReferenceDoes() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(CorpusRun.sharedDir().resolve("corpus"))) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files).as("corpus files").hasSizeGreaterThan(50);
    SplittableRandom random = new SplittableRandom(7);
    Tally tally = new Tally();
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      for (int cap : new int[] {NormalizerLimits.DEFAULTS.maxRecordBytes(), 256}) {
        assertSameRecords(bytes, cap, random.nextLong(), file.toString(), tally);
      }
    }
    assertThat(tally.records).as("corpus records").isGreaterThan(1000);
  }

  private static void assertSameRecords(
      byte[] bytes, int cap, long readSeed, String what, Tally tally) throws IOException {
    List<RawRecord> expected = reference(bytes, cap);
    assertThat(split(new ByteArrayInputStream(bytes), cap))
        .as("%s, cap %d, full reads", what, cap)
        .containsExactlyElementsOf(expected);
    assertThat(split(choppy(bytes, new SplittableRandom(readSeed)), cap))
        .as("%s, cap %d, short reads (seed %d)", what, cap, readSeed)
        .containsExactlyElementsOf(expected);
    tally.add(expected, cap);
  }

  private static List<RawRecord> split(InputStream in, int cap) throws IOException {
    List<RawRecord> records = new ArrayList<>();
    long count = new RecordSplitter("f.log", cap).split(in, records::add);
    assertThat(count).as("count").isEqualTo(records.size());
    return records;
  }

  private static List<RawRecord> reference(byte[] bytes, int cap) throws IOException {
    List<RawRecord> records = new ArrayList<>();
    long count =
        new ReferenceRecordSplitter("f.log", cap)
            .split(new ByteArrayInputStream(bytes), records::add);
    assertThat(count).as("reference count").isEqualTo(records.size());
    return records;
  }

  /** JSON Lines up to {@code at}, then the sequence, then one more record. */
  private static byte[] padded(byte[] sequence, int at) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(at + sequence.length + 16);
    byte[] line =
        "{\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n".getBytes(StandardCharsets.UTF_8);
    while (out.size() + line.length <= at) {
      out.write(line, 0, line.length);
    }
    while (out.size() < at) {
      out.write(' ');
    }
    out.write(sequence, 0, sequence.length);
    out.writeBytes("{\"after\":1}\n".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** What the reference emitted, to show the generated inputs reach every kind of record. */
  private static final class Tally {
    long records;
    long capped;
    long multiLine;
    long garbage;
    long longerThanARead;

    void add(List<RawRecord> records, int cap) {
      for (RawRecord record : records) {
        byte[] bytes = record.bytes();
        this.records++;
        if ((long) bytes.length == 2L * cap) {
          capped++;
        }
        if (bytes.length > READ_BUFFER_BYTES) {
          longerThanARead++;
        }
        if (bytes[0] != '{' && bytes[0] != '[') {
          garbage++;
        }
        for (byte b : bytes) {
          if (b == '\n') {
            multiLine++;
            break;
          }
        }
      }
    }
  }

  /**
   * Writes random mixes of what audit files hold, sound and broken: JSON Lines, pretty-printed
   * objects, arrays, garbage, truncated records, byte order marks, CRLF, and strings with escapes,
   * raw newlines, multi-byte and invalid UTF-8.
   */
  private static final class Generator {

    private static final String[] WORDS = {
      "a", "time", "auth", "client_token", "Records", "eventName", "path", "x", "日本", "é", "😀"
    };
    private static final byte[] SOUP = {
      '{',
      '}',
      '[',
      ']',
      '"',
      '"',
      '\\',
      '\\',
      '\n',
      '\n',
      '\r',
      ' ',
      '\t',
      ',',
      ':',
      'a',
      '1',
      (byte) 0xEF,
      (byte) 0xBB,
      (byte) 0xBF,
      (byte) 0xC3,
      (byte) 0x80,
      (byte) 0xFF
    };

    private final SplittableRandom random;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Generator(SplittableRandom random) {
      this.random = random;
    }

    byte[] generate(int targetBytes) {
      if (random.nextInt(4) == 0) {
        out.write(BOM, 0, BOM.length);
      }
      while (out.size() < targetBytes) {
        switch (random.nextInt(12)) {
          case 0, 1, 2 -> {
            value(0, false);
            lineEnd();
          }
          case 3 -> {
            prettyObject(0);
            lineEnd();
          }
          case 4 -> {
            array(0, random.nextBoolean());
            lineEnd();
          }
          case 5 -> {
            garbage();
            lineEnd();
          }
          case 6 -> truncated();
          case 7 -> whitespace();
          case 8 -> {
            // Objects back to back on one line.
            for (int k = random.nextInt(1, 4); k > 0; k--) {
              object(0, false);
            }
            lineEnd();
          }
          case 9 -> soup(random.nextInt(1, 40));
          case 10 -> {
            if (random.nextInt(20) == 0) {
              hugeRecord();
            } else {
              value(0, true);
              lineEnd();
            }
          }
          default -> write(TRICKY.get(random.nextInt(TRICKY.size())));
        }
      }
      return out.toByteArray();
    }

    private void value(int depth, boolean pretty) {
      int kind = depth > 4 ? random.nextInt(3) : random.nextInt(6);
      switch (kind) {
        case 0 -> string();
        case 1 -> write(Integer.toString(random.nextInt(-100, 100_000)));
        case 2 -> write(random.nextBoolean() ? "true" : "null");
        case 3, 4 -> {
          if (pretty) {
            prettyObject(depth);
          } else {
            object(depth, false);
          }
        }
        default -> array(depth, pretty);
      }
    }

    private void object(int depth, boolean spaced) {
      write("{");
      for (int k = random.nextInt(5); k > 0; k--) {
        string();
        write(spaced ? ": " : ":");
        value(depth + 1, false);
        if (k > 1) {
          write(spaced ? ", " : ",");
        }
      }
      write("}");
    }

    private void prettyObject(int depth) {
      String indent = "  ".repeat(depth + 1);
      write("{\n");
      for (int k = random.nextInt(5); k > 0; k--) {
        write(random.nextInt(30) == 0 ? "\t" : indent);
        string();
        write(": ");
        value(depth + 1, true);
        write(k > 1 ? ",\n" : "\n");
      }
      write("  ".repeat(depth));
      write("}");
    }

    private void array(int depth, boolean pretty) {
      write("[");
      for (int k = random.nextInt(5); k > 0; k--) {
        if (pretty) {
          // Members in column 0 and not: an array never resyncs.
          write(random.nextBoolean() ? "\n" : "\n  ");
        }
        value(depth + 1, pretty);
        if (k > 1) {
          write(",");
        }
      }
      write(pretty ? "\n]" : "]");
    }

    private void string() {
      write("\"");
      for (int k = random.nextInt(12); k > 0; k--) {
        switch (random.nextInt(16)) {
          case 0 -> write("\\\"");
          case 1 -> write("\\\\");
          case 2 -> write("\\n");
          case 3 -> write("\\u00e9");
          case 4 -> write("{[}]");
          case 5 -> bytes((byte) 0xC3, (byte) 0x28);
          case 6 -> bytes((byte) 0xFF);
          case 7 -> bytes((byte) 0x80, (byte) 0xBF);
          case 8 -> {
            if (random.nextInt(8) == 0) {
              // A raw newline, sometimes right before a column-0 brace.
              write(random.nextBoolean() ? "\n" : "\n{");
            }
          }
          case 9 -> write("\r");
          case 10 -> write("x".repeat(random.nextInt(200)));
          default -> write(WORDS[random.nextInt(WORDS.length)]);
        }
      }
      write("\"");
    }

    private void garbage() {
      String[] starts = {"not json", "}", "]", "\"quoted", "42", "\\", "ERROR: {oops}", "\uFEFF"};
      write(starts[random.nextInt(starts.length)]);
      for (int k = random.nextInt(6); k > 0; k--) {
        write(random.nextBoolean() ? " {\"a\":[" : " text\t");
      }
    }

    /** A record cut off anywhere, even between a backslash and what it escapes. */
    private void truncated() {
      int start = out.size();
      if (random.nextBoolean()) {
        value(0, false);
      } else {
        prettyObject(0);
      }
      byte[] whole = out.toByteArray();
      out.reset();
      out.write(whole, 0, start + random.nextInt(whole.length - start + 1));
      if (random.nextInt(4) != 0) {
        lineEnd();
      }
    }

    private void hugeRecord() {
      write("{\"big\":\"");
      write("y".repeat(random.nextInt(1000, 150_000)));
      write(random.nextBoolean() ? "\"}" : "\\\"\"}");
      lineEnd();
    }

    private void whitespace() {
      String[] blanks = {" ", "\t", "\r", "\n", "\r\n"};
      for (int k = random.nextInt(1, 6); k > 0; k--) {
        write(blanks[random.nextInt(blanks.length)]);
      }
    }

    private void soup(int length) {
      for (int k = 0; k < length; k++) {
        out.write(SOUP[random.nextInt(SOUP.length)]);
      }
    }

    private void lineEnd() {
      int kind = random.nextInt(10);
      write(kind < 6 ? "\n" : kind < 9 ? "\r\n" : "\r");
    }

    private void bytes(byte... bytes) {
      out.write(bytes, 0, bytes.length);
    }

    private void write(String text) {
      out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Reads in random, mostly short, lengths. */
  private static InputStream choppy(byte[] bytes, SplittableRandom random) {
    return new ShortReadInputStream(
        bytes,
        (position, remaining) -> {
          int roll = random.nextInt(10);
          return roll < 7 ? random.nextInt(1, 33) : roll < 9 ? random.nextInt(1, 5000) : remaining;
        });
  }

  /** Reads that never cross byte {@code cut}. */
  private static InputStream cutAt(byte[] bytes, int cut) {
    return new ShortReadInputStream(
        bytes, (position, remaining) -> position < cut ? cut - position : remaining);
  }

  /** Hands the bytes over in reads no longer than {@code readLength} allows at each position. */
  private static final class ShortReadInputStream extends InputStream {
    private final byte[] bytes;
    private final IntBinaryOperator readLength;
    private int position;

    /**
     * @param readLength the longest read at (position, bytes remaining); at least 1
     */
    ShortReadInputStream(byte[] bytes, IntBinaryOperator readLength) {
      this.bytes = bytes;
      this.readLength = readLength;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position == bytes.length) {
        return -1;
      }
      int remaining = bytes.length - position;
      int n = Math.min(Math.min(length, remaining), readLength.applyAsInt(position, remaining));
      System.arraycopy(bytes, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
