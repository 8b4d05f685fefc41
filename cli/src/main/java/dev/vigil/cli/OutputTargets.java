package dev.vigil.cli;

import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.io.PartialFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The files a command is about to write, checked before anything is read or written: none may be
 * one of the inputs (writing it would destroy what is being read), and no two may be the same file
 * (two writers on one file interleave or replace each other's output, and one of them is lost).
 *
 * <p>Two paths are the same file when they are equal once absolute and normalized (whether or not
 * the file exists yet), or, when both exist, when the file system says so (links).
 *
 * <p>Every command checks its outputs here ({@link #requireWritable}, {@link
 * #requireWritableDirectory}), so that one mistake reads the same in each: {@code cannot write
 * <option> <path as typed>: <what is wrong>}.
 */
final class OutputTargets {

  private record Claim(Path path, String option, String shownAs) {}

  private final List<InputFiles.Input> inputs;
  private final List<Claim> claims = new ArrayList<>();

  OutputTargets(List<InputFiles.Input> inputs) {
    this.inputs = inputs;
  }

  /**
   * Records that {@code option} writes {@code target} (nothing when null).
   *
   * @param shownAs the file as the user wrote it, for the message
   * @throws CommandFailedException when the target is an input or already claimed by another option
   */
  void claim(Path target, String option, String shownAs) throws IOException {
    if (target == null) {
      return;
    }
    for (InputFiles.Input input : inputs) {
      if (!input.isStdin() && sameFile(input.path(), target)) {
        throw new CommandFailedException(
            "refusing to overwrite the input " + input.name() + " (" + option + ")");
      }
    }
    for (Claim claim : claims) {
      if (sameFile(claim.path(), target)) {
        throw new CommandFailedException(
            claim.option() + " and " + option + " name the same file: " + shownAs);
      }
    }
    claims.add(new Claim(target, option, shownAs));
  }

  /**
   * {@link #claim}, then {@link #requireWritable} with {@code option} and {@code shownAs} as the
   * label, advising a file name when the target is a directory.
   */
  void claimWritable(Path target, String option, String shownAs) throws IOException {
    claim(target, option, shownAs);
    if (target != null) {
      requireWritable(target, shownAs, option + " " + shownAs, "; give a file name");
    }
  }

  /**
   * Checks, before anything is read, that {@code target} can be written as the real write will
   * write it: not a directory; a device or pipe writable in place; otherwise its directory exists
   * (created here when missing) and takes a new file, tried by creating and removing one there (the
   * real writes create a temporary file beside the target, and a directory can refuse that whatever
   * its permission bits say: /proc, a read-only mount). A mistake so fails in one line at the
   * start, not after the whole run, and every command words it the same way.
   *
   * @param shownAs the target as the user typed it (or as the command shows a default), to name the
   *     directory that fails
   * @param label what the message calls the target: {@code --out x.jsonl}, or the words of a
   *     default
   * @param directoryHint appended when the target is a directory
   * @throws CommandFailedException {@code cannot write <label>: <what is wrong>}
   */
  static void requireWritable(Path target, String shownAs, String label, String directoryHint) {
    if (Files.isDirectory(target)) {
      throw new CommandFailedException(
          "cannot write " + label + ": it is a directory" + directoryHint);
    }
    if (PartialFile.writtenInPlace(target)) {
      // A device or pipe (/dev/null, a named pipe) is written in place; its directory does not
      // matter.
      if (!Files.isWritable(target)) {
        throw new CommandFailedException("cannot write " + label + ": permission denied");
      }
      return;
    }
    if (Files.exists(target) && !Files.isWritable(target)) {
      throw new CommandFailedException("cannot write " + label + ": permission denied");
    }
    Path typed = Path.of(shownAs);
    requireDirectory(target.getParent(), typed.getParent(), label);
  }

  /**
   * Checks that files can be created in {@code directory} (created when missing), as {@link
   * #requireWritable} does for a file's directory.
   *
   * @param shownAs the directory as the user typed it, or as the command shows a default; null for
   *     the working directory
   * @param label what the message calls the directory: {@code --out-dir demo}, or the words of a
   *     default
   */
  static void requireWritableDirectory(Path directory, String shownAs, String label) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new CommandFailedException(
          "cannot write " + label + ": it is a file; give a directory");
    }
    requireDirectory(directory, shownAs == null ? null : Path.of(shownAs), label);
  }

  /**
   * Creates {@code directory} when missing and tries a new file in it.
   *
   * @param typed the same directory as the user typed it (null for the working directory)
   */
  private static void requireDirectory(Path directory, Path typed, String label) {
    Path absolute = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      // A file where a directory should be fails by platform and depth with "already exists" or
      // "not a directory"; the user needs to know which of the names they typed it is.
      String file = notADirectory(directory, typed);
      throw new CommandFailedException(
          "cannot write "
              + label
              + ": "
              + (file != null
                  ? file + " is not a directory"
                  : "cannot create the directory "
                      + shown(typed)
                      + " ("
                      + IoProblems.reason(e)
                      + ")"));
    }
    Path probe = absolute.resolve(".vigil-write-check." + UUID.randomUUID());
    try {
      Files.delete(Files.createFile(probe));
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot write "
              + label
              + ": cannot create a file in "
              + shown(typed)
              + " ("
              + IoProblems.reason(e)
              + ")");
    }
  }

  private static String shown(Path typed) {
    return typed == null ? "the working directory" : typed.toString();
  }

  /**
   * The ancestor of {@code directory} (itself included) that exists and is not a directory, as the
   * user typed it: {@code afile} of {@code --out afile/x.jsonl}; null when there is none.
   */
  private static String notADirectory(Path directory, Path typed) {
    Path path = directory;
    Path shown = typed;
    while (path != null) {
      if (Files.exists(path) && !Files.isDirectory(path)) {
        return shown != null ? shown.toString() : path.toString();
      }
      path = path.getParent();
      shown = shown == null ? null : shown.getParent();
    }
    return null;
  }

  private static boolean sameFile(Path a, Path b) throws IOException {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
  }
}
