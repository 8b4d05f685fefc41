package dev.vigil.ingest.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {

  @TempDir Path dir;

  @Test
  void aNewFileIsOwnerOnlyWhateverTheUmask() throws IOException {
    OwnerOnlyFiles.write(dir.resolve("events.jsonl"), "{}\n".getBytes(StandardCharsets.UTF_8));

    assertThat(mode(dir.resolve("events.jsonl"))).isEqualTo("rw-------");
    assertThat(mode(OwnerOnlyFiles.createFile(dir.resolve("new.jsonl")))).isEqualTo("rw-------");
  }

  @Test
  void anExistingFileIsRestrictedBeforeItIsWrittenOver() throws IOException {
    Path file = Files.writeString(dir.resolve("out.jsonl"), "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    try (OutputStream out = OwnerOnlyFiles.newOutputStream(file)) {
      assertThat(mode(file)).as("restricted before the first byte").isEqualTo("rw-------");
      out.write('x');
    }

    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void aDeviceIsWrittenWithoutTouchingItsMode() throws IOException {
    Set<PosixFilePermission> before = Files.getPosixFilePermissions(Path.of("/dev/null"));

    OwnerOnlyFiles.write(Path.of("/dev/null"), new byte[] {1});

    assertThat(Files.getPosixFilePermissions(Path.of("/dev/null"))).isEqualTo(before);
  }

  @Test
  void aMissingDirectoryIsCreatedOwnerOnlyAndAnExistingOneIsLeftAlone() throws IOException {
    Path created = OwnerOnlyFiles.createDirectories(dir.resolve("a/checkpoints"));
    Path existing = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));

    OwnerOnlyFiles.createDirectories(existing);

    assertThat(mode(created)).isEqualTo("rwx------");
    assertThat(mode(existing)).as("maybe shared on purpose").isEqualTo("rwxr-xr-x");
  }

  @Test
  void anOwnedDirectoryIsRestrictedAlsoWhenItExisted() throws IOException {
    Path data = Files.createDirectories(dir.resolve("kafka/data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    OwnerOnlyFiles.ownDirectory(data);

    assertThat(mode(data)).isEqualTo("rwx------");
    assertThat(mode(OwnerOnlyFiles.ownDirectory(dir.resolve("opensearch/data"))))
        .isEqualTo("rwx------");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
