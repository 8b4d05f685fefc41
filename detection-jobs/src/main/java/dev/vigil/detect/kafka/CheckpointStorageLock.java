package dev.vigil.detect.kafka;

import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.io.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The claim of one {@code vigil run} on its checkpoint storage, held for the life of the run. Two
 * runs on one storage resume from the same state, page twice, fence each other's alert
 * transactions, and prune or resume from each other's live checkpoints.
 *
 * <p>Design: an OS file lock ({@link FileChannel#tryLock}) on {@value #FILE} in the storage
 * directory, taken before anything is resumed, pruned or started. A run that crashes or is killed
 * leaves nothing that blocks: the lock dies with its process, whatever the file still says. The
 * file's content (the holder's pid and when it took the lock) only feeds the refusal's message; it
 * is written after the lock is taken, so a refused run may find it empty or stale for an instant,
 * and the message then leaves the holder out. The file is never deleted: a deletion between another
 * run's open and its lock would let a third run lock a new file beside the held one. Unlike {@code
 * stack.lock}, which serializes short {@code vigil stack} commands by waiting, this one refuses at
 * once: the holder runs until stopped. The lock belongs to the process, so a second claim from the
 * same JVM ({@link OverlappingFileLockException}) is refused the same way. Storage that is not a
 * local directory ({@code s3://...}) cannot be locked: {@link #acquire} returns empty.
 */
public final class CheckpointStorageLock implements AutoCloseable {

  /** The lock file's name in the storage directory; outside the layout resuming reads. */
  public static final String FILE = "vigil-run.lock";

  private static final Pattern HOLDER = Pattern.compile("pid (\\d+)\\nsince (\\S+)\\n");

  private static final DateTimeFormatter SINCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final FileChannel channel;
  private final FileLock lock;

  private CheckpointStorageLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks the local {@code storage} (a directory or {@code file:} URI, created when missing) for
   * this process, writing {@code pid} and {@code since} into the lock file for the message a
   * refused run prints.
   *
   * @return the held lock, released by {@link #close} or by the end of the process; empty when the
   *     storage is not local
   * @throws LockException when another run holds it, or the directory or the lock file cannot be
   *     made or opened
   */
  public static Optional<CheckpointStorageLock> acquire(String storage, long pid, Instant since) {
    Optional<Path> root = ResumePoint.localRoot(storage);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    Path file = root.get().resolve(FILE);
    FileChannel channel;
    try {
      // Checkpoints hold operator state (events held for a window, their raw records among them).
      OwnerOnlyFiles.createDirectories(root.get());
      // No TRUNCATE_EXISTING: the holder's content must survive another run's open.
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw cannotLock(storage, e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
      if (lock == null) {
        String content = read(channel);
        channel.close();
        throw new LockException(heldMessage(storage, holder(content)));
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              ("pid " + pid + "\nsince " + since + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
      channel.force(false);
      return Optional.of(new CheckpointStorageLock(channel, lock));
    } catch (IOException e) {
      closeQuietly(channel);
      throw cannotLock(storage, e);
    }
  }

  /** As {@link #acquire(String, long, Instant)} for this process, since now. */
  public static Optional<CheckpointStorageLock> acquire(String storage) {
    return acquire(storage, ProcessHandle.current().pid(), Instant.now());
  }

  /**
   * The one line a run refused by {@code holder} prints, naming {@code storage} as the run's other
   * lines do; without a holder (its file not written yet, or not by Vigil), the line says only that
   * another run uses the storage.
   */
  static String heldMessage(String storage, Optional<Holder> holder) {
    return "another vigil run"
        + holder
            .map(h -> " (pid " + h.pid() + ", since " + SINCE.format(h.since()) + ")")
            .orElse("")
        + " uses the checkpoint storage "
        + storage
        + "; stop it first, or give this run its own checkpoints.storage";
  }

  /** The holder a lock file's content names, if it names one. */
  static Optional<Holder> holder(String content) {
    Matcher matcher = HOLDER.matcher(content);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Holder(Long.parseLong(matcher.group(1)), Instant.parse(matcher.group(2))));
    } catch (NumberFormatException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Releases the lock; the file stays, its content no longer true, which nothing relies on. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  private static LockException cannotLock(String storage, IOException e) {
    return new LockException(
        "cannot lock the checkpoint storage "
            + storage
            + " (checkpoints.storage): "
            + IoProblems.describe(e));
  }

  private static String read(FileChannel channel) throws IOException {
    // A holder's content is two short lines; more is not Vigil's.
    ByteBuffer buffer = ByteBuffer.allocate(256);
    int length = Math.max(0, channel.read(buffer, 0));
    return new String(buffer.array(), 0, length, StandardCharsets.UTF_8);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // The failure being reported is the one that matters.
    }
  }

  /** The run that holds a storage, as its lock file says. */
  record Holder(long pid, Instant since) {}

  /**
   * The storage is held by another run, or cannot be locked at all (a directory that cannot be
   * made, a lock file that cannot be opened): the message says which, naming the storage.
   */
  public static final class LockException extends RuntimeException {
    LockException(String message) {
      super(message, null, false, false);
    }
  }
}
