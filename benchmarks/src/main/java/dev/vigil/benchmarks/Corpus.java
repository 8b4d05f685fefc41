package dev.vigil.benchmarks;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.RecordSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared corpus as benchmarks read it: {@code <vigil.shared.dir>/corpus/<source>}, by default
 * {@code ../shared} relative to the working directory (run from the checkout root).
 */
final class Corpus {

  private Corpus() {}

  /** The shared directory (corpus and upstream Sigma rules). */
  static Path sharedDir() {
    return Path.of(System.getProperty("vigil.shared.dir", "../shared"));
  }

  /**
   * The raw records of one corpus folder, split the way the CLI splits files (sidecars skipped).
   */
  static List<RawRecord> records(String source) throws IOException {
    Path folder = sharedDir().resolve("corpus").resolve(source);
    if (!Files.isDirectory(folder)) {
      throw new IllegalStateException(
          "corpus folder not found: " + folder.toAbsolutePath() + " (set -Dvigil.shared.dir)");
    }
    List<RawRecord> split = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".tsv") || name.endsWith(".md")) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          new RecordSplitter(name, NormalizerLimits.DEFAULTS.maxRecordBytes())
              .split(in, split::add);
        }
      }
    }
    return split;
  }

  /** The canonical events of the given corpus folders (dead letters dropped). */
  static List<AuditEvent> events(List<String> sources) throws IOException {
    Normalizer normalizer = Normalizer.create();
    List<AuditEvent> events = new ArrayList<>();
    NormalizeOutput output =
        new NormalizeOutput() {
          @Override
          public void event(AuditEvent event) {
            events.add(event);
          }

          @Override
          public void deadLetter(DeadLetter deadLetter) {}
        };
    for (String source : sources) {
      for (RawRecord record : records(source)) {
        normalizer.normalize(record, output);
      }
    }
    return events;
  }
}
