package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack verbs' wiring; starting real components is covered by the stack module's ITCases. */
class StackCommandTest {

  @TempDir Path dir;

  @Test
  void statusOfAStackNeverStartedSaysNothingRunsAndExitsThree() {
    CliRun.Result result =
        new CliRun(dir, List.of()).execute("stack", "status", "--state-dir", "state");

    // 3 as LSB and systemctl say "not running", so scripts can test for a running stack.
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(StackCommand.EXIT_NOT_RUNNING);
    assertThat(result.stderr())
        .containsPattern("Kafka +stopped")
        .containsPattern("OpenSearch +stopped")
        .contains("state and logs: " + dir.resolve("state"));
  }

  @Test
  void downWithNothingRunningStopsNothing() {
    CliRun.Result result =
        new CliRun(dir, List.of()).execute("stack", "down", "--state-dir", "state");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderr()).containsPattern("Kafka +stopped");
  }
}
