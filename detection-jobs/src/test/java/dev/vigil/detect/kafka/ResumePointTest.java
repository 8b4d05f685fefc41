package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.kafka.ResumePoint.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing what {@code vigil run} resumes from: the newest checkpoint or final savepoint. */
class ResumePointTest {

  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path storage;

  @Test
  void theNewestRetainedCheckpointOfAnyEarlierRun() throws IOException {
    completed("3c1f9e0a5d7b4e2f8a9c0d1e2f3a4b5c/chk-12", T.minusSeconds(60));
    Path newest = completed("8b2d4f6e1a3c5e7f9b0d2f4a6c8e0b1d/chk-3", T);
    completed("8b2d4f6e1a3c5e7f9b0d2f4a6c8e0b1d/chk-2", T.minusSeconds(10));

    assertThat(ResumePoint.latest(storage.toUri().toString()))
        .contains(new ResumePoint(Kind.CHECKPOINT, newest.toUri().toString(), T));
  }

  @Test
  void theFinalSavepointOfAStoppedRunIsNewerThanItsLastCheckpoint() throws IOException {
    completed("3c1f9e0a5d7b4e2f8a9c0d1e2f3a4b5c/chk-12", T.minusSeconds(4));
    Path savepoint = completed("savepoints/savepoint-3c1f9e-0a1b2c3d4e5f", T);

    assertThat(ResumePoint.latest(storage.toUri().toString()))
        .contains(new ResumePoint(Kind.SAVEPOINT, savepoint.toUri().toString(), T));
  }

  @Test
  void aSavepointResumedFromGivesWayToTheCheckpointsTakenSince() throws IOException {
    completed("savepoints/savepoint-3c1f9e-0a1b2c3d4e5f", T);
    // The run that resumed from the savepoint, with a job id of its own.
    Path since = completed("8b2d4f6e1a3c5e7f9b0d2f4a6c8e0b1d/chk-1", T.plusSeconds(10));

    assertThat(ResumePoint.latest(storage.toUri().toString()))
        .get()
        .extracting(ResumePoint::kind, ResumePoint::path)
        .containsExactly(Kind.CHECKPOINT, since.toUri().toString());
  }

  @Test
  void theNewestOfSeveralSavepoints() throws IOException {
    completed("savepoints/savepoint-3c1f9e-0a1b2c3d4e5f", T.minusSeconds(3600));
    Path newest = completed("savepoints/savepoint-8b2d4f-6e7f8091a2b3", T);

    assertThat(ResumePoint.latest(storage.toUri().toString()).map(ResumePoint::path))
        .contains(newest.toUri().toString());
  }

  @Test
  void whatDidNotCompleteIsNeverResumedFrom() throws IOException {
    Path checkpoint = completed("3c1f9e0a5d7b4e2f8a9c0d1e2f3a4b5c/chk-12", T);
    // A savepoint or checkpoint that failed midway has its folder but no _metadata.
    Files.createDirectories(storage.resolve("savepoints/savepoint-3c1f9e-0a1b2c3d4e5f"));
    Files.createDirectories(storage.resolve("3c1f9e0a5d7b4e2f8a9c0d1e2f3a4b5c/chk-13"));
    // Flink's own folders beside the checkpoints are not checkpoints.
    Files.createDirectories(storage.resolve("3c1f9e0a5d7b4e2f8a9c0d1e2f3a4b5c/shared"));
    Files.createDirectories(storage.resolve("3c1f9e0a5d7b4e2f8a9c0d1e2f3a4b5c/taskowned"));

    assertThat(ResumePoint.latest(storage.toUri().toString()).map(ResumePoint::path))
        .contains(checkpoint.toUri().toString());
  }

  @Test
  void onlyFoldersNamedByAJobIdHoldCheckpoints() throws IOException {
    Path checkpoint = completed("3c1f9e0a5d7b4e2f8a9c0d1e2f3a4b5c/chk-12", T);
    // An operator's copy, or something else entirely, is not Flink's layout.
    completed("backup-3c1f9e0a/chk-12", T.plusSeconds(60));
    completed("3C1F9E0A5D7B4E2F8A9C0D1E2F3A4B5C/chk-12", T.plusSeconds(60));

    assertThat(ResumePoint.latest(storage.toUri().toString()).map(ResumePoint::path))
        .contains(checkpoint.toUri().toString());
  }

  @Test
  void nothingToResumeFrom() throws IOException {
    assertThat(ResumePoint.latest(storage.resolve("absent").toUri().toString())).isEmpty();
    assertThat(ResumePoint.latest(storage.toUri().toString())).isEmpty();
    Files.createDirectories(storage.resolve("savepoints"));
    assertThat(ResumePoint.latest(storage.toUri().toString())).isEmpty();
  }

  @Test
  void storageThatIsNotLocalIsNotLookedInto() {
    assertThat(ResumePoint.latest("s3://vigil-state/checkpoints")).isEmpty();
  }

  @Test
  void theSavepointFolderIsBesideTheJobFoldersUnderTheStorage() {
    assertThat(ResumePoint.savepointDirectory("file:///srv/vigil/checkpoints/"))
        .isEqualTo("file:///srv/vigil/checkpoints/savepoints");
    assertThat(ResumePoint.savepointDirectory("s3://vigil-state/checkpoints"))
        .isEqualTo("s3://vigil-state/checkpoints/savepoints");
  }

  @Test
  void aSavepointIsNamedAsTheStartLineNamesIt() throws IOException {
    Path savepoint = completed("savepoints/savepoint-3c1f9e-0a1b2c3d4e5f", T);

    // Flink reports a local location as file:/path, without the authority or the trailing slash.
    assertThat(ResumePoint.display("file:" + savepoint))
        .isEqualTo(ResumePoint.latest(storage.toUri().toString()).orElseThrow().path());
    assertThat(ResumePoint.display("s3://vigil-state/checkpoints/savepoints/savepoint-1"))
        .isEqualTo("s3://vigil-state/checkpoints/savepoints/savepoint-1");
  }

  /**
   * A completed checkpoint or savepoint folder whose {@code _metadata} was written at {@code at}.
   */
  private Path completed(String folder, Instant at) throws IOException {
    Path path = Files.createDirectories(storage.resolve(folder));
    Path metadata = Files.writeString(path.resolve("_metadata"), "");
    Files.setLastModifiedTime(metadata, FileTime.from(at));
    return path;
  }
}
