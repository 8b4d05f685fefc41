package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.kafka.StateRetention.Pruned;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code vigil run} deletes of the earlier runs' state when it starts, and what it keeps. */
class StateRetentionTest {

  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  private static final String JOB_A = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  private static final String JOB_B = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  private static final String JOB_C = "5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c";

  @TempDir Path storage;
  @TempDir Path elsewhere;

  /** Folders handed to the deleter, in order. */
  private final List<Path> deleted = new ArrayList<>();

  @Test
  void theNewestAreKeptWhateverTheirKindAndTheOlderGoWholly() throws IOException {
    Path oldestSavepoint =
        completed("savepoints/savepoint-000001-aaaaaaaaaaaa", T.minusSeconds(50));
    Path oldRun = completed(JOB_A + "/chk-7", T.minusSeconds(40)).getParent();
    written(oldRun.resolve("shared/6f2e-state"), T.minusSeconds(45));
    written(oldRun.resolve("chk-7/opaque-state"), T.minusSeconds(41));
    Path savepoint = completed("savepoints/savepoint-000002-bbbbbbbbbbbb", T.minusSeconds(30));
    Path run = completed(JOB_B + "/chk-3", T.minusSeconds(20)).getParent();
    Path latest = completed("savepoints/savepoint-000003-cccccccccccc", T.minusSeconds(10));

    Pruned pruned = prune(3);

    assertThat(pruned).isEqualTo(new Pruned(1, 1, List.of()));
    assertThat(pruned.removed()).isEqualTo("1 older savepoint and the checkpoints of 1 older run");
    assertThat(oldestSavepoint).doesNotExist();
    assertThat(oldRun).doesNotExist();
    assertThat(List.of(savepoint, run, latest, storage.resolve("savepoints")))
        .allMatch(Files::isDirectory);
  }

  @Test
  void aJobFolderIsKeptWithAllItsCheckpointsAndSharedFilesWhenItHoldsAKeptOne() throws IOException {
    Path run = completed(JOB_A + "/chk-3", T.minusSeconds(40)).getParent();
    written(run.resolve("shared/1c0e-incremental-state"), T.minusSeconds(45));
    completed(JOB_A + "/chk-4", T.minusSeconds(10));
    Path older = completed("savepoints/savepoint-000001-aaaaaaaaaaaa", T.minusSeconds(20));

    Pruned pruned = prune(1);

    assertThat(pruned).isEqualTo(new Pruned(1, 0, List.of()));
    assertThat(older).doesNotExist();
    assertThat(run.resolve("chk-3/_metadata")).exists();
    assertThat(run.resolve("shared/1c0e-incremental-state")).exists();
  }

  @Test
  void theChosenPointIsKeptWithEverythingNewerEvenBeyondTheCount() throws IOException {
    Path older = completed("savepoints/savepoint-000001-aaaaaaaaaaaa", T.minusSeconds(40));
    Path chosen = completed("savepoints/savepoint-000002-bbbbbbbbbbbb", T.minusSeconds(30));
    Path newer = completed(JOB_A + "/chk-1", T.minusSeconds(20)).getParent();
    Path newest = completed(JOB_B + "/chk-1", T.minusSeconds(10)).getParent();

    Pruned pruned = prune(1, point(chosen));

    assertThat(pruned).isEqualTo(new Pruned(1, 0, List.of()));
    assertThat(older).doesNotExist();
    assertThat(List.of(chosen, newer, newest)).allMatch(Files::isDirectory);
  }

