package dev.vigil.cli;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.dashboards.index.IndexFamily;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.reports.ComplianceReport;
import dev.vigil.reports.ControlCatalog;
import dev.vigil.reports.FileReportSource;
import dev.vigil.reports.ManifestSigning;
import dev.vigil.reports.OpenSearchReportSource;
import dev.vigil.reports.ReportFiles;
import dev.vigil.reports.ReportInput;
import dev.vigil.reports.ReportPeriod;
import dev.vigil.reports.ReportSource;
import dev.vigil.reports.ReportText;
import dev.vigil.reports.ReportVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.opensearch.client.opensearch._types.OpenSearchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil report}: a period's compliance report for auditors (docs/reports.md), read from the
 * files of a run or from OpenSearch, written as PDF, HTML, CSV and JSON with a manifest, signed
 * when a key is given; {@code vigil report verify} checks one. The reports module does the work;
 * this class parses options and turns what the user can fix into one line.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write a period's compliance report: report.pdf, report.html, alerts.csv,"
          + " privileged-events.csv, report.json and manifest.json"
          + " (with manifest.json.sig when signed), from the files of a run (--input) or from"
          + " OpenSearch (--opensearch).",
      "For example, the demo's month: vigil report --period 2026-11 --input out/ --out"
          + " report-2026-11/ (docs/reports.md)."
    },
    subcommands = ReportCommand.Verify.class)
final class ReportCommand implements Callable<Integer> {

  /** Where the signing key's file is named unless {@code --signing-key} is given. */
  static final String SIGNING_KEY_ENV = "VIGIL_REPORT_SIGNING_KEY_FILE";

  private final CliEnvironment env;
  @Spec private CommandSpec spec;
  @Mixin private OpenSearchOptions openSearch = new OpenSearchOptions();

  // What retention may already have deleted of the period is judged by these classes.
  @Mixin private RetentionFileOption retentionFile = new RetentionFileOption();

  @Option(
      names = "--period",
      paramLabel = "PERIOD",
      description = "A month (2026-11), a quarter (2026-Q4) or a year (2026), UTC.")
  String period;

  @Option(names = "--from", paramLabel = "DATE", description = "First day covered (yyyy-MM-dd).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "DATE",
      description = "First day NOT covered (yyyy-MM-dd): --from 2026-11-01 --to 2026-11-16.")
  String to;

  @Option(
      names = "--input",
      paramLabel = "DIR",
      description =
          "Read alerts.jsonl, events.jsonl and deadletters.jsonl of a run (vigil demo --out-dir)"
              + " instead of OpenSearch.")
  String input;

