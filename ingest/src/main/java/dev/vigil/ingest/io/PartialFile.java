package dev.vigil.ingest.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * An output file written whole or not at all: the writing goes to a hidden {@code
 * .<name>.<random>.partial} beside the target, {@link OwnerOnlyFiles owner-only}, which replaces
 * the target only when {@link #commit committed}. A failed run {@link #discard}s it and leaves the
 * target as it was; Ctrl-C or SIGTERM, which end the JVM without the caller's clean-up, remove it
 * too (a delete at exit), since it holds raw records; only {@code kill -9} leaves it behind.
 *
 * <p>A target that exists and is neither a regular file nor a directory ({@code /dev/null}, {@code
 * /dev/stdout}, a named pipe) is {@link #writtenInPlace written in place} instead: renaming onto it
 * would replace the device or pipe with a regular file (for root, {@code /dev/null} itself), and
 * what it streams to is gone once written anyway.
 */
public final class PartialFile {

  /** Moves the whole partial file to its final name; returns that name. */
  @FunctionalInterface
  public interface Move {
    Path to(Path partial) throws IOException;
  }

  private final Path target;

  /** Where the writing goes until the commit; null when the target is written in place. */
  private final Path partial;

  private boolean committed;

  private PartialFile(Path target, Path partial) {
    this.target = target;
    this.partial = partial;
  }

  /**
   * Creates the partial file beside {@code target} (and the target's missing directories), or, for
   * a device or pipe, nothing.
   */
  public static PartialFile create(Path target) throws IOException {
    if (writtenInPlace(target)) {
      return new PartialFile(target, null);
    }
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial =
        OwnerOnlyFiles.createFile(
            parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".partial"));
    // Ctrl-C or SIGTERM skip the caller's discard. After a commit the name is gone, and this
    // deletes nothing.
    partial.toFile().deleteOnExit();
    return new PartialFile(target, partial);
  }

  /**
   * A device or pipe: it exists, and is neither a regular file nor a directory. Written in place,
   * not replaced; the CLI's check of an output before a run asks the same.
   */
  public static boolean writtenInPlace(Path target) {
    return Files.exists(target) && !Files.isRegularFile(target) && !Files.isDirectory(target);
  }

  /** Where to write: the partial file, or the target itself when it is written in place. */
  public Path path() {
    return partial != null ? partial : target;
  }

  /**
   * Renames the partial file over the target, atomically; call it once what was written is whole
   * and closed. Returns the target.
   */
  public Path commit() throws IOException {
    return commit(
        whole ->
            Files.move(
                whole,
                target,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE));
  }

  /**
   * Moves the partial file as {@code move} says (to a name no earlier file has, say) instead of
   * over the target; the target itself when it is written in place. Returns where it went.
   */
  public Path commit(Move move) throws IOException {
    Path kept = partial == null ? target : move.to(partial);
    committed = true;
    return kept;
  }

  /** Removes the partial file of a run that failed; nothing after a commit or when in place. */
  public void discard() throws IOException {
    if (partial != null && !committed) {
      Files.deleteIfExists(partial);
    }
  }
}
