package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.DetectSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil detect}'s mistakes in options, inputs and outputs, each one line before the job
 * starts (the runs of the job: {@link DetectCommandITCase}).
 */
class DetectCommandTest {

  /** The project root, where {@code samples/} is: the tests run in {@code cli/}. */
  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();

  /**
   * A Vault root token writing a policy: one request, its response (one use), and a broken line.
   */
  static final String VAULT_ROOT_POLICY_WRITE =
      """
      {"time":"2026-11-20T10:20:14.000000001Z","type":"request","auth":{"client_token":"hmac-sha256:aa","accessor":"hmac-sha256:bb","display_name":"root","policies":["root"],"token_policies":["root"],"token_type":"service"},"request":{"id":"7c0e9a0e-1111-2222-3333-444455556666","operation":"update","mount_type":"system","namespace":{"id":"root"},"path":"sys/policies/acl/ops-admin","data":{"policy":"hmac-sha256:cc"},"remote_address":"10.20.0.5"}}
      {"time":"2026-11-20T10:20:14.003Z","type":"response","auth":{"client_token":"hmac-sha256:aa","accessor":"hmac-sha256:bb","display_name":"root","policies":["root"],"token_policies":["root"],"token_type":"service"},"request":{"id":"7c0e9a0e-1111-2222-3333-444455556666","operation":"update","mount_type":"system","namespace":{"id":"root"},"path":"sys/policies/acl/ops-admin","remote_address":"10.20.0.5"},"response":{"mount_type":"system"}}
      {"time":"2026-11-20T10:21:00Z","type":"request","auth":
      """;

  static final String CONSOLE_LOGIN =
      """
      {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAALICE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-11-20T10:40:01Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.44","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"eventID":"3d1e2f40-aaaa-4bbb-8ccc-000000000001","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}
      """;

  @TempDir Path dir;

  private CliRun cli() {
    return new CliRun(dir, List.of());
  }

  @Test
  void aMissingInputIsAOneLineErrorAndNothingRuns() {
    CliRun.Result result = cli().execute("detect", "nowhere.log");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly("vigil detect: no such file or directory: nowhere.log");
  }

  @Test
  void aDirectoryWithoutAnyInputFileIsAOneLineErrorAndNothingRuns() throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("docs/README.md"), "# notes");

    CliRun.Result result = cli().execute("detect", "docs");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil detect: no input files in docs (skipped: 1 *.tsv/*.md sidecar); give the files"
                + " or the directory that holds the audit logs");
  }

  @Test
  void refusesToWriteOverAnInput() throws IOException {
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("logs/trail.json"), CONSOLE_LOGIN);

    CliRun.Result file = cli().execute("detect", "--events-out", "vault.log", "vault.log");
    CliRun.Result inDirectory =
        cli().execute("detect", "--out", "logs/trail.json", "vault.log", "logs");

    assertThat(file.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(file.stderrLines())
        .containsExactly("vigil detect: refusing to overwrite the input vault.log (--events-out)");
    assertThat(inDirectory.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(inDirectory.stderrLines())
        .containsExactly("vigil detect: refusing to overwrite the input trail.json (--out)");
    assertThat(Files.readString(dir.resolve("vault.log"))).isEqualTo(VAULT_ROOT_POLICY_WRITE);
    assertThat(Files.readString(dir.resolve("logs/trail.json"))).isEqualTo(CONSOLE_LOGIN);
  }

  @Test
  void refusesTwoOutputsNamingOneFile() throws IOException {
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);

    CliRun.Result result =
        cli().execute("detect", "--out", "out.jsonl", "--dead-letter", "./out.jsonl", "vault.log");

    // Each output replaces the file at the end of the run: all but one would be lost.
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly("vigil detect: --out and --dead-letter name the same file: ./out.jsonl");
    assertThat(dir.resolve("out.jsonl")).doesNotExist();
  }

  @Test
  void outputsThatCannotBeWrittenAreOneLineBeforeTheJobRuns() throws IOException {
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);
    Files.createDirectories(dir.resolve("some-dir"));
    Files.writeString(dir.resolve("plain.txt"), "");

    CliRun.Result directory = cli().execute("detect", "--out", "some-dir/", "vault.log");
    CliRun.Result belowAFile =
        cli().execute("detect", "--dead-letter", "plain.txt/dead.jsonl", "vault.log");

    assertThat(directory.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(directory.stderrLines())
        .containsExactly(
            "vigil detect: cannot write --out some-dir/: it is a directory; give a file name");
    assertThat(belowAFile.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(belowAFile.stderrLines())
        .containsExactly(
            "vigil detect: cannot write --dead-letter plain.txt/dead.jsonl: plain.txt is not a"
                + " directory");
  }

  @Test
  void inputsThatAreNotFilesOrDirectoriesAreOneLineBeforeTheJobRuns() {
    CliRun.Result stdin = cli().execute("detect", "-");
    CliRun.Result device = cli().execute("detect", "/dev/null");

    assertThat(stdin.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(stdin.stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil detect: standard input '-' is not read here; give files or directories");
    assertThat(device.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(device.stderrLines())
        .containsExactly("vigil detect: not a regular file or directory: /dev/null");
  }

  @Test
  void theLateRecordsLineNamesTheInputsSpanAndABoundThatJudgesNoneLate() {
    assertThat(
            DetectionRun.lateRecordsLine(
                summary(7, "2014-03-06T10:00:00Z", "2026-05-20T09:00:00Z")))
        .isEqualTo(
            "late records (judged at the watermark, not dropped): 7; the inputs span 2014-03-06"
                + " to 2026-05-20: --max-out-of-orderness 4458d judges none late (events then wait"
                + " in memory until the input ends)");
    assertThat(
            DetectionRun.lateRecordsLine(
                summary(2, "2026-11-20T10:00:00Z", "2026-11-20T11:30:00Z")))
        .contains("span 2026-11-20T10:00:00Z to 2026-11-20T11:30:00Z: --max-out-of-orderness 2h ");
  }

  private static DetectSummary summary(long late, String earliest, String latest) {
    return new DetectSummary(
        10,
        Map.of("VAULT", 10L),
        Map.of(),
        Map.of(),
        late,
        Instant.parse(earliest),
        Instant.parse(latest),
        Map.of(),
        Duration.ofSeconds(1),
        Map.of(),
        List.of());
  }

  @Test
  void refusesABoundThatIsNotADuration() {
    CliRun.Result result =
        new CliRun(PROJECT_ROOT, List.of())
            .execute("detect", "--max-out-of-orderness", "soon", "samples");
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr())
        .startsWith(
            "vigil detect: --max-out-of-orderness: 'soon' is not"
                + " a duration; write a whole number and a unit: 500ms, 30s, 10m (or 10min), 2h,"
                + " 1d, 1w");
  }

  @Test
  void refusesABoundWithoutAUnit() {
    // Flink's syntax read a bare 5 as 5 ms; meant as seconds or minutes, it judged records late.
    CliRun.Result result =
        new CliRun(PROJECT_ROOT, List.of())
            .execute("detect", "--max-out-of-orderness", "5", "samples");
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr())
        .startsWith(
            "vigil detect: --max-out-of-orderness: '5' has no unit;" + " add one, e.g. 5s or 5m");
  }
}
