package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.DetectSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detection job through the CLI, on the embedded Flink, with the real parsers and pack. */
class DetectCommandITCase {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The project root, where {@code samples/} is: the tests run in {@code cli/}. */
  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();

  /**
   * A Vault root token writing a policy: one request, its response (one use), and a broken line.
   */
  private static final String VAULT_ROOT_POLICY_WRITE =
      """
      {"time":"2026-11-20T10:20:14.000000001Z","type":"request","auth":{"client_token":"hmac-sha256:aa","accessor":"hmac-sha256:bb","display_name":"root","policies":["root"],"token_policies":["root"],"token_type":"service"},"request":{"id":"7c0e9a0e-1111-2222-3333-444455556666","operation":"update","mount_type":"system","namespace":{"id":"root"},"path":"sys/policies/acl/ops-admin","data":{"policy":"hmac-sha256:cc"},"remote_address":"10.20.0.5"}}
      {"time":"2026-11-20T10:20:14.003Z","type":"response","auth":{"client_token":"hmac-sha256:aa","accessor":"hmac-sha256:bb","display_name":"root","policies":["root"],"token_policies":["root"],"token_type":"service"},"request":{"id":"7c0e9a0e-1111-2222-3333-444455556666","operation":"update","mount_type":"system","namespace":{"id":"root"},"path":"sys/policies/acl/ops-admin","remote_address":"10.20.0.5"},"response":{"mount_type":"system"}}
      {"time":"2026-11-20T10:21:00Z","type":"request","auth":
      """;

  private static final String CONSOLE_LOGIN =
      """
      {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAALICE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-11-20T10:40:01Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.44","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"eventID":"3d1e2f40-aaaa-4bbb-8ccc-000000000001","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}
      """;

  @TempDir Path dir;

  private CliRun cli() {
    return new CliRun(dir, List.of());
  }

  @Test
  void alertsGoToStdoutAndDeadLettersAreKept() throws IOException {
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);

