package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded run over the shared corpus: every record accounted for, root use found, and the same
 * alerts on every run.
 */
class CorpusDetectionITCase {

  @TempDir Path out;

  @Test
  @Timeout(180)
  void corpusRunsToTheEnd() throws Exception {
    DetectSummary summary = run(3, "first");

    assertThat(summary.records()).isPositive();
    assertThat(summary.events() + summary.deadLetters()).isGreaterThanOrEqualTo(summary.records());
    assertThat(Files.readAllLines(out.resolve("first/events.jsonl")))
        .hasSize((int) summary.events());
    assertThat(Files.readAllLines(out.resolve("first/dead.jsonl")))
        .hasSize((int) summary.deadLetters());
    assertThat(summary.alerts()).containsKey("root_token_use");
    assertThat(Files.readAllLines(out.resolve("first/alerts.jsonl")))
        .hasSize((int) summary.totalAlerts());

    // The corpus holds files of many years, read in one order: with the default bound of 30 s most
    // records are late, which used to make the alerts depend on which subtask read which file and
    // on when the wall-clock watermark timer fired.
    assertThat(summary.lateRecords()).isPositive();
    DetectSummary second = run(1, "second");
    assertThat(second.lateRecords()).isEqualTo(summary.lateRecords());
    assertThat(Files.readString(out.resolve("second/alerts.jsonl")))
        .as("the alerts of a second run, at another parallelism")
        .isEqualTo(Files.readString(out.resolve("first/alerts.jsonl")));
    assertThat(Files.readString(out.resolve("second/events.jsonl")))
        .isEqualTo(Files.readString(out.resolve("first/events.jsonl")));
  }

  private DetectSummary run(int parallelism, String name) throws Exception {
    Path dir = out.resolve(name);
    return EmbeddedDetection.run(
        DetectOptions.builder()
            .setInputs(List.of(sharedDir().resolve("corpus")))
            .setParallelism(parallelism)
            .setTimeout(Duration.ofMinutes(2))
            .setAlertsOut(dir.resolve("alerts.jsonl"))
            .setEventsOut(dir.resolve("events.jsonl"))
            .setDeadLetterOut(dir.resolve("dead.jsonl"))
            .build());
  }

  static Path sharedDir() {
    String configured = System.getProperty("vigil.shared.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared");
    assertThat(dir.resolve("corpus")).as("the shared corpus").isDirectory();
    return dir;
  }
}
