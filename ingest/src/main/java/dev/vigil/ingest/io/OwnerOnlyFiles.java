package dev.vigil.ingest.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories that hold raw audit records or what is derived from them (events, dead
 * letters, alerts, reports, Kafka and OpenSearch data, checkpoints): readable by their owner only,
 * whatever the umask ({@code 0600} files, {@code 0700} directories on POSIX; elsewhere the file
 * system's defaults). A raw record may carry plaintext secrets (a Vault audit device with {@code
 * log_raw} or HMAC-exempt keys) and personal data (user names, IP addresses), so another local
 * account must not read it just because the umask is {@code 022}.
 *
 * <p>A new file is created with these permissions, so it is never readable by others, not even
 * empty. An existing regular file that is written over is restricted before anything is written,
 * when this user owns it; a file owned by someone else keeps the mode its owner chose. A device or
 * pipe ({@code /dev/null}, {@code /dev/stdout}) is left as it is.
 */
public final class OwnerOnlyFiles {

  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private OwnerOnlyFiles() {}

  /**
   * Creates a new, empty file readable by its owner only.
   *
   * @throws FileAlreadyExistsException when {@code file} exists
   */
  public static Path createFile(Path file) throws IOException {
    return posix(file)
        ? Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE))
        : Files.createFile(file);
  }

  /** Opens {@code file} for writing from its start, created or restricted as the class says. */
  public static OutputStream newOutputStream(Path file) throws IOException {
    try {
      createFile(file);
    } catch (FileAlreadyExistsException exists) {
      if (Files.isRegularFile(file)) {
        restrict(file, FILE);
      }
    }
    return Files.newOutputStream(file);
  }

  /** {@link #newOutputStream} as UTF-8 text. */
  public static BufferedWriter newBufferedWriter(Path file) throws IOException {
    return new BufferedWriter(
        new OutputStreamWriter(newOutputStream(file), StandardCharsets.UTF_8));
  }

  /** Writes {@code content} to {@code file}, as {@link #newOutputStream} opens it. */
  public static void write(Path file, byte[] content) throws IOException {
    try (OutputStream out = newOutputStream(file)) {
      out.write(content);
    }
  }

  /**
   * Creates {@code directory} owner-only when it is missing (missing parents get the umask's
   * permissions); an existing directory is left as it is, since it may be shared (a checkpoint root
   * given in the configuration). Returns {@code directory}.
   */
  public static Path createDirectories(Path directory) throws IOException {
    Path parent = directory.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      if (posix(directory)) {
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
      } else {
        Files.createDirectory(directory);
      }
    } catch (FileAlreadyExistsException exists) {
      if (!Files.isDirectory(directory)) {
        throw exists;
      }
    }
    return directory;
  }

  /**
   * Creates {@code directory} as {@link #createDirectories} does and makes it owner-only also when
   * it existed: only for a directory Vigil names and fills itself (the local stack's data), never
   * for one the user gives.
   */
  public static Path ownDirectory(Path directory) throws IOException {
    createDirectories(directory);
    restrict(directory, DIRECTORY);
    return directory;
  }

  private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
    if (!posix(path)) {
      return;
    }
    if (Files.getPosixFilePermissions(path).equals(permissions)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (FileSystemException notOwner) {
      // Only the owner (or root) may change a mode: someone else's file keeps the mode they chose.
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