  @Test
  void whatIsStillBeingWrittenOrNewerThanTheKeptStays() throws IOException {
    // A checkpoint or savepoint in progress has no _metadata yet, and was written just now.
    Path runWithAFreshCheckpoint = completed(JOB_A + "/chk-1", T.minusSeconds(60)).getParent();
    Files.createDirectories(runWithAFreshCheckpoint.resolve("chk-2"));
    Files.writeString(runWithAFreshCheckpoint.resolve("chk-2/opaque-state"), "");
    Path savepointBeingWritten =
        Files.createDirectories(storage.resolve("savepoints/savepoint-000009-ffffffffffff"));
    Path runStarting = Files.createDirectories(storage.resolve(JOB_B + "/shared"));
    // Left over from long ago: interrupted, never completed.
    Path interruptedSavepoint =
        written(
                storage.resolve("savepoints/savepoint-000001-aaaaaaaaaaaa/opaque-state"),
                T.minusSeconds(90))
            .getParent();
    Path crashedBeforeItsFirstCheckpoint =
        written(storage.resolve(JOB_C + "/chk-1/opaque-state"), T.minusSeconds(80))
            .getParent()
            .getParent();
    completed("savepoints/savepoint-000002-bbbbbbbbbbbb", T.minusSeconds(10));

    Pruned pruned = prune(1);

    assertThat(pruned).isEqualTo(new Pruned(1, 1, List.of()));
    assertThat(interruptedSavepoint).doesNotExist();
    assertThat(crashedBeforeItsFirstCheckpoint).doesNotExist();
    assertThat(runWithAFreshCheckpoint.resolve("chk-1/_metadata")).exists();
    assertThat(List.of(savepointBeingWritten, runStarting)).allMatch(Files::isDirectory);
  }

  @Test
  void onlyVigilsOwnLayoutIsTouched() throws IOException {
    List<Path> foreign =
        List.of(
            written(storage.resolve("README.txt"), T.minusSeconds(90)),
            completed("backup-of-" + JOB_A + "/chk-1", T.minusSeconds(90)),
            completed(JOB_A.toUpperCase(Locale.ROOT) + "/chk-1", T.minusSeconds(90)),
            completed(JOB_A.substring(1) + "/chk-1", T.minusSeconds(90)),
            completed("savepoints/copied-by-hand", T.minusSeconds(90)),
            written(storage.resolve("savepoints/savepoint-000001-notafolder"), T.minusSeconds(90)));
    completed("savepoints/savepoint-000002-bbbbbbbbbbbb", T.minusSeconds(10));

    Pruned pruned = prune(1);

    assertThat(pruned).isEqualTo(new Pruned(0, 0, List.of()));
    assertThat(pruned.removedAny()).isFalse();
    assertThat(foreign).allMatch(Files::exists);
    assertThat(deleted).isEmpty();
  }

  @Test
  void symbolicLinksAreNeverFollowedOutOfTheStorage() throws IOException {
    // An old job folder and the savepoints folder are links to elsewhere: not the storage's own.
    Path linkedRun = written(elsewhere.resolve("run/chk-1/_metadata"), T.minusSeconds(90));
    Files.createSymbolicLink(storage.resolve(JOB_A), linkedRun.getParent().getParent());
    Path linkedSavepoint =
        written(
            elsewhere.resolve("savepoints/savepoint-000001-aaaaaaaaaaaa/_metadata"),
            T.minusSeconds(90));
    Files.createSymbolicLink(storage.resolve("savepoints"), elsewhere.resolve("savepoints"));
    // An old run of the storage's own, with a link inside to a file elsewhere.
    Path outsideFile = written(elsewhere.resolve("precious"), T.minusSeconds(95));
    Path link =
        Files.createSymbolicLink(
            Files.createDirectories(storage.resolve(JOB_B + "/chk-1")).resolve("link"),
            outsideFile);
    Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(T.minusSeconds(80)), null, null);
    Path ownRun = completed(JOB_B + "/chk-1", T.minusSeconds(80)).getParent();
    completed(JOB_C + "/chk-1", T.minusSeconds(10));

    Pruned pruned = StateRetention.prune(storage.toUri().toString(), OptionalInt.of(1), newest());

