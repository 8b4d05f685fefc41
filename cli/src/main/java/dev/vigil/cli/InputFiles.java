package dev.vigil.cli;

import dev.vigil.ingest.io.RawInputs;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Turns the INPUT arguments into the list of streams to read, before anything is read, so a typo in
 * the third argument fails the command before any output is written.
 *
 * <p>A directory is read recursively in name order, skipping hidden entries (names starting with
 * {@code .}), the corpus sidecars {@code *.tsv} and {@code *.md}, and symbolic links to directories
 * (which could loop). Gzip is recognized by its magic bytes, whatever the file name. A directory
 * that gives no input file at all fails the command: it is almost always a wrong path.
 */
final class InputFiles {

  /** Name used in origins for standard input. */
  static final String STDIN_NAME = "stdin";

  /**
   * One stream to read.
   *
   * @param name the origin name: the path as given, or the path relative to a directory argument
   * @param path the file, or null for standard input
   */
  record Input(String name, Path path) {
    boolean isStdin() {
      return path == null;
    }
  }

  private InputFiles() {}

  static List<Input> expand(List<String> arguments, CliEnvironment env) throws IOException {
    List<Input> inputs = new ArrayList<>();
    boolean stdinSeen = false;
    for (String argument : arguments) {
      if (argument.equals("-")) {
        if (stdinSeen) {
          throw new CommandFailedException("standard input '-' is given more than once");
        }
        stdinSeen = true;
        inputs.add(new Input(STDIN_NAME, null));
        continue;
      }
      Path path = env.resolve(argument);
      if (Files.isDirectory(path)) {
        int before = inputs.size();
        Skipped skipped = new Skipped();
        collect(path, path, inputs, skipped);
        if (inputs.size() == before) {
          // Almost certainly a wrong path; reading nothing and exiting 0 would hide it.
          throw new CommandFailedException(
              "no input files in "
                  + argument
                  + " ("
                  + skipped
                  + "); give the files or the"
                  + " directory that holds the audit logs");
        }
      } else if (Files.isRegularFile(path)) {
        requireReadable(path, argument);
        inputs.add(new Input(argument, path));
      } else if (Files.exists(path)) {
        throw new CommandFailedException("not a regular file or directory: " + argument);
      } else {
        throw new NoSuchFileException(argument);
      }
    }
    return inputs;
  }

  private static void collect(Path root, Path dir, List<Input> inputs, Skipped skipped)
      throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    }
    entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (name.startsWith(".")) {
        skipped.hidden++;
      } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        collect(root, entry, inputs, skipped);
      } else if (!Files.isRegularFile(entry)) {
        skipped.other++;
      } else if (name.endsWith(".tsv") || name.endsWith(".md")) {
        skipped.sidecars++;
      } else {
        String relative = root.relativize(entry).toString().replace('\\', '/');
        requireReadable(entry, relative);
        inputs.add(new Input(relative, entry));
      }
    }
  }

  /** What a directory walk passed over, to explain a directory that gave no input file. */
  private static final class Skipped {
    int hidden;
    int sidecars;
    int other;

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (sidecars > 0) {
        parts.add(Plurals.count(sidecars, "*.tsv/*.md sidecar"));
      }
      if (hidden > 0) {
        parts.add(Plurals.count(hidden, "hidden entry", "hidden entries"));
      }
      if (other > 0) {
        parts.add(
            Plurals.count(
                other,
                "link to a directory or special file",
                "links to directories or special files"));
      }
      return parts.isEmpty() ? "it holds no file" : "skipped: " + String.join(", ", parts);
    }
  }

  private static void requireReadable(Path path, String shownAs) {
    if (!Files.isReadable(path)) {
      throw new CommandFailedException("permission denied: " + shownAs);
    }
  }

  /** Total size of the files, or -1 when standard input is among them (its size is unknown). */
  static long totalBytes(List<Input> inputs) throws IOException {
    long total = 0;
    for (Input input : inputs) {
      if (input.isStdin()) {
        return -1;
      }
      total += Files.size(input.path());
    }
    return total;
  }

  /**
   * Opens an input, decompressing gzip, and reports every byte read from the underlying file (not
   * the decompressed bytes) to {@code bytesRead}.
   */
  static InputStream open(Input input, CliEnvironment env, LongConsumer bytesRead)
      throws IOException {
    InputStream raw =
        input.isStdin() ? unclosable(env.stdin()) : Files.newInputStream(input.path());
    return RawInputs.decompressed(counting(raw, bytesRead));
  }

  private static InputStream counting(InputStream in, LongConsumer bytesRead) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytesRead.accept(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          bytesRead.accept(n);
        }
        return n;
      }
    };
  }

  /** Standard input stays open for the process: closing one input must not close it. */
  private static InputStream unclosable(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
      }

      @Override
      public void close() {}
    };
  }
}
