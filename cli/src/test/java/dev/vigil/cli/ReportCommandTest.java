package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.reports.ReportPeriod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil report} and {@code vigil report verify}: the user's mistakes, each found before any
 * input is read (the reports themselves: {@link ReportOfTheDemoITCase}, {@link
 * ReportCommandITCase}).
 */
class ReportCommandTest {

  @TempDir static Path temp;
  private static Path demoOut;
  private static Path publicKey;

  @BeforeAll
  static void makeARunDirectoryAndAKey() throws IOException, GeneralSecurityException {
    // The files a run writes, empty: every mistake below is found before they are read.
    demoOut = Files.createDirectories(temp.resolve("demo"));
    for (String name : List.of(Demo.ALERTS_FILE, Demo.EVENTS_FILE, Demo.DEAD_LETTERS_FILE)) {
      Files.createFile(demoOut.resolve(name));
    }
    publicKey = SigningKeys.writeTo(temp).publicKey();
  }

  private static CliRun cli() {
    return new CliRun(temp, List.of());
  }

  @Test
  void userMistakesAreOneLine() {
    assertOneLineError(
        cli().execute("report", "--period", "2026-11", "--out", "x"),
        "vigil report: give one input: --input DIR (the files of a run) or --opensearch URL");
    assertOneLineError(
        cli().execute("report", "--period", "11/2026", "--input", "demo", "--out", "x"),
        "vigil report: period '11/2026' is not a month (2026-11), a quarter (2026-Q4) or a year"
            + " (2026)");
    assertOneLineError(
        cli().execute("report", "--period", "2026-11", "--input", "nowhere", "--out", "x"),
        "vigil report: no such file or directory: --input nowhere");
    assertOneLineError(
        reportOfTheRun("--signing-key", publicKey.toString()),
        "vigil report: private key file "
            + publicKey
            + " holds no '-----BEGIN PRIVATE KEY-----' block (PEM)");
    assertOneLineError(
        reportOfTheRun("--signing-key", "no-key.pem"),
        "vigil report: cannot read private key file no-key.pem: no such file or directory");
    assertOneLineError(
        cli().execute("report", "verify", "demo", "--public-key", "no-key.pem"),
        "vigil report verify: cannot read public key file no-key.pem: no such file or directory");
    assertOneLineError(
        cli().execute("report", "--period", "2026-11", "--input", "demo", "--out", "demo"),
        "vigil report: refusing to write a report into "
            + demoOut
            + ": it holds files that are not part of a report (alerts.jsonl, deadletters.jsonl,"
            + " events.jsonl); use a new or empty directory");
    assertThat(
            cli()
                .execute(
                    "report",
                    "--period",
                    "2026-11",
                    "--opensearch",
                    "http://127.0.0.1:9",
                    "--out",
                    "x")
                .stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil report: reading the report's input failed on OpenSearch at"
                + " http://127.0.0.1:9: ");
    assertOneLineError(
        cli().execute("report", "verify", "nothing-here"),
        "vigil report verify: cannot read report directory nothing-here: no such file or"
            + " directory");
  }

