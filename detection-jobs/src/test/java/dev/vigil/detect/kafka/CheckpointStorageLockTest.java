package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One {@code vigil run} per checkpoint storage: the lock, its refusal, and a crashed holder. */
class CheckpointStorageLockTest {

  private static final Instant SINCE = Instant.parse("2026-11-24T13:20:05.123Z");

  @TempDir Path dir;

  @Test
  void aSecondRunInAnotherProcessIsRefusedNamingTheHolder() throws Exception {
    Path storage = dir.resolve("checkpoints");
    Process holder = holdInAnotherProcess(storage);
    try {
      assertThatThrownBy(() -> CheckpointStorageLock.acquire(storage.toUri().toString()))
          .isInstanceOf(CheckpointStorageLock.LockException.class)
          .hasMessage(
              "another vigil run (pid "
                  + holder.pid()
                  + ", since 2026-11-24 13:20:05 UTC) uses the checkpoint storage "
                  + storage.toUri()
                  + "; stop it first, or give this run its own checkpoints.storage");
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // Released at the holder's end: the next run takes it.
    CheckpointStorageLock.acquire(storage.toString()).orElseThrow().close();
  }

  @Test
  void aKilledHolderBlocksNothingThoughItsFileStillNamesIt() throws Exception {
    Path storage = dir.resolve("checkpoints");
    Process holder = holdInAnotherProcess(storage);
    holder.destroyForcibly();
    assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(storage.resolve(CheckpointStorageLock.FILE)))
        .contains("pid " + holder.pid());

    try (CheckpointStorageLock lock =
        CheckpointStorageLock.acquire(storage.toString(), 4242, SINCE).orElseThrow()) {
      assertThat(Files.readString(storage.resolve(CheckpointStorageLock.FILE)))
          .isEqualTo("pid 4242\nsince " + SINCE + "\n");
    }
  }

  @Test
  void aSecondClaimInThisProcessIsRefusedTooAndTheStorageIsFreeAfterTheFirstCloses()
      throws Exception {
    Path storage = dir.resolve("not/yet/there");
    try (CheckpointStorageLock first =
        CheckpointStorageLock.acquire(storage.toUri().toString(), 4242, SINCE).orElseThrow()) {
      assertThat(storage).isDirectory();
      assertThatThrownBy(() -> CheckpointStorageLock.acquire(storage.toString()))
          .hasMessageStartingWith("another vigil run (pid 4242, since 2026-11-24 13:20:05 UTC)");
    }
    CheckpointStorageLock.acquire(storage.toString()).orElseThrow().close();
  }

  @Test
  void aStorageItCreatesIsOwnerOnlyAndAnExistingOneKeepsItsMode() throws Exception {
    Path created = dir.resolve("state/checkpoints");
    Path existing = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-x---"));

    CheckpointStorageLock.acquire(created.toString()).orElseThrow().close();
    CheckpointStorageLock.acquire(existing.toString()).orElseThrow().close();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
        .as("checkpoints hold events and their raw records")
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)))
        .isEqualTo("rwxr-x---");
  }

  @Test
  void storageThatIsNotLocalCannotBeLocked() {
    assertThat(CheckpointStorageLock.acquire("s3://vigil-state/checkpoints")).isEmpty();
  }

  @Test
  void storageThatCannotBeMadeIsOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "");

    assertThatThrownBy(() -> CheckpointStorageLock.acquire(file.resolve("checkpoints").toString()))
        .isInstanceOf(CheckpointStorageLock.LockException.class)
        .hasMessageStartingWith(
            "cannot lock the checkpoint storage "
                + file.resolve("checkpoints")
                + " (checkpoints.storage): ");
  }

  @Test
  void aLockFileThatNamesNoHolderLeavesTheHolderOut() {
    assertThat(CheckpointStorageLock.holder("")).isEmpty();
    assertThat(CheckpointStorageLock.holder("pid 12\nsince yesterday\n")).isEmpty();
    assertThat(
            CheckpointStorageLock.heldMessage(
                "file:///var/lib/vigil/checkpoints", CheckpointStorageLock.holder("")))
        .isEqualTo(
            "another vigil run uses the checkpoint storage file:///var/lib/vigil/checkpoints; stop"
                + " it first, or give this run its own checkpoints.storage");
  }

  @Test
  void theHolderIsReadBackAsWritten() {
    assertThat(CheckpointStorageLock.holder("pid 1234\nsince " + SINCE + "\n"))
        .contains(new CheckpointStorageLock.Holder(1234, SINCE));
  }

  /** A JVM that holds the lock of {@code storage} until its stdin is closed. */
  private static Process holdInAnotherProcess(Path storage) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StorageLockHolder.class.getName(),
                storage.toString(),
                SINCE.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> firstLine =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    try {
      assertThat(firstLine.get(60, TimeUnit.SECONDS))
          .as("the holder's first line")
          .isEqualTo("held");
    } catch (Exception | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
    return process;
  }
}