    CliRun.Result result = cli().execute("detect", "vault.log", "--events-out", "events.jsonl");

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    List<JsonNode> alerts = parse(result.stdoutLines());
    assertThat(alerts)
        .as("a request and its response are one use of the root token")
        .filteredOn(a -> a.get("detection").asText().equals("root_token_use"))
        .hasSize(1);
    assertThat(Files.readAllLines(dir.resolve("events.jsonl"))).hasSize(2);
    assertThat(result.stderrLines().get(0))
        .startsWith("vigil detect: 1 input, 3 records in, 2 events, 1 dead-lettered, ");
    assertThat(result.stderr()).contains("dead-lettered by reason: MALFORMED_JSON 1");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> kept =
          files.filter(p -> p.getFileName().toString().startsWith("vigil-deadletters-")).toList();
      assertThat(kept).hasSize(1);
      assertThat(Files.readString(kept.get(0))).contains("\"reason\":\"MALFORMED_JSON\"");
    }
  }

  @Test
  void originsNameTheInputsAsGivenAsNormalizeDoes() throws IOException {
    Files.createDirectories(dir.resolve("one"));
    Files.createDirectories(dir.resolve("two/sub"));
    Files.writeString(dir.resolve("one/vault.log"), VAULT_ROOT_POLICY_WRITE);
    Files.writeString(dir.resolve("two/sub/trail.json"), CONSOLE_LOGIN + "{\"x\":1}\n");

    CliRun.Result detect =
        cli()
            .execute(
                "detect",
                "--events-out",
                "d.jsonl",
                "--dead-letter",
                "d.dead.jsonl",
                "one/vault.log",
                "two");
    CliRun.Result normalize =
        cli().execute("normalize", "--out", "n.jsonl", "one/vault.log", "two");

    assertThat(detect.exitCode()).as(detect.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(normalize.exitCode()).as(normalize.stderr()).isEqualTo(2);
    List<String> detected = origins("d.jsonl", "d.dead.jsonl");
    assertThat(detected)
        .as("a file as typed, relative stays relative; a directory's files relative to it")
        .containsExactlyInAnyOrder(
            "one/vault.log:1",
            "one/vault.log:2",
            "one/vault.log:3",
            "sub/trail.json:1",
            "sub/trail.json:2");
    assertThat(detected)
        .containsExactlyInAnyOrderElementsOf(origins("n.jsonl", "n.jsonl.deadletters.jsonl"));
  }

  @Test
  void aDamagedGzipIsReportedAsNormalizeReportsIt() throws IOException {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(VAULT_ROOT_POLICY_WRITE.getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = gzipped.toByteArray();
    Files.write(dir.resolve("t5.gz"), Arrays.copyOf(bytes, bytes.length / 2));

    CliRun.Result detect = cli().execute("detect", "--dead-letter", "dl.jsonl", "t5.gz");
    CliRun.Result normalize = cli().execute("normalize", "--dead-letter", "dl2.jsonl", "t5.gz");

    assertThat(detect.exitCode()).as(detect.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    String prefix = "vigil normalize: t5.gz:";
    String normalized =
        normalize.stderrLines().stream()
            .filter(l -> l.startsWith(prefix))
            .findFirst()
            .orElseThrow();
    assertThat(normalized).contains("the gzip file is cut off");
    assertThat(detect.stderrLines())
        .as("the path as given, once, in normalize's words, before the summary")
        .startsWith(normalized.replace("vigil normalize:", "vigil detect:"));
  }

  private List<String> origins(String... files) throws IOException {
    List<String> origins = new java.util.ArrayList<>();
    for (String file : files) {
      for (String line : Files.readAllLines(dir.resolve(file))) {
        origins.add(MAPPER.readTree(line).get("origin").asText());
      }
    }
    return origins;
  }

  @Test
  void theSummaryPrintsTheCountsAsNormalizeDoesInTheSameWordsAndOrder() throws IOException {
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);
    Files.writeString(
        dir.resolve("trail.json"), CONSOLE_LOGIN + "{\"eventVersion\":\"1.09\"}\n{\"x\":1}\n");

    List<String> detect =
        cli()
            .execute(
                "detect",
                "--max-out-of-orderness",
                "1h",
                "--dead-letter",
                "dl.jsonl",
                "vault.log",
                "trail.json")
            .stderrLines();
    List<String> normalize =
        cli()
            .execute(
                "normalize",
                "--out",
                "ev.jsonl",
                "--dead-letter",
                "dl2.jsonl",
                "vault.log",
                "trail.json")
            .stderrLines();

    assertThat(detect.get(0))
        .startsWith("vigil detect: 2 inputs, 6 records in, 3 events, 3 dead-lettered, ");
    assertThat(normalize.get(0))
        .isEqualTo("vigil normalize: 2 inputs, 6 records in, 3 events, 3 dead-lettered");
    // Sources and reasons in the schema's order, unknown last.
    assertThat(normalize.subList(1, 4))
        .containsExactly(
            "  events by source: VAULT 2, AWS_CLOUDTRAIL 1",
            "  dead-lettered by reason: MALFORMED_JSON 1, UNKNOWN_FORMAT 1, MISSING_FIELD 1",
            "  dead-lettered by source: AWS_CLOUDTRAIL 1, unknown 2");
    assertThat(detect.subList(1, 5))
        .containsExactlyElementsOf(
            Stream.concat(
                    normalize.subList(1, 4).stream(),
                    Stream.of("  dead letters written to dl.jsonl"))
                .toList());
  }

  @Test
  void inputsWithoutAnyRecordGetTheWarningNormalizeGives() throws IOException {
    Files.writeString(dir.resolve("empty.log"), "");
    Files.writeString(dir.resolve("blank.log"), "\n  \n");

    CliRun.Result detect = cli().execute("detect", "empty.log", "blank.log");
    CliRun.Result normalize = cli().execute("normalize", "empty.log", "blank.log");

    assertThat(detect.exitCode()).as(detect.stderr()).isZero();
    String warning =
        ": no records found in the inputs (2 inputs read, all empty or blank); check that they"
            + " are the audit logs meant";
    assertThat(detect.stderrLines()).last().isEqualTo("vigil detect" + warning);
    assertThat(normalize.stderrLines()).last().isEqualTo("vigil normalize" + warning);
  }

  @Test
  void backtestKeepsDeadLettersOnlyWhenAskedAndLeavesNoFilePerRun() throws IOException {
    Files.writeString(dir.resolve("rule.yml"), RulesCommandTest.CONSOLE_LOGIN_RULE);
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);

    CliRun.Result counted = cli().execute("rules", "backtest", "--rules", "rule.yml", "vault.log");
    assertThat(counted.exitCode()).as(counted.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(counted.stderrLines())
        .contains(
            "  dead-lettered by reason: MALFORMED_JSON 1",
            "  dead letters not kept; give --dead-letter FILE to keep them");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("rule.yml", "vault.log");
    }

    CliRun.Result kept =
        cli()
            .execute(
                "rules",
                "backtest",
                "--rules",
                "rule.yml",
                "--dead-letter",
                "out/dl.jsonl",
                "--events-out",
                "out/events.jsonl",
                "vault.log");
    assertThat(kept.exitCode()).as(kept.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(kept.stderrLines()).contains("  dead letters written to out/dl.jsonl");
    assertThat(Files.readString(dir.resolve("out/dl.jsonl"))).contains("MALFORMED_JSON");
    assertThat(Files.readAllLines(dir.resolve("out/events.jsonl"))).hasSize(2);
  }

  @Test
  void anEnvelopeCountsAsTheRecordsItHoldsAsNormalizeCountsThem() throws IOException {
    String login = CONSOLE_LOGIN.strip();
    String second = login.replace("000000000001", "000000000002");
    Files.writeString(
        dir.resolve("cloudtrail.json"), "{\"Records\":[" + login + "," + second + "]}\n");

    CliRun.Result result = cli().execute("detect", "cloudtrail.json");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderrLines().get(0))
        .startsWith("vigil detect: 1 input, 2 records in, 2 events, 0 dead-lettered, ");
  }

  @Test
  void writesAlertsToTheOutFileAndExitsZeroWithoutDeadLetters() throws IOException {
    Files.writeString(
        dir.resolve("vault.log"),
        VAULT_ROOT_POLICY_WRITE.lines().limit(2).map(l -> l + "\n").reduce("", String::concat));

    CliRun.Result result = cli().execute("detect", "--out", "alerts.jsonl", "vault.log");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEmpty();
    assertThat(parse(Files.readAllLines(dir.resolve("alerts.jsonl"))))
        .extracting(a -> a.get("detection").asText())
        .contains("root_token_use");
    assertThat(Files.getPosixFilePermissions(dir.resolve("alerts.jsonl")))
        .as("the umask decides, as for any file the user writes")
        .isEqualTo(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain.txt"))));
  }

  @Test
  void backtestRunsOnlyTheGivenRules() throws IOException {
    Files.writeString(dir.resolve("rule.yml"), RulesCommandTest.CONSOLE_LOGIN_RULE);
    Files.writeString(dir.resolve("trail.json"), CONSOLE_LOGIN);
    Files.writeString(
        dir.resolve("vault.log"),
        VAULT_ROOT_POLICY_WRITE.lines().limit(2).map(l -> l + "\n").reduce("", String::concat));

    CliRun.Result result =
        cli().execute("rules", "backtest", "--rules", "rule.yml", "trail.json", "vault.log");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    List<JsonNode> alerts = parse(result.stdoutLines());
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).get("rule_name").asText()).isEqualTo("console_sign_in");
    assertThat(alerts.get(0).get("rule_author").asText()).isEqualTo("Vigil tests");
    assertThat(result.stderrLines().get(0))
        .startsWith(
            "vigil rules backtest: 2 inputs, 3 records in, 3 events, 0 dead-lettered, 1 alert in ");
  }

  @Test
  void backtestTellsTheRulesWarningsBeforeItRuns() throws IOException {
    Files.writeString(
        dir.resolve("rule.yml"),
        RulesCommandTest.CONSOLE_LOGIN_RULE.replace(
            "eventName: ConsoleLogin",
            "eventName: ConsoleLogin\n    userIdentity.tpye|exists: false"));
    Files.writeString(dir.resolve("trail.json"), CONSOLE_LOGIN);

    CliRun.Result result = cli().execute("rules", "backtest", "--rules", "rule.yml", "trail.json");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderrLines().get(0))
        .isEqualTo(
            dir.resolve("rule.yml")
                + ":12: warning: unknown field 'userIdentity.tpye' for aws/cloudtrail records;"
                + " did you mean 'userIdentity.type'? (write raw.userIdentity.tpye if it is right)");
    assertThat(result.stderrLines().get(1)).startsWith("vigil rules backtest: 1 input, ");
  }

  @Test
  void theSummaryNamesARuleWithoutANameByItsTitle() throws IOException {
    // As most upstream Sigma rules: no name, so alerts carry the id as their detection.
    Files.writeString(
        dir.resolve("rule.yml"),
        RulesCommandTest.CONSOLE_LOGIN_RULE.replace("name: console_sign_in\n", ""));
    Files.writeString(dir.resolve("trail.json"), CONSOLE_LOGIN);

    CliRun.Result result = cli().execute("rules", "backtest", "--rules", "rule.yml", "trail.json");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(parse(result.stdoutLines()).get(0).get("detection").asText())
        .isEqualTo("0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10");
    assertThat(result.stderrLines())
        .contains("  alerts Console sign-in (0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10): low 1");
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
  void anOutputThatIsAPipeIsWrittenInPlaceNotReplacedByAFile() throws Exception {
    Files.writeString(
        dir.resolve("vault.log"),
        VAULT_ROOT_POLICY_WRITE.lines().limit(2).map(l -> l + "\n").reduce("", String::concat));
    Path pipe = dir.resolve("alerts.pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    CompletableFuture<String> received =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Files.readString(pipe);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    CliRun.Result result = cli().execute("detect", "--out", "alerts.pipe", "vault.log");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    // Renamed onto, the pipe would have become a regular file (and /dev/null, for root, too).
    assertThat(Files.isRegularFile(pipe)).isFalse();
    assertThat(parse(received.get(30, TimeUnit.SECONDS).lines().toList()))
        .extracting(a -> a.get("detection").asText())
        .contains("root_token_use");
  }

  @Test
  void anOutputFailingDuringTheRunFailsItInOneLineAndDeadLettersNothing() throws Exception {
    // Enough events to overflow the pipe once its reader has gone, as a full disk would.
    String twoEvents =
        VAULT_ROOT_POLICY_WRITE.lines().limit(2).map(l -> l + "\n").reduce("", String::concat);
    Files.writeString(dir.resolve("vault.log"), twoEvents.repeat(1_000));
    Path pipe = dir.resolve("events.pipe");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
    CompletableFuture<Void> readerGone =
        CompletableFuture.runAsync(
            () -> {
              try {
                Files.newInputStream(pipe).close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    CliRun.Result result =
        cli()
            .execute(
                "detect",
                "--events-out",
                "events.pipe",
                "--dead-letter",
                "dl.jsonl",
                "--out",
                "alerts.jsonl",
                "vault.log");

    readerGone.get(30, TimeUnit.SECONDS);
    // The sink's failure is not the records' fault: no dead letter blames the parser, and the
    // clean-up of the failed task does not take the embedded cluster down with another error.
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly("vigil detect: the detection job failed: broken pipe");
    assertThat(dir.resolve("dl.jsonl")).doesNotExist();
    assertThat(dir.resolve("alerts.jsonl")).doesNotExist();
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
  void aBoundCoveringTheInputsJudgesNoRecordLate() throws IOException {
    Path alerts = dir.resolve("alerts.jsonl");
    CliRun.Result result =
        new CliRun(PROJECT_ROOT, List.of())
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

  private static List<JsonNode> parse(List<String> lines) {
    return lines.stream()
        .filter(line -> !line.isBlank())
        .map(
            line -> {
              try {
                return MAPPER.readTree(line);
              } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
              }
            })
        .toList();
  }
}