    assertThat(pruned).isEqualTo(new Pruned(0, 1, List.of()));
    assertThat(ownRun).doesNotExist();
    assertThat(List.of(linkedRun, linkedSavepoint, outsideFile)).allMatch(Files::isRegularFile);
    assertThat(List.of(storage.resolve(JOB_A), storage.resolve("savepoints")))
        .allMatch(Files::isSymbolicLink);
  }

  @Test
  void keepingAllPrunesNothing() throws IOException {
    completed("savepoints/savepoint-000001-aaaaaaaaaaaa", T.minusSeconds(50));
    completed(JOB_A + "/chk-1", T.minusSeconds(40));
    completed("savepoints/savepoint-000002-bbbbbbbbbbbb", T.minusSeconds(10));

    Pruned pruned =
        StateRetention.prune(
            storage.toUri().toString(), OptionalInt.empty(), newest(), deleted::add);

    assertThat(pruned.removedAny()).isFalse();
    assertThat(deleted).isEmpty();
  }

  @Test
  void aFolderThatCannotBeDeletedIsOneLineAndTheRestGoes() throws IOException {
    Path stuck = completed("savepoints/savepoint-000001-aaaaaaaaaaaa", T.minusSeconds(50));
    Path run = completed(JOB_A + "/chk-1", T.minusSeconds(40)).getParent();
    completed("savepoints/savepoint-000002-bbbbbbbbbbbb", T.minusSeconds(10));
    // As a read-only savepoints folder would refuse it (tests may run as root, where it would not).
    StateRetention.Deleter deleter =
        folder -> {
          if (folder.equals(stuck)) {
            throw new AccessDeniedException(folder.resolve("_metadata").toString());
          }
          StateRetention.deleteTree(folder);
        };

    Pruned pruned =
        StateRetention.prune(storage.toUri().toString(), OptionalInt.of(1), newest(), deleter);

    assertThat(pruned)
        .isEqualTo(
            new Pruned(
                0,
                1,
                List.of(
                    "could not remove the older savepoint "
                        + stuck.toUri()
                        + " (permission denied: "
                        + stuck.resolve("_metadata")
                        + "); the job starts all the same")));
    assertThat(stuck.resolve("_metadata")).exists();
    assertThat(run).doesNotExist();
  }

  @Test
  void storageThatIsNotLocalIsNotTouched() throws IOException {
    Path savepoint = completed("savepoints/savepoint-000001-aaaaaaaaaaaa", T);

    Pruned pruned =
        StateRetention.prune(
            "s3://vigil-state/checkpoints", OptionalInt.of(1), point(savepoint), deleted::add);

    assertThat(pruned.removedAny()).isFalse();
    assertThat(pruned.failures()).isEmpty();
    assertThat(deleted).isEmpty();
  }

  /** Prunes with the newest as the chosen point, as {@code vigil run} does. */
  private Pruned prune(int retained) {
    return prune(retained, newest());
  }

  private Pruned prune(int retained, ResumePoint chosen) {
    return StateRetention.prune(
        storage.toUri().toString(),
        OptionalInt.of(retained),
        chosen,
        folder -> {
          deleted.add(folder);
          StateRetention.deleteTree(folder);
        });
  }

  private ResumePoint newest() {
    return ResumePoint.latest(storage.toUri().toString()).orElseThrow();
  }

  private ResumePoint point(Path folder) {
    return ResumePoint.stateFolders(storage).stream()
        .flatMap(stateFolder -> stateFolder.completed().stream())
        .filter(point -> point.path().equals(folder.toUri().toString()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * A completed checkpoint or savepoint folder whose {@code _metadata} was written at {@code at}:
   * the folder, and its job folder or the savepoints folder, were last changed then too.
   */
  private Path completed(String folder, Instant at) throws IOException {
    return written(storage.resolve(folder).resolve("_metadata"), at).getParent();
  }

  /** A file written at {@code at}, as are the folders up to the storage that it was written in. */
  private Path written(Path file, Instant at) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "");
    Path root = file.startsWith(storage) ? storage : elsewhere;
    for (Path path = file; !path.equals(root); path = path.getParent()) {
      Files.setLastModifiedTime(path, FileTime.from(at));
    }
    return file;
  }
}