  @Test
  void verifyNamesAFileOnceWhetherDirEndsWithASlashOrNot() throws IOException {
    assertThat(
            cli()
                .execute("report", "--period", "2026-11", "--input", "demo", "--out", "slashed")
                .exitCode())
        .isZero();
    Files.writeString(temp.resolve("slashed/alerts.csv"), "changed\r\n");

    for (String directory : List.of("slashed", "slashed/", "slashed//")) {
      CliRun.Result result = cli().execute("report", "verify", directory);
      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.stderrLines())
          .first()
          .asString()
          .startsWith(
              "slashed/alerts.csv: SHA-256 differs from the manifest (the file was changed;");
      assertThat(result.stderrLines()).last().isEqualTo("vigil report verify: slashed: 1 problem");
    }
  }

  @Test
  void aReportFromOpenSearchMadeAfterRetentionReachedItsPeriodSaysWhatMayBeGone() {
    IndexContract contract = IndexContract.builtIn();

    // Logins are kept 90 days in daily indices: on the day after the quarter, its first two
    // days' indices are deletable.
    assertThat(
            ReportCommand.retentionWarning(
                contract, true, ReportPeriod.parse("2026-Q3"), LocalDate.parse("2026-10-01")))
        .isEqualTo(
            "retention ('vigil retention apply', by event time) may already have deleted part of"
                + " 2026-Q3 in OpenSearch, which the report then does not count: events-auth (kept"
                + " 90d) before 2026-07-03 (built-in retention classes; give --retention-file if"
                + " yours differ; make reports within the retention, or raise it:"
                + " docs/opensearch.md)");
    assertThat(
            ReportCommand.retentionWarning(
                contract, true, ReportPeriod.parse("2026-11"), LocalDate.parse("2026-12-01")))
        .isNull();
    assertThat(
            ReportCommand.retentionWarning(
                contract, true, ReportPeriod.parse("2024"), LocalDate.parse("2026-11-24")))
        .contains("events-auth (kept 90d) all of it")
        .contains("events-general (kept 1y) all of it")
        .contains("events-policy (kept 2y) before 2024-11-01")
        .contains("alerts (kept 2y) before 2024-11-01")
        .doesNotContain("events-seal");
  }

  @Test
  void theRetentionFileGivenDecidesTheWarning() throws IOException {
    Path longer = retentionFileKeepingLogins("1y");
    Path shorter = retentionFileKeepingLogins("30d");

    // The built-in classes keep logins 90 days: a warning on the day after Q3...
    assertThat(
            ReportCommand.retentionWarning(
                IndexContract.builtIn(),
                true,
                ReportPeriod.parse("2026-Q3"),
                LocalDate.parse("2026-10-01")))
        .contains("events-auth (kept 90d) before 2026-07-03");
    // ...which a file keeping them a year removes,
    assertThat(
            ReportCommand.retentionWarning(
                IndexContract.load(longer),
                false,
                ReportPeriod.parse("2026-Q3"),
                LocalDate.parse("2026-10-01")))
        .isNull();
    // and none for November on 5 December, which a file keeping them 30 days gives, without the
    // advice about the built-in classes.
    assertThat(
            ReportCommand.retentionWarning(
                IndexContract.builtIn(),
                true,
                ReportPeriod.parse("2026-11"),
                LocalDate.parse("2026-12-05")))
        .isNull();
    assertThat(
            ReportCommand.retentionWarning(
                IndexContract.load(shorter),
                false,
                ReportPeriod.parse("2026-11"),
                LocalDate.parse("2026-12-05")))
        .contains("events-auth (kept 30d) before 2026-11-05")
        .doesNotContain("built-in");
  }

  @Test
  void aBrokenRetentionFileIsOneLineBeforeTheInputIsRead() throws IOException {
    Path broken = temp.resolve("broken-retention.yaml");
    Files.writeString(broken, "default_class: general\nclasses: [\n  - name: secret-token-xyz\n");

    // An unreachable OpenSearch: the file is read, and refused, before any input is.
    CliRun.Result result =
        cli()
            .execute(
                "report",
                "--period",
                "2026-Q3",
                "--opensearch",
                "http://127.0.0.1:9",
                "--retention-file",
                "broken-retention.yaml",
                "--out",
                "x");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil report: " + broken + ": not valid YAML at line ")
        .doesNotContain("secret-token-xyz");
    assertOneLineError(
        cli()
            .execute(
                "report",
                "--period",
                "2026-Q3",
                "--opensearch",
                "http://127.0.0.1:9",
                "--retention-file",
                "nowhere.yaml",
                "--out",
                "x"),
        "vigil report: retention file " + temp.resolve("nowhere.yaml") + " does not exist");
    assertOneLineError(
        reportOfTheRun("--retention-file", "nowhere.yaml"),
        "vigil report: --retention-file goes with --opensearch: retention deletes OpenSearch"
            + " indices, not the files of a run (--input)");
  }

  @Test
  void withConfigTheRetentionFileOfVigilYamlIsReadAndTheFlagWins() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("etc"));
    Files.writeString(dir.resolve("broken.yaml"), "default_class: general\nclasses: [\n");
    // Paths in the file are the file's, as for vigil run; an unreachable cluster: the retention
    // file is read, and judged, before any input is.
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "rules:\n  path: /nowhere/the/report/host/lacks\n"
            + "opensearch:\n  url: http://127.0.0.1:9\n  retention_file: broken.yaml\n");

    CliRun.Result fromTheFile =
        cli().execute("report", "--period", "2026-Q3", "--config", "etc/vigil.yaml", "--out", "x");
    CliRun.Result flagWins =
        cli()
            .execute(
                "report",
                "--period",
                "2026-Q3",
                "--config",
                "etc/vigil.yaml",
                "--retention-file",
                retentionFileKeepingLogins("1y").toString(),
                "--out",
                "x");

    assertThat(fromTheFile.exitCode()).isEqualTo(1);
    assertThat(fromTheFile.stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil report: " + dir.resolve("broken.yaml") + ": not valid YAML at line ");
    // The file's retention_file is replaced, its URL kept: the input is what fails.
    assertThat(flagWins.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil report: reading the report's input failed on OpenSearch at"
                + " http://127.0.0.1:9: ");
    Files.writeString(dir.resolve("kafka-only.yaml"), "kafka:\n  bootstrap_servers: k:9092\n");
    assertOneLineError(
        cli()
            .execute(
                "report", "--period", "2026-Q3", "--config", "etc/kafka-only.yaml", "--out", "x"),
        "vigil report: etc/kafka-only.yaml: no opensearch: section, which names the cluster to"
            + " read");
  }

  /** The built-in retention file with the logins' class ({@code auth}) kept {@code retention}. */
  private static Path retentionFileKeepingLogins(String retention) throws IOException {
    String builtIn;
    try (var in =
        IndexContract.class.getClassLoader().getResourceAsStream("opensearch/retention.yaml")) {
      builtIn = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(builtIn).containsOnlyOnce("retention: 90d");
    Path file = temp.resolve("retention-auth-" + retention + ".yaml");
    Files.writeString(file, builtIn.replace("retention: 90d", "retention: " + retention));
    return file;
  }

  @Test
  void aReportMadeBeforeItsPeriodEndedSaysSoInItsFilesNotOnlyOnStderr() throws IOException {
    CliRun.Result open =
        cli().execute("report", "--period", "2999", "--input", "demo", "--out", "open");
    CliRun.Result closed =
        cli().execute("report", "--period", "2019", "--input", "demo", "--out", "closed");

    String note =
        "This report was made before its period ended: it counts what had been logged and read by"
            + " then, not the whole period. A report made after 3000-01-01T00:00:00Z covers all of"
            + " it.";
    assertThat(open.exitCode()).isZero();
    assertThat(open.stderr())
        .contains("note: the period has not ended yet, and the report says so");
    assertThat(new ObjectMapper().readTree(temp.resolve("open/report.json").toFile()).path("notes"))
        .extracting(JsonNode::asText)
        .contains(note);
    assertThat(Files.readString(temp.resolve("open/report.html"))).contains(note);
    assertThat(closed.exitCode()).isZero();
    assertThat(Files.readString(temp.resolve("closed/report.json")))
        .doesNotContain("made before its period ended");
  }

  /**
   * privileged-events.csv has a cap: a report whose period holds more privileged events says on
   * stderr too that the file does not list them all, never silently.
   */
  @Test
  void aCutListOfPrivilegedEventsIsAWarningOnStderr() throws IOException {
    Path run = Files.createDirectories(temp.resolve("many-changes"));
    Files.createFile(run.resolve(Demo.ALERTS_FILE));
    Files.createFile(run.resolve(Demo.DEAD_LETTERS_FILE));
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 10_002; i++) {
      events
          .append("{\"event_id\":\"p")
          .append(i)
          .append("\",\"time\":\"2025-06-01T00:00:00Z\",\"source\":\"AWS_CLOUDTRAIL\",")
          .append("\"category\":\"POLICY_CHANGE\",\"outcome\":\"SUCCESS\",\"denied\":false,")
          .append("\"actor\":{\"id\":\"admin\"}}\n");
    }
    Files.writeString(run.resolve(Demo.EVENTS_FILE), events);

    CliRun.Result result =
        cli().execute("report", "--period", "2025-06", "--input", "many-changes", "--out", "cut");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderrLines())
        .contains(
            "vigil report: warning: privileged-events.csv lists 10000 of the period's 10002"
                + " privileged events, at most 10000: every root use first, then the earliest"
                + " others; 2 are not listed there, and are counted in section 3 and found in the"
                + " events index.");
    assertThat(result.stderr()).contains("written to cut: alerts.csv, privileged-events.csv,");
  }

  /** {@code vigil report} of the run's month into {@code x}, with {@code options} added. */
  private static CliRun.Result reportOfTheRun(String... options) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("report", "--period", "2026-11", "--input", "demo", "--out", "x"));
    args.addAll(List.of(options));
    return cli().execute(args.toArray(String[]::new));
  }

  private static void assertOneLineError(CliRun.Result result, String line) {
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderrLines()).first().isEqualTo(line);
    assertThat(result.stderr()).doesNotContain("\tat ");
  }
}
