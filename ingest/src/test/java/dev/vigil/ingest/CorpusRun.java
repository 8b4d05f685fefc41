package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.io.RecordSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the shared sample corpus ({@code ../shared/corpus/} beside the checkout, or the directory
 * named by {@code vigil.shared.dir}) the way {@code vigil normalize} does. A missing corpus fails
 * the test: a corpus test that skips proves nothing.
 */
public final class CorpusRun {

  private CorpusRun() {}

  /** Everything one file gave: events and dead letters, in input order. */
  public record Outcome(Path file, List<AuditEvent> events, List<DeadLetter> deadLetters) {
    public int total() {
      return events.size() + deadLetters.size();
    }
  }

  public static Path sharedDir() {
    String configured = System.getProperty("vigil.shared.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared");
    if (!Files.isDirectory(dir.resolve("corpus")) && configured == null) {
      dir = Path.of("..", "..", "shared");
    }
    assertThat(dir.resolve("corpus"))
        .as("the shared corpus (set -Dvigil.shared.dir or put shared/ beside the checkout)")
        .isDirectory();
    return dir.normalize();
  }

  /**
   * The corpus folder of one source: {@code vault}, {@code cloudtrail}, {@code azure}, {@code gcp}.
   */
  public static Path corpusDir(String folder) {
    Path dir = sharedDir().resolve("corpus").resolve(folder);
    assertThat(dir).as("corpus folder " + folder).isDirectory();
    return dir;
  }

  /** The record files of a corpus folder (recursively), without the index sidecars and notes. */
  public static List<Path> files(String folder) {
    try (Stream<Path> walk = Files.walk(corpusDir(folder))) {
      List<Path> files =
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().endsWith(".tsv"))
              .filter(p -> !p.getFileName().toString().endsWith(".md"))
              .sorted()
              .toList();
      assertThat(files).as("record files in corpus folder " + folder).isNotEmpty();
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One corpus file by name relative to {@code corpus/}, e.g. {@code vault/x.log}. */
  public static Path file(String relative) {
    Path file = sharedDir().resolve("corpus").resolve(relative);
    assertThat(file).as("corpus file " + relative).isRegularFile();
    return file;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The record objects of a corpus file as the normalizer meets them: split into raw records,
   * arrays and envelopes ({@code Records}, {@code records}, {@code value} with at most one other
   * key) unwrapped; raw records that are not JSON are left out, since no parser sees them.
   */
  public static List<ObjectNode> recordObjects(Path file) {
    List<ObjectNode> records = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      new RecordSplitter(file.getFileName().toString(), NormalizerLimits.DEFAULTS.maxRecordBytes())
          .split(
              in,
              raw -> {
                try {
                  collectRecordObjects(JSON.readTree(raw.bytes()), records);
                } catch (IOException e) {
                  // Not JSON: a dead letter, never a parser's input.
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  private static void collectRecordObjects(JsonNode node, List<ObjectNode> into) {
    if (node == null) {
      return;
    }
    if (node.isArray()) {
      node.forEach(member -> collectRecordObjects(member, into));
      return;
    }
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (String envelope : List.of("Records", "records", "value")) {
      if (object.path(envelope).isArray() && object.size() <= 2) {
        collectRecordObjects(object.get(envelope), into);
        return;
      }
    }
    into.add(object);
  }

  /** Normalizes a whole file; origins are {@code <file name>:<line>[#n]}. */
  public static Outcome normalize(Path file, Normalizer normalizer) {
    CollectingOutput out = new CollectingOutput();
    try (InputStream in = Files.newInputStream(file)) {
      new RecordSplitter(file.getFileName().toString(), NormalizerLimits.DEFAULTS.maxRecordBytes())
          .split(in, record -> normalizer.normalize(record, out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Outcome(file, out.events(), out.deadLetters());
  }

  /** Normalizes one record given as text, with origin {@code test:1}. */
  public static Outcome normalizeText(String text, Normalizer normalizer) {
    CollectingOutput out = new CollectingOutput();
    normalizer.normalize(RawRecord.of(text, "test:1"), out);
    return new Outcome(Path.of("test"), out.events(), out.deadLetters());
  }
}
