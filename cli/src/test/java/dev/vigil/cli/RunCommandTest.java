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
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
            + "  topics:\n    raw: {audit.raw.vault: vault}\n    raw_pattern: 'audit\\.raw\\..*'\n");

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).doesNotContain("internal error").doesNotContain("\tat ");
    assertThat(result.stderrLines())
        .first()
        .asString()
        .contains("reading audit.raw.vault and the topics matching audit\\.raw\\..* from");
    assertThat(result.stderrLines())
        .last()
        .asString()
        .startsWith(
            "vigil run: cannot check or create the Kafka topics on no-such-host.invalid:9092")
        .contains("No resolvable bootstrap urls");
  }

  @Test
  void aMissingPagerSecretIsNamedBeforeTheBrokersAreTried() throws Exception {
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        notify:
          destinations:
            oncall:
              type: pagerduty
              routing_key_env: VIGIL_PD_ROUTING_KEY
        """);

    // 192.0.2.1 (TEST-NET-1) never answers: the Kafka check would spend its 30 s timeout first.
    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .last()
        .asString()
        .startsWith("vigil run: ")
        .contains("VIGIL_PD_ROUTING_KEY")
        .doesNotContain("Kafka");
  }

  @Test
  void theConfigIsRequired() {
    CliRun.Result result = new CliRun(dir, List.of()).execute("run");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).contains("--config");
  }
}
