package dev.vigil.cli;

import static dev.vigil.cli.DetectCommandTest.CONSOLE_LOGIN;
import static dev.vigil.cli.DetectCommandTest.VAULT_ROOT_POLICY_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detection job through the CLI, on the embedded Flink, with the real parsers and pack (the
 * mistakes found before the job starts: {@link DetectCommandTest}).
 */
class DetectCommandITCase {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The project root, where {@code samples/} is: the tests run in {@code cli/}. */
  private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();

  /** A working directory that takes no new file, even for root. */
  private static final Path UNWRITABLE = Path.of("/proc/self");

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
      assertThat(List.of(kept.get(0), dir.resolve("events.jsonl")))
          .as("raw records: owner-only, whatever the umask")
          .allSatisfy(
              file ->
                  assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                      .isEqualTo("rw-------"));
    }
  }

  @Test
  void aRunEndedBySigtermLeavesNoPartialOutputNorScratchFiles() throws Exception {
    // Long enough to be stopped while its outputs are open: a malformed line (a dead letter) and
    // many reads.
    try (var out = Files.newBufferedWriter(dir.resolve("vault.log"))) {
      out.write("{\"type\":\"request\",\"password\":PLAINTEXT-SECRET}\n");
      for (int i = 0; i < 200_000; i++) {
        out.write(
            "{\"type\":\"request\",\"time\":\"2026-11-20T10:00:00Z\",\"auth\":{\"display_name\":\"u"
                + (i % 100)
                + "\"},\"request\":{\"id\":\"r"
                + i
                + "\",\"operation\":\"read\",\"path\":\"secret/data/p"
                + i
                + "\"}}\n");
      }
    }
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    Process detect =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                VigilCommand.class.getName(),
                "detect",
                "--out",
                "alerts.jsonl",
                "--events-out",
                "events.jsonl",
                "vault.log")
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(hasEntry(dir, ".events.jsonl.") && hasEntry(tmp, "vigil-detect"))) {
        assertThat(detect.isAlive()).as("still running when its outputs are open").isTrue();
        assertThat(System.nanoTime()).as("outputs open within 120 s").isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      detect.destroy(); // SIGTERM, as Ctrl-C: the JVM runs its shutdown hooks
      assertThat(detect.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(hasEntry(dir, ".events.jsonl.") || hasEntry(dir, ".alerts.jsonl."))
        .as("partial outputs hold raw records")
        .isFalse();
    assertThat(hasEntry(tmp, "vigil-detect")).as("the scratch directory of dead letters").isFalse();
    assertThat(dir.resolve("events.jsonl")).doesNotExist();
  }

  private static boolean hasEntry(Path directory, String prefix) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.anyMatch(entry -> entry.getFileName().toString().startsWith(prefix));
    }
  }

  @Test
  void theSummaryAndTheOriginsReadAsNormalizeGivesThem() throws IOException {
    Files.createDirectories(dir.resolve("one"));
    Files.createDirectories(dir.resolve("two/sub"));
    Files.writeString(dir.resolve("one/vault.log"), VAULT_ROOT_POLICY_WRITE);
    Files.writeString(
        dir.resolve("two/sub/trail.json"),
        CONSOLE_LOGIN + "{\"eventVersion\":\"1.09\"}\n{\"x\":1}\n");

    CliRun.Result detect =
        cli()
            .execute(
                "detect",
                "--max-out-of-orderness",
                "1h",
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
            "sub/trail.json:2",
            "sub/trail.json:3");
    assertThat(detected)
        .containsExactlyInAnyOrderElementsOf(origins("n.jsonl", "n.jsonl.deadletters.jsonl"));
    assertThat(Stream.of("d.jsonl", "d.dead.jsonl", "n.jsonl", "n.jsonl.deadletters.jsonl"))
        .as("raw records: owner-only, whatever the umask")
        .allSatisfy(
            name ->
                assertThat(
                        PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir.resolve(name))))
                    .isEqualTo("rw-------"));

    List<String> detectLines = detect.stderrLines();
    List<String> normalizeLines = normalize.stderrLines();
    assertThat(detectLines.get(0))
        .startsWith("vigil detect: 2 inputs, 6 records in, 3 events, 3 dead-lettered, ");
    assertThat(normalizeLines.get(0))
        .isEqualTo("vigil normalize: 2 inputs, 6 records in, 3 events, 3 dead-lettered");
    // Sources and reasons in the schema's order, unknown last.
    assertThat(normalizeLines.subList(1, 4))
        .containsExactly(
            "  events by source: VAULT 2, AWS_CLOUDTRAIL 1",
            "  dead-lettered by reason: MALFORMED_JSON 1, UNKNOWN_FORMAT 1, MISSING_FIELD 1",
            "  dead-lettered by source: AWS_CLOUDTRAIL 1, unknown 2");
    assertThat(detectLines.subList(1, 5))
        .containsExactlyElementsOf(
            Stream.concat(
                    normalizeLines.subList(1, 4).stream(),
                    Stream.of("  dead letters written to d.dead.jsonl"))
                .toList());
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
  void backtestCountsDeadLettersWithoutWritingAnyFile() throws IOException {
    Files.writeString(dir.resolve("rule.yml"), RulesCommandTest.CONSOLE_LOGIN_RULE);
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);

    // Run where no new file can be made: without --dead-letter, backtest has nothing to write.
    CliRun.Result counted =
        new CliRun(UNWRITABLE, List.of())
            .execute(
                "rules",
                "backtest",
                "--rules",
                dir.resolve("rule.yml").toString(),
                dir.resolve("vault.log").toString());

    assertThat(counted.exitCode()).as(counted.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    assertThat(counted.stderr()).contains("1 dead-lettered").doesNotContain("cannot write");
    assertThat(counted.stderrLines())
        .contains(
            "  dead-lettered by reason: MALFORMED_JSON 1",
            "  dead letters not kept; give --dead-letter FILE to keep them");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("rule.yml", "vault.log");
    }
  }

  @Test
  void backtestRunsOnlyTheGivenRulesAndKeepsDeadLettersWhenAsked() throws IOException {
    Files.writeString(dir.resolve("rule.yml"), RulesCommandTest.CONSOLE_LOGIN_RULE);
    Files.writeString(dir.resolve("trail.json"), CONSOLE_LOGIN);
    Files.writeString(dir.resolve("vault.log"), VAULT_ROOT_POLICY_WRITE);

    CliRun.Result result =
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
                "trail.json",
                "vault.log");

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(VigilCommand.EXIT_FINDINGS);
    // The Vault root token's use is the built-in pack's to see, not the given rule's.
    List<JsonNode> alerts = parse(result.stdoutLines());
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).get("rule_name").asText()).isEqualTo("console_sign_in");
    assertThat(alerts.get(0).get("rule_author").asText()).isEqualTo("Vigil tests");
    assertThat(result.stderrLines().get(0))
        .startsWith(
            "vigil rules backtest: 2 inputs, 4 records in, 3 events, 1 dead-lettered, 1 alert in ");
    assertThat(result.stderrLines()).contains("  dead letters written to out/dl.jsonl");
    assertThat(Files.readString(dir.resolve("out/dl.jsonl"))).contains("MALFORMED_JSON");
    assertThat(Files.readAllLines(dir.resolve("out/events.jsonl"))).hasSize(3);
  }

  @Test
  void writesEachOutputInPlaceAndCountsAnEnvelopeAsTheRecordsItHolds() throws Exception {
    Files.writeString(
        dir.resolve("vault.log"),
        VAULT_ROOT_POLICY_WRITE.lines().limit(2).map(l -> l + "\n").reduce("", String::concat));
    String login = CONSOLE_LOGIN.strip();
    String second = login.replace("000000000001", "000000000002");
    Files.writeString(
        dir.resolve("cloudtrail.json"), "{\"Records\":[" + login + "," + second + "]}\n");
    Path pipe = NamedPipe.make(dir.resolve("events.pipe"));
    CompletableFuture<String> received = NamedPipe.readAll(pipe);

    CliRun.Result result =
        cli()
            .execute(
                "detect",
                "--out",
                "alerts.jsonl",
                "--events-out",
                "events.pipe",
                "vault.log",
                "cloudtrail.json");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEmpty();
    // As vigil normalize counts them: the envelope's two records, not one.
    assertThat(result.stderrLines().get(0))
        .startsWith("vigil detect: 2 inputs, 4 records in, 4 events, 0 dead-lettered, ");
    assertThat(parse(Files.readAllLines(dir.resolve("alerts.jsonl"))))
        .extracting(a -> a.get("detection").asText())
        .contains("root_token_use");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("alerts.jsonl"))))
        .as("alerts come from raw records: owner-only, whatever the umask")
        .isEqualTo("rw-------");
    // Renamed onto, the pipe would have become a regular file (and /dev/null, for root, too).
    assertThat(Files.isRegularFile(pipe)).isFalse();
    assertThat(parse(received.get(30, TimeUnit.SECONDS).lines().toList()))
        .extracting(e -> e.get("source").asText())
        .containsExactlyInAnyOrder("VAULT", "VAULT", "AWS_CLOUDTRAIL", "AWS_CLOUDTRAIL");
  }

  @Test
  void backtestTellsTheRulesWarningsBeforeItRunsAndNamesARuleWithoutANameByItsTitle()
      throws IOException {
    // As most upstream Sigma rules: no name, so alerts carry the id as their detection.
    Files.writeString(
        dir.resolve("rule.yml"),
        RulesCommandTest.CONSOLE_LOGIN_RULE
            .replace("name: console_sign_in\n", "")
            .replace(
                "eventName: ConsoleLogin",
                "eventName: ConsoleLogin\n    userIdentity.tpye|exists: false"));
    Files.writeString(dir.resolve("trail.json"), CONSOLE_LOGIN);

    CliRun.Result result = cli().execute("rules", "backtest", "--rules", "rule.yml", "trail.json");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderrLines().get(0))
        .isEqualTo(
            dir.resolve("rule.yml")
                + ":11: warning: unknown field 'userIdentity.tpye' for aws/cloudtrail records;"
                + " did you mean 'userIdentity.type'? (write raw.userIdentity.tpye if it is right)");
    assertThat(result.stderrLines().get(1)).startsWith("vigil rules backtest: 1 input, ");
    assertThat(parse(result.stdoutLines()).get(0).get("detection").asText())
        .isEqualTo("0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10");
    assertThat(result.stderrLines())
        .contains("  alerts Console sign-in (0d7b3c1e-5a40-4f1f-9d2a-6c2b8e1f4a10): low 1");
  }

  @Test
  void anOutputFailingDuringTheRunFailsItInOneLineAndDeadLettersNothing() throws Exception {
    // Enough events to overflow the pipe once its reader has gone, as a full disk would.
    String twoEvents =
        VAULT_ROOT_POLICY_WRITE.lines().limit(2).map(l -> l + "\n").reduce("", String::concat);
    Files.writeString(dir.resolve("vault.log"), twoEvents.repeat(1_000));
    Path pipe = NamedPipe.make(dir.resolve("events.pipe"));
    CompletableFuture<Void> readerGone = NamedPipe.readerThatLeaves(pipe);

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
        .containsExactly("vigil detect: the detection job failed: broken pipe (IOException)");
    assertThat(dir.resolve("dl.jsonl")).doesNotExist();
    assertThat(dir.resolve("alerts.jsonl")).doesNotExist();
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