  @Option(names = "--out", paramLabel = "DIR", description = "Directory to write the report to.")
  String out;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description =
          "Ed25519 private key (PKCS#8 PEM) to sign the manifest with (default: the file named by $"
              + SIGNING_KEY_ENV
              + "; neither: unsigned).")
  String signingKey;

  @Option(
      names = "--controls",
      paramLabel = "FILE",
      description = "Control catalog (YAML) naming frameworks and controls (default: built in).")
  String controls;

  ReportCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    if (out == null) {
      throw new CommandFailedException("give --out DIR, the directory to write the report to");
    }
    ReportPeriod reportPeriod = period();
    boolean fromOpenSearch =
        openSearch.configGiven()
            || spec.commandLine().getParseResult().hasMatchedOption("--opensearch");
    if ((input == null) == !fromOpenSearch) {
      throw new CommandFailedException(
          "give one input: --input DIR (the files of a run) or --opensearch URL"
              + (openSearch.configGiven() ? " (or --config FILE, its opensearch: section)" : ""));
    }
    if (input != null) {
      if (retentionFile.given()) {
        throw new CommandFailedException(
            "--retention-file goes with --opensearch: retention deletes OpenSearch indices, not"
                + " the files of a run (--input)");
      }
      requireRunDirectory(input);
    }
    ControlCatalog catalog = catalog();
    PrivateKey key = signingKey();
    // Checked before the input is read: a mistake costs no read of a month of events.
    Path outDir = env.resolve(out);
    OutputTargets.requireWritableDirectory(outDir, out, "--out " + out);
    String version = VigilCommand.Version.version();

    ComplianceReport report;
    IndexContract retentionClasses = null;
    boolean builtInRetention = true;
    if (input != null) {
      ReportSource source;
      try {
        source = new FileReportSource(env.resolve(input));
      } catch (IllegalArgumentException e) {
        throw new CommandFailedException(e.getMessage());
      }
      report = build(source, reportPeriod, version, catalog);
    } else {
      OpenSearchConfig cluster =
          openSearch.cluster(env, section -> retentionFile.addTo(env, section));
      retentionClasses = RetentionFileOption.contract(cluster);
      builtInRetention = cluster.retentionFile() == null;
      try (OpenSearchConnection connection = openSearch.open(env, cluster)) {
        report =
            build(
                new OpenSearchReportSource(connection.client(), cluster.urls()),
                reportPeriod,
                version,
                catalog);
      } catch (IOException | OpenSearchException e) {
        throw OpenSearchOptions.failure(cluster, "reading the report's input", e);
      }
    }

    boolean periodOpen = reportPeriod.to().isAfter(Instant.now());
    if (periodOpen) {
      report = report.madeBeforeItsPeriodEnded();
    }
    ReportFiles.Written written;
    try {
      written = ReportFiles.write(report, outDir, key);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot write --out " + out + ": " + IoProblems.innermost(e));
    }
    PrintWriter err = env.stderr();
    ComplianceReport.Totals totals = report.totals();
    err.println(
        "vigil report: "
            + reportPeriod.label()
            + ": "
            + Plurals.count(totals.alerts(), "alert")
            + ", "
            + Plurals.count(totals.events(), "event")
            + ", "
            + Plurals.count(totals.deadLetters(), "dead letter")
            + ", from "
            + (input != null
                ? "files in " + input
                : "OpenSearch at " + String.join(", ", report.input().urls())));
    err.println(
        "  written to "
            + out
            + ": "
            + String.join(", ", written.files().stream().map(f -> f.name()).toList())
            + ", "
            + ReportFiles.MANIFEST
            + (written.signed() ? ", " + ReportFiles.SIGNATURE : ""));
    err.println(
        written.signed()
            ? "  signed (Ed25519); check with: vigil report verify " + out + " --public-key FILE"
            : "  unsigned: no --signing-key and no $"
                + SIGNING_KEY_ENV
                + "; the manifest's hashes show damage, not forgery");
    if (report.noData()) {
      err.println(
          "vigil report: warning: no data for "
              + reportPeriod.label()
              + ": the input has no alerts, events or dead letters in it (check --period and the"
              + " input); the report was written and says so");
    }
    if (report.endedBeforeFirstReceipt()) {
      err.println(
          "vigil report: warning: "
              + reportPeriod.label()
              + " ended before the input's first dead letter was received ("
              + ReportText.time(report.firstDeadLetterReceivedAt())
              + "); dead letters are counted by receipt, so the report cannot judge the period's"
              + " completeness ("
              + report.deadLettersOutsidePeriod()
              + " received outside it)");
    }
    String cut = ReportText.privilegedEventsCut(report.privilegedActivity());
    if (cut != null) {
      err.println("vigil report: warning: " + cut);
    }
    if (input == null) {
      String deleted =
          retentionWarning(
              retentionClasses, builtInRetention, reportPeriod, LocalDate.now(ZoneOffset.UTC));
      if (deleted != null) {
        err.println("vigil report: warning: " + deleted);
      }
    }
    if (periodOpen) {
      err.println(
          "  note: the period has not ended yet, and the report says so; a report made after "
              + ReportText.time(reportPeriod.to())
              + " covers all of it");
    }
    err.flush();
    return 0;
  }

  /**
   * What retention may already have deleted of the period by {@code today}, family by family, as
   * the rest of a warning; null when nothing. Retention counts event time ({@code vigil retention
   * apply}), so a report made late reads only what is left (90 days of logins, by default, for a
   * quarter or a year), and the counts do not show it: the one who schedules reports must hear it.
   * The classes are those of {@code --retention-file}; without it ({@code builtIn}) the built-in
   * ones, which the warning says, since an organization's own may keep more or less.
   */
  static String retentionWarning(
      IndexContract contract, boolean builtIn, ReportPeriod period, LocalDate today) {
    List<String> families = new ArrayList<>();
    for (IndexFamily family : contract.families()) {
      LocalDate first = family.period().start(period.from());
      LocalDate kept = first;
      while (kept.isBefore(period.endDay())) {
        LocalDate deletable = family.retention().deletableFrom(family.period().end(kept));
        if (deletable == null || today.isBefore(deletable)) {
          break;
        }
        kept = family.period().end(kept);
      }
      if (!kept.equals(first)) {
        families.add(
            family.name()
                + " (kept "
                + family.retention()
                + ") "
                + (kept.isBefore(period.endDay()) ? "before " + kept : "all of it"));
      }
    }
    if (families.isEmpty()) {
      return null;
    }
    return "retention ('vigil retention apply', by event time) may already have deleted part of "
        + period.label()
        + " in OpenSearch, which the report then does not count: "
        + String.join(", ", families)
        + " ("
        + (builtIn ? "built-in retention classes; give --retention-file if yours differ; " : "")
        + "make reports within the retention, or raise it: docs/opensearch.md)";
  }

  private static ComplianceReport build(
      ReportSource source, ReportPeriod period, String version, ControlCatalog catalog)
      throws IOException {
    ReportInput data;
    try {
      data = source.read(period);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
    return ComplianceReport.build(period, source.description(), version, data, catalog);
  }

  /** --input names the directory a run wrote its files to; a file there is a common slip. */
  private void requireRunDirectory(String directory) {
    Path path = env.resolve(directory);
    if (!Files.exists(path)) {
      throw new CommandFailedException("no such file or directory: --input " + directory);
    }
    if (!Files.isDirectory(path)) {
      throw new CommandFailedException(
          "--input "
              + directory
              + " is a file; give the directory a run wrote its files to (vigil demo --out-dir)");
    }
  }

  private ReportPeriod period() {
    try {
      if (period != null) {
        if (from != null || to != null) {
          throw new CommandFailedException("give --period, or --from and --to, not both");
        }
        return ReportPeriod.parse(period);
      }
      if (from == null || to == null) {
        throw new CommandFailedException(
            "give the period: --period 2026-11 (a month, 2026-Q4, 2026) or --from and --to dates");
      }
      return ReportPeriod.days(from, to);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
  }

  private ControlCatalog catalog() {
    try {
      return ControlCatalog.load(controls == null ? null : env.resolve(controls));
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
  }

  private PrivateKey signingKey() {
    String file = signingKey != null ? signingKey : env.environment().get(SIGNING_KEY_ENV);
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      return ManifestSigning.readPrivateKey(env.resolve(file), file);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check a report directory: every file's SHA-256 and size against manifest.json, no file"
            + " added, and with --public-key the manifest's Ed25519 signature and that the key is"
            + " the one the manifest names.",
        "Prints one line per problem; exit code 2 when there is any."
      })
  static final class Verify implements Callable<Integer> {
    private final CliEnvironment env;

    @Parameters(paramLabel = "DIR", description = "The report directory.")
    String directory;

    @Option(
        names = "--public-key",
        paramLabel = "FILE",
        description = "The signer's Ed25519 public key (PEM, from 'openssl pkey -pubout').")
    String publicKey;

    Verify(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() throws IOException {
      PublicKey key;
      try {
        key =
            publicKey == null
                ? null
                : ManifestSigning.readPublicKey(env.resolve(publicKey), publicKey);
      } catch (IllegalArgumentException e) {
        throw new CommandFailedException(e.getMessage());
      }
      if (!Files.isDirectory(env.resolve(directory))) {
        throw new CommandFailedException(
            "cannot read report directory "
                + directory
                + (Files.exists(env.resolve(directory))
                    ? ": not a directory"
                    : ": no such file or directory"));
      }
      ReportVerifier.Result result = ReportVerifier.verify(env.resolve(directory), key);
      PrintWriter err = env.stderr();
      // As typed, without the trailing slash a shell's completion adds: "dir/alerts.csv", and
      // the same name in the closing line whichever way it was typed.
      String shown = directory.replaceAll("(?<=.)/+$", "");
      String prefix = shown.endsWith("/") ? shown : shown + "/";
      result.problems().forEach(problem -> err.println(prefix + problem));
      result.notes().forEach(note -> err.println("  note: " + note));
      if (result.intact()) {
        err.println(
            "vigil report verify: "
                + shown
                + ": intact, "
                + Plurals.count(result.filesChecked(), "file")
                + " checked against the manifest"
                + (key != null ? ", signature valid" : ""));
      } else {
        err.println(
            "vigil report verify: "
                + shown
                + ": "
                + Plurals.count(result.problems().size(), "problem"));
      }
      err.flush();
      return result.intact() ? 0 : VigilCommand.EXIT_FINDINGS;
    }
  }
}
