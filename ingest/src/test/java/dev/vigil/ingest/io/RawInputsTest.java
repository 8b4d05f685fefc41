package dev.vigil.ingest.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RawRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class RawInputsTest {

  private static final String CORPUS_FILE = "azure/panther_azure_monitor_activity_rule_tests.jsonl";

  @Test
  void aCutOffGzipFileGivesItsCompleteRecordsThenOneRecordWithTheFailure() throws IOException {
    byte[] content = Files.readAllBytes(CorpusRun.file(CORPUS_FILE));
    byte[] gzip = gzip(content);
    List<RawRecord> whole = split(new ByteArrayInputStream(content));

    List<RawRecord> cut = split(RawInputs.decompressed(prefix(gzip, gzip.length / 2)));

    RawRecord last = cut.get(cut.size() - 1);
    List<RawRecord> complete = cut.subList(0, cut.size() - 1);
    assertThat(complete).isNotEmpty().allMatch(record -> record.readFailure() == null);
    assertThat(complete).isEqualTo(whole.subList(0, complete.size()));
    RawRecord brokenOff = whole.get(complete.size());
    assertThat(last.origin()).isEqualTo(brokenOff.origin());
    assertThat(last.readFailure())
        .startsWith("the gzip file is cut off")
        .contains("reading stopped after byte ")
        .contains(" of the decompressed data");
    assertThat(brokenOff.bytes()).startsWith(last.bytes());
    assertThat(last.bytes().length).isLessThan(brokenOff.bytes().length);
  }

  @Test
  void aCutBetweenRecordsGivesAnEmptyRecordAtTheNextLine() throws IOException {
    byte[] gzip = gzip(bytes("{\"a\":1}\n{\"b\":2}\n"));

    List<RawRecord> records = split(RawInputs.decompressed(prefix(gzip, gzip.length - 4)));

    assertThat(records).hasSize(3);
    assertThat(records.get(1).readFailure()).isNull();
    assertThat(records.get(2).bytes()).isEmpty();
    assertThat(records.get(2).origin()).isEqualTo("f.gz:3");
    assertThat(records.get(2).readFailure()).startsWith("the gzip file is cut off");
  }

  @Test
  void aWrongChecksumIsCorrupt() throws IOException {
    byte[] gzip = gzip(bytes("{\"a\":1}\n"));
    gzip[gzip.length - 8] ^= 1;

    List<RawRecord> records = split(RawInputs.decompressed(new ByteArrayInputStream(gzip)));

    assertThat(records).hasSize(2);
    assertThat(records.get(1).readFailure())
        .startsWith("the gzip data is corrupt (its checksum does not match)");
  }

  @Test
  void damagedCompressedDataIsCorrupt() throws IOException {
    byte[] gzip = gzip(bytes("{\"a\":1}\n".repeat(1000)));
    Arrays.fill(gzip, 12, 40, (byte) 0xFF);

    List<RawRecord> records = split(RawInputs.decompressed(new ByteArrayInputStream(gzip)));

    assertThat(records.get(records.size() - 1).readFailure())
        .startsWith("the gzip data is corrupt");
  }

  @Test
  void bytesAfterTheLastMemberThatAreNotGzipAreReported() throws IOException {
    byte[] gzip = gzip(bytes("{\"a\":1}\n"));
    byte[] withGarbage = concat(gzip, bytes("{\"b\":2}\n"));

    List<RawRecord> records = split(RawInputs.decompressed(new ByteArrayInputStream(withGarbage)));

    assertThat(records).hasSize(2);
    assertThat(records.get(0).readFailure()).isNull();
    assertThat(records.get(1).bytes()).isEmpty();
    assertThat(records.get(1).readFailure())
        .contains("bytes that are not gzip (from byte " + gzip.length + " of the file)");
  }

  @Test
  void readsConcatenatedMembersAndIgnoresZeroPadding() throws IOException {
    byte[] twoMembers =
        concat(concat(gzip(bytes("{\"a\":1}\n")), gzip(bytes("{\"b\":2}\n"))), new byte[512]);

    List<RawRecord> records = split(RawInputs.decompressed(new ByteArrayInputStream(twoMembers)));

    assertThat(records)
        .extracting(record -> new String(record.bytes(), StandardCharsets.UTF_8))
        .containsExactly("{\"a\":1}", "{\"b\":2}");
    assertThat(records).allMatch(record -> record.readFailure() == null);
  }

  @Test
  void anIoErrorInAPlainFileEndsItWithTheRecordItBrokeOff() throws IOException {
    InputStream failing =
        new SequenceInputStream(
            new ByteArrayInputStream(bytes("{\"a\":1}\n{\"b\":")),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("Input/output error");
              }
            });

    List<RawRecord> records = split(RawInputs.decompressed(failing));

    assertThat(records).hasSize(2);
    assertThat(new String(records.get(1).bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"b\":");
    assertThat(records.get(1).origin()).isEqualTo("f.gz:2");
    assertThat(records.get(1).readFailure())
        .isEqualTo("reading the file failed (input/output error); reading stopped after byte 13");
  }

  private static List<RawRecord> split(InputStream in) {
    List<RawRecord> records = new ArrayList<>();
    new RecordSplitter("f.gz", NormalizerLimits.DEFAULTS.maxRecordBytes()).split(in, records::add);
    return records;
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    }
    return out.toByteArray();
  }

  private static InputStream prefix(byte[] bytes, int length) {
    return new ByteArrayInputStream(Arrays.copyOf(bytes, length));
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
