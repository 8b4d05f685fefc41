package dev.vigil.cli;

import static dev.vigil.cli.DetectCommandTest.VAULT_ROOT_POLICY_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil normalize} as its own process, for what only a process shows: signals. */
class NormalizeCommandITCase {

  @TempDir Path dir;

  @Test
  void aRunEndedBySigtermLeavesThePreviousOutputsAndNoPartialFile() throws Exception {
    Path events = Files.writeString(dir.resolve("events.jsonl"), "an earlier run's events\n");
    Path deadLetters =
        Files.writeString(
            dir.resolve("events.jsonl.deadletters.jsonl"), "an earlier run's dead letters\n");
    // Standard input that stays open: the run is still reading when the signal comes, its
    // outputs open and part written (two events and a dead letter).
    Process normalize =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                VigilCommand.class.getName(),
                "normalize",
                "--threads",
                "1",
                "--out",
                "events.jsonl",
                "-")
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (OutputStream stdin = normalize.getOutputStream()) {
      stdin.write(VAULT_ROOT_POLICY_WRITE.getBytes(StandardCharsets.UTF_8));
      stdin.write("\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      // (Or until the run writes over the earlier events: then the test fails at once below.)
      while (!(hasEntry(".events.jsonl.") && hasEntry(".events.jsonl.deadletters.jsonl."))
          && Files.readString(events).equals("an earlier run's events\n")) {
        assertThat(normalize.isAlive()).as("still running when its outputs are open").isTrue();
        assertThat(System.nanoTime()).as("outputs open within 120 s").isLessThan(deadline);
        Thread.sleep(20);
      }
      normalize.destroy(); // SIGTERM, as Ctrl-C: the JVM runs its shutdown hooks
      assertThat(normalize.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      normalize.destroyForcibly();
    }

    assertThat(hasEntry(".")).as("partial outputs hold raw records").isFalse();
    assertThat(events)
        .as("an interrupted run keeps the previous output")
        .hasContent("an earlier run's events");
    assertThat(deadLetters).hasContent("an earlier run's dead letters");
  }

  private boolean hasEntry(String prefix) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.anyMatch(entry -> entry.getFileName().toString().startsWith(prefix));
    }
  }
}
