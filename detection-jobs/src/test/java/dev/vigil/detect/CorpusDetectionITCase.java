package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded run over the shared Vault corpus: every record accounted for, root use found. */
class CorpusDetectionITCase {

  @TempDir Path out;

  @Test
  @Timeout(180)
  void vaultCorpusRunsToTheEnd() throws Exception {
    Path corpus = sharedDir().resolve("corpus/vault");
    DetectSummary summary =
        EmbeddedDetection.run(
            DetectOptions.of(List.of(corpus))
                .withParallelism(2)
                .withTimeout(Duration.ofMinutes(2))
                .withAlertsOut(out.resolve("alerts.jsonl"))
                .withEventsOut(out.resolve("events.jsonl"))
                .withDeadLetterOut(out.resolve("dead.jsonl")));

    assertThat(summary.records()).isPositive();
    assertThat(summary.events() + summary.deadLetters()).isGreaterThanOrEqualTo(summary.records());
    assertThat(Files.readAllLines(out.resolve("events.jsonl"))).hasSize((int) summary.events());
    assertThat(Files.readAllLines(out.resolve("dead.jsonl"))).hasSize((int) summary.deadLetters());
    assertThat(summary.alerts()).containsKey("root_token_use");
    assertThat(Files.readAllLines(out.resolve("alerts.jsonl")))
        .hasSize((int) summary.totalAlerts());
  }

  static Path sharedDir() {
    String configured = System.getProperty("vigil.shared.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared");
    assertThat(dir.resolve("corpus")).as("the shared corpus").isDirectory();
    return dir;
  }
}
