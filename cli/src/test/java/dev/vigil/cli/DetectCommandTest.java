package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil detect}'s watermark bound for files that cover the same period. */
class DetectCommandTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void aBoundCoveringTheInputsJudgesNoRecordLate(@TempDir Path dir) throws Exception {
    Path alerts = dir.resolve("alerts.jsonl");
    CliRun.Result result =
        new CliRun(ROOT, List.of())
            .execute(
                "detect",
                "--max-out-of-orderness",
                "1d",
                "--out",
                alerts.toString(),
                "--dead-letter",
                dir.resolve("dead.jsonl").toString(),
                "samples");
    // 2: the samples hold two broken records on purpose.
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(result.stderr()).doesNotContain("late records").contains(", 15 alerts in ");
    assertThat(Files.readAllLines(alerts)).hasSize(15);
  }

  @Test
  void refusesABoundThatIsNotADuration() {
    CliRun.Result result =
        new CliRun(ROOT, List.of()).execute("detect", "--max-out-of-orderness", "soon", "samples");
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr())
        .startsWith(
            "vigil detect: Invalid value for option '--max-out-of-orderness': 'soon' is not"
                + " a duration (for example 30s, 10min, 2h, 1d)");
  }
}
