package dev.vigil.detect.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.RawRecord;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawRecordFormatTest {

  private static final String RECORDS =
      "{\"a\":1}\n{\"b\":\n  2}\nnot json\n" + "{\"c\":3}\n".repeat(600);

  @TempDir Path dir;

  @Test
  void readsRecordsWithOriginsRelativeToTheDirectoryGiven() throws Exception {
    Path file = Files.createDirectories(dir.resolve("logs/cloudtrail")).resolve("a.json");
    Files.writeString(file, RECORDS);
    RawRecordFormat format =
        new RawRecordFormat(
            List.of(new RawRecordFormat.InputRoot("logs", dir.resolve("logs").toString())));

    List<Read> records = readAll(format.createReader(new Configuration(), split(file, null)));

    assertThat(records).hasSize(603);
    assertThat(records.get(0).record().origin()).isEqualTo("cloudtrail/a.json:1");
    assertThat(records.get(1).record().origin()).isEqualTo("cloudtrail/a.json:2");
    assertThat(new String(records.get(1).record().bytes(), StandardCharsets.UTF_8))
        .isEqualTo("{\"b\":\n  2}");
    assertThat(records.get(2).record().origin()).isEqualTo("cloudtrail/a.json:4");
    // Each record's position says how many records precede the next one.
    assertThat(records.get(602).skip()).isEqualTo(603);
  }

  @Test
  void readsGzipByItsContentAndResumesAfterTheCheckpointedRecord() throws Exception {
    Path file = dir.resolve("trail.log");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(RECORDS.getBytes(StandardCharsets.UTF_8));
    }
    RawRecordFormat format =
        new RawRecordFormat(List.of(new RawRecordFormat.InputRoot("trail.log", file.toString())));

    List<Read> all = readAll(format.createReader(new Configuration(), split(file, null)));
    List<Read> resumed =
        readAll(
            format.restoreReader(
                new Configuration(),
                split(file, new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 300))));

    assertThat(all).hasSize(603);
    assertThat(all.get(0).record().origin()).isEqualTo("trail.log:1");
    assertThat(resumed).hasSize(303);
    assertThat(resumed.get(0).record()).isEqualTo(all.get(300).record());
    assertThat(resumed.get(0).skip()).isEqualTo(301);
  }

  @Test
  void aCutOffGzipFileEndsWithOneRecordCarryingTheFailureInsteadOfFailingTheJob() throws Exception {
    Path whole = dir.resolve("whole.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
      // Records that differ, so that half of the compressed file holds many of them.
      for (int i = 0; i < 2000; i++) {
        out.write(
            ("{\"id\":\""
                    + UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)})
                    + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] gzip = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.log.gz"), Arrays.copyOf(gzip, gzip.length / 2));
    RawRecordFormat format =
        new RawRecordFormat(List.of(new RawRecordFormat.InputRoot("in", dir.toString())));

    List<RawRecord> all =
        readAll(format.createReader(new Configuration(), split(whole, null))).stream()
            .map(Read::record)
            .toList();
    List<RawRecord> read =
        readAll(format.createReader(new Configuration(), split(cut, null))).stream()
            .map(Read::record)
            .toList();

    RawRecord last = read.get(read.size() - 1);
    List<RawRecord> complete = read.subList(0, read.size() - 1);
    assertThat(complete)
        .isNotEmpty()
        .allSatisfy(record -> assertThat(record.readFailure()).isNull())
        .extracting(RawRecord::bytes)
        .containsExactlyElementsOf(
            all.subList(0, complete.size()).stream().map(RawRecord::bytes).toList());
    assertThat(last.origin()).startsWith("cut.log.gz:");
    assertThat(last.readFailure()).startsWith("the gzip file is cut off");
  }

  private record Read(RawRecord record, long skip) {}

  private static FileSourceSplit split(Path file, CheckpointedPosition position) throws Exception {
    return new FileSourceSplit(
        "0",
        new org.apache.flink.core.fs.Path(file.toUri()),
        0,
        Files.size(file),
        0,
        Files.size(file),
        new String[0],
        position);
  }

  private static List<Read> readAll(BulkFormat.Reader<RawRecord> reader) throws Exception {
    List<Read> out = new ArrayList<>();
    try (reader) {
      BulkFormat.RecordIterator<RawRecord> batch;
      while ((batch = reader.readBatch()) != null) {
        RecordAndPosition<RawRecord> next;
        while ((next = batch.next()) != null) {
          out.add(new Read(next.getRecord(), next.getRecordSkipCount()));
        }
        batch.releaseBatch();
      }
    }
    return out;
  }
}
