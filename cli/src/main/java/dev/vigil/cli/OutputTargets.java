package dev.vigil.cli;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a command is about to write, checked before anything is read or written: none may be
 * one of the inputs (writing it would destroy what is being read), and no two may be the same file
 * (two writers on one file interleave or replace each other's output, and one of them is lost).
 *
 * <p>Two paths are the same file when they are equal once absolute and normalized (whether or not
 * the file exists yet), or, when both exist, when the file system says so (links).
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
   * {@link #claim}, then checks what writing {@code target} needs, before anything is read: that it
   * is not a directory, and that its directory exists (created here when missing) and is writable.
   * For runs that write a file whole at their end (the job of {@code vigil detect}), so that a
   * mistake fails in one line at the start, not after the whole run.
   *
   * @throws CommandFailedException naming {@code option} and {@code shownAs} when it cannot be
   *     written
   */
  void claimWritable(Path target, String option, String shownAs) throws IOException {
    claim(target, option, shownAs);
    if (target == null) {
      return;
    }
    String named = option + " " + shownAs;
    if (Files.isDirectory(target)) {
      throw new CommandFailedException(named + " is a directory; give a file name");
    }
    if (Files.exists(target) && !Files.isRegularFile(target)) {
      // A device or pipe (/dev/null, a named pipe) is written in place; its directory does not
      // matter.
      if (!Files.isWritable(target)) {
        throw new CommandFailedException("cannot write " + named + ": permission denied");
      }
      return;
    }
    Path directory = target.toAbsolutePath().normalize().getParent();
    try {
      Files.createDirectories(directory);
    } catch (FileAlreadyExistsException e) {
      throw new CommandFailedException(
          "cannot write " + named + ": not a directory: " + e.getFile());
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot create the directory of " + named + ": " + IoProblems.innermost(e));
    }
    if (!Files.isWritable(directory)) {
      throw new CommandFailedException(
          "cannot write " + named + ": permission denied on its directory " + directory);
    }
  }

  private static boolean sameFile(Path a, Path b) throws IOException {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
  }
}
