package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil run}: mistakes in vigil.yaml end the command with one located line, no trace. */
class RunCommandTest {

  @TempDir Path dir;

  @Test
  void aMistakeInTheConfigIsOneLocatedLine() throws Exception {
    Files.writeString(
        dir.resolve("vigil.yaml"), "job:\n  name: x\ncheckpoints:\n  intervall: 5s\n");

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil run: ")
        .contains("vigil.yaml:4: checkpoints.intervall: unknown key");
  }

  @Test
  void aMissingConfigIsNamed() {
    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "absent.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .contains("absent.yaml")
        .contains("no such file");
  }

  @Test
  void brokersThatCannotBeResolvedAreOneLineNotAnInternalError() throws Exception {
    Files.writeString(
        dir.resolve("vigil.yaml"), "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n");

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).doesNotContain("internal error").doesNotContain("\tat ");
    assertThat(result.stderrLines())
        .last()
        .asString()
        .startsWith(
            "vigil run: cannot check or create the Kafka topics on no-such-host.invalid:9092")
        .contains("No resolvable bootstrap urls");
  }

  @Test
  void theConfigIsRequired() {
    CliRun.Result result = new CliRun(dir, List.of()).execute("run");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).contains("--config");
  }
}
