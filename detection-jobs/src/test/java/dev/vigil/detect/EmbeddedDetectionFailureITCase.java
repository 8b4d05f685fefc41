package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How {@code vigil detect} words a job that fails: as {@code vigil run} does. */
class EmbeddedDetectionFailureITCase {

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void aFailedJobNamesItsReasonAndTheRootCauseType() throws Exception {
    // The alerts file's directory cannot be made: a file of that name is in the way.
    Path blocker = Files.writeString(dir.resolve("blocker"), "");

    assertThatThrownBy(
            () ->
                EmbeddedDetection.run(
                    DetectOptions.builder()
                        .setInputs(List.of(Path.of("src/test/resources/mixed/mixed-sources.jsonl")))
                        .setParallelism(1)
                        .setTimeout(Duration.ofMinutes(1))
                        .setAlertsOut(blocker.resolve("alerts.jsonl"))
                        .setEventsOut(dir.resolve("events.jsonl"))
                        .setDeadLetterOut(dir.resolve("dead-letters.jsonl"))
                        .build()))
        .isInstanceOf(DetectionFailedException.class)
        .hasMessage(
            "the detection job failed: already exists as a file: "
                + blocker.toAbsolutePath()
                + " (FileAlreadyExistsException)");
  }
}
