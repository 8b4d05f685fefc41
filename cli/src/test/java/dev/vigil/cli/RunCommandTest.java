package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.client.JobInitializationException;
import org.apache.flink.runtime.clusterframework.ApplicationStatus;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.util.SerializedThrowable;
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
  void aRetainedCheckpointToResumeFromIsNamedAtStart() throws Exception {
    Path checkpoint = dir.resolve("checkpoints/5f0e4c3b2a1d/chk-7");
    Files.createDirectories(checkpoint);
    Files.writeString(checkpoint.resolve("_metadata"), "");
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
            + "checkpoints:\n  storage: checkpoints\n");

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.stderrLines())
        .contains("vigil run: resuming from the checkpoint " + checkpoint.toUri());
  }

  @Test
  void aJobThatCannotStartFromItsCheckpointSaysWhyAndWhichCheckpoint() {
    // What the embedded Flink reports when a checkpoint does not fit the job (seen with a changed
    // job.max_parallelism): the reason is only at the bottom of the chain.
    Exception refused =
        new JobInitializationException(
            new JobID(),
            "Could not start the JobMaster.",
            new CompletionException(
                new IllegalStateException(
                    "Failed to rollback to checkpoint/savepoint Checkpoint Metadata. Max"
                        + " parallelism mismatch between checkpoint/savepoint state and new"
                        + " program.")));
    JobResult result =
        new JobResult.Builder()
            .jobId(new JobID())
            .applicationStatus(ApplicationStatus.FAILED)
            .netRuntime(1)
            .serializedThrowable(new SerializedThrowable(refused))
            .build();

    String message = RunCommand.failure(result, Optional.of("file:/var/vigil/abc/chk-7"));

    assertThat(message)
        .isEqualTo(
            "the detection job failed: Failed to rollback to checkpoint/savepoint Checkpoint"
                + " Metadata. Max parallelism mismatch between checkpoint/savepoint state and new"
                + " program. (it was resuming from the checkpoint file:/var/vigil/abc/chk-7; to"
                + " start without it, point checkpoints.storage elsewhere)");
  }

  @Test
  void theConfigIsRequired() {
    CliRun.Result result = new CliRun(dir, List.of()).execute("run");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).contains("--config");
  }
}
