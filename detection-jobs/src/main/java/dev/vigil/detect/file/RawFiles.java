package dev.vigil.detect.file;

import dev.vigil.ingest.RawRecord;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;

/**
 * The bounded file source of the job: files and directories (read recursively, skipping hidden
 * entries and the corpus sidecars {@code *.tsv} and {@code *.md}, as {@code vigil normalize} does).
 */
public final class RawFiles {

  private RawFiles() {}

  /**
   * A source over the inputs, each named in origins as given.
   *
   * @throws NoSuchFileException when an input does not exist (before anything runs)
   */
  public static FileSource<RawRecord> source(List<java.nio.file.Path> inputs)
      throws NoSuchFileException {
    List<RawRecordFormat.InputRoot> roots = new ArrayList<>();
    Path[] paths = new Path[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      java.nio.file.Path input = inputs.get(i);
      if (!Files.exists(input)) {
        throw new NoSuchFileException(input.toString());
      }
      java.nio.file.Path absolute = input.toAbsolutePath().normalize();
      roots.add(new RawRecordFormat.InputRoot(input.toString(), absolute.toString()));
      paths[i] = new Path(absolute.toUri());
    }
    return FileSource.forBulkFileFormat(new RawRecordFormat(roots), paths)
        .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(RawFiles::isInput))
        .build();
  }

  private static boolean isInput(Path path) {
    String name = path.getName();
    return !name.startsWith(".") && !name.endsWith(".tsv") && !name.endsWith(".md");
  }
}
