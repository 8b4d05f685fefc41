package dev.vigil.stack;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of component logs, for error messages. */
final class LogTail {
  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {}

  /** The last {@code lines} lines of each non-empty file, each under a header naming the file. */
  static String of(List<Path> files, int lines) {
    StringBuilder tail = new StringBuilder();
    for (Path file : files) {
      String text = lastLines(file, lines);
      if (!text.isEmpty()) {
        tail.append("\n--- last lines of ").append(file).append(" ---\n").append(text);
      }
    }
    return tail.toString();
  }

  static String lastLines(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, MAX_BYTES);
      if (size == 0) {
        return "";
      }
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
      if (size < length && !all.isEmpty()) {
        all = all.subList(1, all.size()); // the window cut the first line
      }
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return last.isEmpty() ? "" : String.join("\n", last) + "\n";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + IoProblems.readProblem(file, e) + ")\n";
    }
  }
}
