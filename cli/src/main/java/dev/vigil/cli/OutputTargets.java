package dev.vigil.cli;

import java.io.IOException;
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

  private static boolean sameFile(Path a, Path b) throws IOException {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
  }
}
