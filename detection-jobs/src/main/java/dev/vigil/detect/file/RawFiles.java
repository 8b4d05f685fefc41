package dev.vigil.detect.file;

import dev.vigil.ingest.RawRecord;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;

/**
 * The bounded file source of the job: files and directories (read recursively, skipping hidden
 * entries and the corpus sidecars {@code *.tsv} and {@code *.md}, as {@code vigil normalize} does).
 *
 * <p>Files are handed out in path order, compared name by name (a directory's files in name order,
 * depth first), whatever order the file system lists them in: read by one reader, the input is then
 * one fixed sequence of records, which a bounded run needs for its alerts not to depend on
 * scheduling (see {@link dev.vigil.detect.JobOptions#orderedInput}). Flink's default assigners hand
 * out splits in no defined order. With several readers, each asks for its next file when done with
 * the last, so which reader gets which file still varies.
 */
public final class RawFiles {

  private RawFiles() {}

  /**
   * A source over the inputs, each named in origins as its path here.
   *
   * @throws NoSuchFileException when an input does not exist (before anything runs)
   */
  public static FileSource<RawRecord> source(List<java.nio.file.Path> inputs)
      throws NoSuchFileException {
    return source(inputs, inputs.stream().map(java.nio.file.Path::toString).toList());
  }

  /**
   * A source over the inputs, each named in origins by its name, as {@code vigil normalize} names
   * it: a file {@code <name>:<line>}, a file below a directory {@code <path relative to the
   * directory>:<line>}. The names are the paths as the user typed them: Flink reads absolute paths,
   * and a relative one given by the user must not become the host's absolute path in every event.
   *
   * @param names one per input
   * @throws NoSuchFileException when an input does not exist (before anything runs)
   */
  public static FileSource<RawRecord> source(List<java.nio.file.Path> inputs, List<String> names)
      throws NoSuchFileException {
    if (names.size() != inputs.size()) {
      throw new IllegalArgumentException("one name per input");
    }
    List<RawRecordFormat.InputRoot> roots = new ArrayList<>();
    Path[] paths = new Path[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      java.nio.file.Path input = inputs.get(i);
      if (!Files.exists(input)) {
        throw new NoSuchFileException(names.get(i));
      }
      java.nio.file.Path absolute = input.toAbsolutePath().normalize();
      roots.add(new RawRecordFormat.InputRoot(names.get(i), absolute.toString()));
      paths[i] = new Path(absolute.toUri());
    }
    return FileSource.forBulkFileFormat(new RawRecordFormat(roots), paths)
        .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(RawFiles::isInput))
        .setSplitAssigner(InPathOrder::new)
        .build();
  }

  /** Hands out the files in path order (see the class comment). */
  static final class InPathOrder implements FileSplitAssigner {

    private final TreeSet<FileSourceSplit> remaining = new TreeSet<>(IN_PATH_ORDER);

    InPathOrder(Collection<FileSourceSplit> splits) {
      remaining.addAll(splits);
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
      return Optional.ofNullable(remaining.pollFirst());
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> splits) {
      remaining.addAll(splits);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
      return new ArrayList<>(remaining);
    }
  }

  /** By path, name by name; then by split id (a file given twice is two splits, both read). */
  static final Comparator<FileSourceSplit> IN_PATH_ORDER =
      Comparator.comparing(
              (FileSourceSplit split) -> split.path().toUri().getPath(), RawFiles::byName)
          .thenComparing(FileSourceSplit::splitId);

  private static int byName(String a, String b) {
    String[] left = a.split("/", -1);
    String[] right = b.split("/", -1);
    return Arrays.compare(left, right);
  }

  private static boolean isInput(Path path) {
    String name = path.getName();
    return !name.startsWith(".") && !name.endsWith(".tsv") && !name.endsWith(".md");
  }
}
