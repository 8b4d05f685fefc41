package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.kafka.CheckpointStorageLock;
import dev.vigil.detect.kafka.EmbeddedJobRunner;
import dev.vigil.detect.kafka.ResumePoint;
import dev.vigil.detect.kafka.StateRetention;
import dev.vigil.detect.kafka.TopicSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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
  void aMistakeInAMappingTableIsItsFileAndLineBeforeTheBrokersAreTried() throws Exception {
    Files.createDirectories(dir.resolve("maps"));
    Files.writeString(
        dir.resolve("maps/vault.yaml"),
        "rules:\n  - match: {path: \"sys/*\"}\n    category: SYSTEM\n    flags: [mfaa]\n");
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\nsources:\n  mappings_dir: maps\n");

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil run: "
                + dir.resolve("maps/vault.yaml")
                + ":4: rule 1: flag 'mfaa' is not one the VAULT parser reads (root_credential,"
                + " token_issue, mfa, dynamic_credential); did you mean 'mfa'?");
  }

  @Test
  void aMissingConfigIsNamed() {
    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "absent.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly("vigil run: absent.yaml: no such file or directory");
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
    // The job never ran: no line says it does.
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil run: no checkpoint or savepoint to resume from under file://"
                + dir.resolve(".vigil/checkpoints")
                + ", so the job starts with empty rule state, reading from the offsets committed"
                + " by the consumer group vigil-detection, else the earliest"
                + " (kafka.starting_offsets: committed)",
            "vigil run: checking the Kafka brokers at no-such-host.invalid:9092 (up to 30s)",
            "vigil run: " + TopicSetup.unreachable("no-such-host.invalid:9092"));
  }

  @Test
  void rulesThatDoNotLoadAreNamedBeforeTheBrokersAreTried() throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(dir.resolve("rules/broken.yml"), "title: broken\nid: x\n");
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: 192.0.2.1:9092\nrules:\n  path: rules\n");

    // 192.0.2.1 (TEST-NET-1) never answers: the Kafka check would spend its 30 s timeout first.
    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).contains("broken.yml").doesNotContain("Kafka");
    assertThat(result.stderrLines())
        .last()
        .isEqualTo("vigil run: the rules do not load; run 'vigil rules validate' for details");
  }

  @Test
  void aRuleNamingAnUnconfiguredDestinationStopsTheStartWithASuggestion() throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        dir.resolve("rules/paged.yml"),
        """
        title: Paged
        id: 7b0c6a52-9f43-4a57-a0c1-3f5e9f1d2c11
        name: paged_rule
        level: high
        notify: [secops-slak]
        detection:
          selection:
            denied: true
          condition: selection
        """);
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        rules:
          path: rules
        notify:
          destinations:
            secops-slack:
              type: webhook
              url: https://hooks.example.com/vigil
              hmac_key_env: HOME
        """);

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).doesNotContain("Kafka").doesNotContain("is running");
    assertThat(result.stderrLines())
        .containsExactly(
            dir.resolve("rules/paged.yml")
                + ":1: rule paged_rule: notify names the destination 'secops-slak', which"
                + " vigil.yaml does not configure; did you mean 'secops-slack'?",
            "vigil run: a rule names a notify destination that vigil.yaml does not configure"
                + " (notify.destinations); fix the name in the rule or add the destination");
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
        .containsExactly(
            "vigil run: vigil.yaml:7: notify.destinations.oncall.routing_key_env: environment"
                + " variable VIGIL_PD_ROUTING_KEY is not set or empty");
  }

  @Test
  void aSlackWebhookFileThatHoldsNoUrlIsNamedAtStartWithoutItsContent() throws Exception {
    // A Slack webhook file that holds something else (a token pasted by mistake) used to pass the
    // check at start and fail the notify task on every restart.
    Files.writeString(dir.resolve("slack-webhook"), "xoxb-not-a-webhook-url\n");
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        notify:
          destinations:
            chat:
              type: slack
              webhook_url_file: slack-webhook
        """);

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).doesNotContain("xoxb");
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil run: vigil.yaml:7: notify.destinations.chat.webhook_url_file: the Slack webhook"
                + " URL from file "
                + dir.resolve("slack-webhook")
                + " is not an http(s) URL");
  }

  @Test
  void aBrokenRetentionFileIsOneLocatedLineBeforeTheBrokersAreTriedWithoutItsContent()
      throws Exception {
    // Read first where the job was built, its mistake was an internal error with a stack trace.
    // The file is not YAML and holds a secret: a retention_file pointed at the wrong file.
    Files.writeString(dir.resolve("retention.yaml"), "classes: [\n  token: s3cr3t-in-the-file\n");
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        opensearch:
          url: http://127.0.0.1:9
          retention_file: retention.yaml
        """);

    // 192.0.2.1 (TEST-NET-1) never answers: the Kafka check would spend its 30 s timeout first.
    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).doesNotContain("s3cr3t");
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil run: vigil.yaml:5: opensearch.retention_file: "
                + dir.resolve("retention.yaml")
                + ": not valid YAML at line 3: expected ',' or ']', but got <stream end>");
  }

  @Test
  void aRetainedCheckpointToResumeFromIsNamedAtStart() throws Exception {
    Path checkpoint = dir.resolve("checkpoints/5f0e4c3b2a1d00112233445566778899/chk-7");
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
  void theStorageIsNamedOneWayWhetherAnEarlierRunMadeItsDirectoryOrNot() throws Exception {
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
            + "checkpoints:\n  storage: checkpoints\n");
    String freshStart =
        "vigil run: no checkpoint or savepoint to resume from under file://"
            + dir.resolve("checkpoints")
            + ", so the job starts with empty rule state, reading from the offsets committed by the"
            + " consumer group vigil-detection, else the earliest (kafka.starting_offsets:"
            + " committed)";

    CliRun.Result first = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");
    // The first run made the directory (its lock file is in it): the second names it the same way.
    assertThat(dir.resolve("checkpoints")).isDirectory();
    CliRun.Result second = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(first.stderrLines()).first().isEqualTo(freshStart);
    assertThat(second.stderrLines()).first().isEqualTo(freshStart);
  }

  @Test
  void aSecondRunOnTheSameStorageIsOneLineBeforeItResumesPrunesOrTriesTheBrokers()
      throws Exception {
    Path olderSavepoint = dir.resolve("checkpoints/savepoints/savepoint-5f0e4c-0a0b0c0d0e0f");
    Path checkpoint = dir.resolve("checkpoints/5f0e4c3b2a1d00112233445566778899/chk-7");
    for (Path folder : List.of(olderSavepoint, checkpoint)) {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve("_metadata"), "");
    }
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
            + "checkpoints:\n  storage: checkpoints\n  retained_states: 1\n");
    Instant since = Instant.parse("2026-11-24T13:20:05Z");

    CliRun.Result result;
    try (CheckpointStorageLock running =
        CheckpointStorageLock.acquire(dir.resolve("checkpoints").toString(), 1234, since)
            .orElseThrow()) {
      result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");
    }

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil run: another vigil run (pid 1234, since 2026-11-24 13:20:05 UTC) uses the"
                + " checkpoint storage file://"
                + dir.resolve("checkpoints")
                + "; stop it first, or give this run its own checkpoints.storage");
    assertThat(List.of(olderSavepoint, checkpoint)).allMatch(Files::isDirectory);
  }

  @Test
  void aTakenRestPortIsOneLineBeforeItPrunesOrTriesTheBrokers() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      List<Path> states = twoStates();
      Files.writeString(
          dir.resolve("vigil.yaml"),
          "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
              + "checkpoints:\n  storage: checkpoints\n  retained_states: 1\n"
              + "job:\n  rest_port: "
              + taken.getLocalPort()
              + "\n");

      CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

      assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
      // No line about the brokers: no topic was checked or created, no state pruned.
      assertThat(result.stderrLines())
          .containsExactly(
              "vigil run: the embedded Flink cluster could not listen on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (job.rest_port in vigil.yaml): the port is taken; choose another, or 0 for a"
                  + " free one");
      assertThat(states).allMatch(Files::isDirectory);
    }
  }

  @Test
  void aTakenMetricsPortIsOneLineBeforeItPrunesOrTriesTheBrokers() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      List<Path> states = twoStates();
      Files.writeString(
          dir.resolve("vigil.yaml"),
          "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
              + "checkpoints:\n  storage: checkpoints\n  retained_states: 1\n"
              + "metrics:\n  prometheus:\n    port: "
              + taken.getLocalPort()
              + "\n");

      CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

      assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
      assertThat(result.stderrLines())
          .singleElement()
          .asString()
          .startsWith(
              "vigil run: cannot serve metrics on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (metrics.prometheus in vigil.yaml): ");
      assertThat(states).allMatch(Files::isDirectory);
    }
  }

  /** An older savepoint and a newer checkpoint: a start that keeps one state would prune one. */
  private List<Path> twoStates() throws Exception {
    Path olderSavepoint = dir.resolve("checkpoints/savepoints/savepoint-5f0e4c-0a0b0c0d0e0f");
    Path checkpoint = dir.resolve("checkpoints/5f0e4c3b2a1d00112233445566778899/chk-7");
    for (Path folder : List.of(olderSavepoint, checkpoint)) {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve("_metadata"), "");
    }
    Files.setLastModifiedTime(
        olderSavepoint.resolve("_metadata"), FileTime.from(Instant.parse("2026-11-01T00:00:00Z")));
    return List.of(olderSavepoint, checkpoint);
  }

  @Test
  void storageThatCannotBeLockedIsSaidToBeForOneRunOnly() throws Exception {
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
            + "checkpoints:\n  storage: s3://vigil-state/checkpoints\n");

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    assertThat(result.stderrLines())
        .startsWith(
            "vigil run: checkpoints.storage s3://vigil-state/checkpoints is not a local directory,"
                + " so nothing keeps a second vigil run from using it too; make sure this is the"
                + " only run with that storage",
            "vigil run: checkpoints.storage s3://vigil-state/checkpoints is not looked into for a"
                + " state to resume from, so the job starts with empty rule state, reading from the"
                + " offsets committed by the consumer group vigil-detection, else the earliest"
                + " (kafka.starting_offsets: committed)");
  }

  @Test
  void aSavepointHoldingStateOfARemovedOutputNamesItAndTheWayOut() {
    // Flink's refusal names only the operator's hash: here that of the pager's operator, whose uid
    // is alerts-notify.
    String notifyHash =
        new org.apache.flink.runtime.jobgraph.OperatorID(
                org.apache.flink.streaming.api.graph.StreamGraphHasherV2.generateUserSpecifiedHash(
                    "alerts-notify"))
            .toString();
    String message =
        failureResumingFromASavepoint(
            "Failed to rollback to checkpoint/savepoint file:/var/vigil/savepoints/x."
                + " Cannot map checkpoint/savepoint state for operator "
                + notifyHash
                + " to the new program, because the operator is not available in the new"
                + " program. If you want to allow to skip this, you can set the"
                + " --allowNonRestoredState option on the CLI.");

    assertThat(message)
        .isEqualTo(
            "the detection job failed: the savepoint"
                + " file:///var/vigil/savepoints/savepoint-5f0e4c-1a2b3c4d5e6f/ holds state of"
                + " alerts-notify (notify:), which this configuration removes; run vigil run"
                + " --allow-dropped-state once to leave that state behind and restore the rest, or"
                + " put the setting back");
  }

  @Test
  void aJobThatCannotStartFromItsCheckpointSaysWhyAndWhichCheckpoint() {
    // What the embedded Flink reports when a checkpoint does not fit the job (seen with a changed
    // job.max_parallelism): the reason is only at the bottom of the chain.
    String message =
        failureResumingFromASavepoint(
            "Failed to rollback to checkpoint/savepoint Checkpoint Metadata. Max"
                + " parallelism mismatch between checkpoint/savepoint state and new"
                + " program.");

    assertThat(message)
        .isEqualTo(
            "the detection job failed: failed to rollback to checkpoint/savepoint Checkpoint"
                + " Metadata. Max parallelism mismatch between checkpoint/savepoint state and new"
                + " program. (IllegalStateException) (it was resuming from the savepoint"
                + " file:///var/vigil/savepoints/savepoint-5f0e4c-1a2b3c4d5e6f/; to start without"
                + " it, point checkpoints.storage elsewhere)");
  }

  @Test
  void aFinalSavepointNewerThanTheCheckpointsIsResumedFromAndNothingIsPrunedForARunThatNeverStarts()
      throws Exception {
    Path olderSavepoint = dir.resolve("checkpoints/savepoints/savepoint-5f0e4c-0a0b0c0d0e0f");
    Path checkpoint = dir.resolve("checkpoints/5f0e4c3b2a1d00112233445566778899/chk-7");
    Path savepoint = dir.resolve("checkpoints/savepoints/savepoint-5f0e4c-1a2b3c4d5e6f");
    Instant stopped = Instant.parse("2026-01-01T12:00:00Z");
    Instant written = stopped.minusSeconds(60);
    for (Path folder : List.of(olderSavepoint, checkpoint, savepoint)) {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve("_metadata"), "");
      for (Path path = folder.resolve("_metadata");
          !path.equals(dir.resolve("checkpoints"));
          path = path.getParent()) {
        Files.setLastModifiedTime(path, FileTime.from(written));
      }
      written = written.plusSeconds(56);
    }
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n"
            + "checkpoints:\n  storage: checkpoints\n  retained_states: 2\n");

    CliRun.Result result = new CliRun(dir, List.of()).execute("run", "--config", "vigil.yaml");

    // The brokers do not answer, so the job never starts: old states are pruned only once it
    // runs (RunCommandITCase), so that a refused start leaves the storage as it was.
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .contains("vigil run: resuming from the savepoint " + savepoint.toUri())
        .noneMatch(line -> line.startsWith("vigil run: removed "));
    assertThat(List.of(olderSavepoint, checkpoint, savepoint)).allMatch(Files::isDirectory);
  }

  @Test
  void theLineOfWhatWasPrunedNamesTheSetting() {
    assertThat(RunCommand.prunedLine(new StateRetention.Pruned(2, 1, List.of()), 3))
        .isEqualTo(
            "vigil run: removed 2 older savepoints and the checkpoints of 1 older run"
                + " (checkpoints.retained_states: 3)");
    assertThat(RunCommand.prunedLine(new StateRetention.Pruned(0, 2, List.of()), 1))
        .isEqualTo(
            "vigil run: removed the checkpoints of 2 older runs (checkpoints.retained_states: 1)");
  }

  @Test
  void aStopSaysWhatItWaitsForAndHowTheJobEnded() {
    StringWriter lines = new StringWriter();
    RunCommand.StopReport report = new RunCommand.StopReport(new PrintWriter(lines));

    report.savepointRequested(Duration.ofMinutes(1));
    report.stopped(
        new EmbeddedJobRunner.Stop.WithSavepoint(
            "file:///srv/vigil/checkpoints/savepoints/savepoint-5f0e4c-1a2b3c4d5e6f/"));
    report.stopped(
        new EmbeddedJobRunner.Stop.Cancelled(
            "it was not taken within 1m (checkpoints.final_savepoint_timeout)", true));
    report.stopped(new EmbeddedJobRunner.Stop.Cancelled("No space left on device", false));
    report.stopped(new EmbeddedJobRunner.Stop.AlreadyEnded());

    assertThat(lines.toString().lines())
        .containsExactly(
            "vigil run: stopping the job with a final savepoint (waiting at most 1m)",
            "vigil run: stopped with the savepoint"
                + " file:///srv/vigil/checkpoints/savepoints/savepoint-5f0e4c-1a2b3c4d5e6f/; the"
                + " next vigil run resumes from it",
            "vigil run: no final savepoint (it was not taken within 1m"
                + " (checkpoints.final_savepoint_timeout)); cancelled the job instead, so the next"
                + " vigil run resumes from its last checkpoint and repeats what followed it",
            "vigil run: no final savepoint (No space left on device); cancelled the job instead,"
                + " and checkpoints.retain_on_cancel is false, so its checkpoints are gone");
  }

  @Test
  void aJobThatFailedForGoodNamesTheRootCauseTypeAndNeverAValueItQuotes() {
    JobResult npe =
        failedWith(
            new RuntimeException(
                "Could not forward element to next operator", new NullPointerException()));
    JobResult quoting =
        failedWith(
            new RuntimeException(
                "Could not forward element to next operator",
                new NumberFormatException("For input string: \"hunter2\"")));

    assertThat(RunCommand.failure(npe, Optional.empty()))
        .isEqualTo(
            "the detection job failed: NullPointerException without a message (in: could not"
                + " forward element to next operator)");
    assertThat(RunCommand.failure(quoting, Optional.empty()))
        .isEqualTo(
            "the detection job failed: NumberFormatException (its message is left out: it can"
                + " quote a value of a record)");
  }

  private static JobResult failedWith(Throwable failure) {
    return new JobResult.Builder()
        .jobId(new JobID())
        .applicationStatus(ApplicationStatus.FAILED)
        .netRuntime(1)
        .serializedThrowable(new SerializedThrowable(failure))
        .build();
  }

  @Test
  void theConfigIsRequired() {
    CliRun.Result result = new CliRun(dir, List.of()).execute("run");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr()).contains("--config");
  }

  /**
   * What {@code vigil run} says of a job the embedded Flink could not start, with {@code reason} at
   * the bottom of the cause chain as Flink reports it, while resuming from a savepoint.
   */
  private static String failureResumingFromASavepoint(String reason) {
    Exception refused =
        new JobInitializationException(
            new JobID(),
            "Could not start the JobMaster.",
            new CompletionException(new IllegalStateException(reason)));
    JobResult result =
        new JobResult.Builder()
            .jobId(new JobID())
            .applicationStatus(ApplicationStatus.FAILED)
            .netRuntime(1)
            .serializedThrowable(new SerializedThrowable(refused))
            .build();
    return RunCommand.failure(
        result,
        Optional.of(
            new ResumePoint(
                ResumePoint.Kind.SAVEPOINT,
                "file:///var/vigil/savepoints/savepoint-5f0e4c-1a2b3c4d5e6f/",
                Instant.now())));
  }
}
