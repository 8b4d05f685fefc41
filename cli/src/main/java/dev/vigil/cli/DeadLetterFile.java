package dev.vigil.cli;

import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.io.OwnerOnlyFiles;
import dev.vigil.ingest.io.PartialFile;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where dead letters go, so none is ever lost: the file given with {@code --dead-letter}, else
 * {@code <out>.deadletters.<format>} beside a {@code --out} file (both always written, empty when
 * there are none), else, when events go to stdout, a device or a pipe, a timestamped file in the
 * working directory that is created only when the first dead letter arrives and never overwrites an
 * existing file.
 *
 * <p>A file is written whole or not at all, as {@code vigil detect} writes its outputs: to a {@link
 * PartialFile} that takes its name only on {@link #commit}, once the run has read all its inputs; a
 * failed run {@link #discard}s it. A device or pipe is written in place.
 */
final class DeadLetterFile implements Closeable {

  private static final int MAX_SUFFIX = 1000;

  private final OutputFormat format;
  private final Path path;
  private final boolean createNew;
  private PartialFile file;
  private OutputFormat.RecordWriter<DeadLetter> writer;
  private Path written;

  private DeadLetterFile(OutputFormat format, Path path, boolean createNew) {
    this.format = format;
    this.path = path;
    this.createNew = createNew;
  }

  /** A file written whether or not there are dead letters, replacing what was there. */
  static DeadLetterFile always(OutputFormat format, Path path) throws IOException {
    DeadLetterFile file = new DeadLetterFile(format, path, false);
    file.open();
    return file;
  }

  /** A new file created on the first dead letter, with a numeric suffix if the name is taken. */
  static DeadLetterFile onDemand(OutputFormat format, Path path) {
    return new DeadLetterFile(format, path, true);
  }

  /**
   * Checks, before anything is read, that the timestamped file of {@link #onDemand} could be
   * created in {@code workingDir}: found out at the first dead letter, the run would stop with its
   * outputs half written and the dead letters lost.
   *
   * @throws CommandFailedException naming the working directory and {@code --dead-letter}
   */
  static void requireWorkingDirectoryWritable(Path workingDir) {
    try {
      OutputTargets.requireWritableDirectory(
          workingDir, null, "dead letters (when any) to the working directory " + workingDir);
    } catch (CommandFailedException e) {
      throw new CommandFailedException(e.getMessage() + "; give --dead-letter FILE");
    }
  }

  /** Writes a dead letter encoded by {@link OutputFormat#encoder()} of this file's format. */
  void write(OutputFormat.Encoded<DeadLetter> deadLetter) throws IOException {
    if (writer == null) {
      open();
    }
    writer.write(deadLetter);
  }

  /** The file written to, once {@link #commit committed}; null before, or when none was created. */
  Path written() {
    return written;
  }

  /** The intended file, for messages before anything is written. */
  Path path() {
    return path;
  }

  private void open() throws IOException {
    file = PartialFile.create(path);
    writer =
        format.deadLetters(
            new BufferedOutputStream(OwnerOnlyFiles.newOutputStream(file.path()), 65536));
  }

  /**
   * Gives the whole file its name, after {@link #close}: the path replaced, or for {@link
   * #onDemand} the first free name.
   */
  void commit() throws IOException {
    if (file != null) {
      written = createNew ? file.commit(whole -> moveToNewName(whole, path)) : file.commit();
    }
  }

  /** Removes what a failed run wrote, after {@link #close}; a device or pipe keeps it. */
  void discard() throws IOException {
    if (file != null) {
      file.discard();
    }
  }

  /**
   * Moves {@code file} to {@code target}, or, when that name is taken, to the first free name with
   * a numeric suffix, as {@link #onDemand} names its file: an earlier run's dead letters are never
   * replaced. Returns where the file went.
   */
  static Path moveToNewName(Path file, Path target) throws IOException {
    return claimFreeName(target, candidate -> Files.move(file, candidate));
  }

  /** Takes a name atomically: fails with {@link FileAlreadyExistsException} when it is taken. */
  private interface NameClaim {
    Path claim(Path candidate) throws IOException;
  }

  /**
   * {@code target}, else {@code target-2}, {@code target-3}, ...: the first name {@code claim}
   * gets.
   */
  private static Path claimFreeName(Path target, NameClaim claim) throws IOException {
    Path candidate = target;
    int suffix = 1;
    while (true) {
      try {
        return claim.claim(candidate);
      } catch (FileAlreadyExistsException e) {
        if (++suffix > MAX_SUFFIX) {
          throw e;
        }
        candidate = withSuffix(target, suffix);
      }
    }
  }

  private static Path withSuffix(Path path, int suffix) {
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String numbered =
        dot > 0 ? name.substring(0, dot) + "-" + suffix + name.substring(dot) : name + "-" + suffix;
    return path.resolveSibling(numbered);
  }

  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }
}
