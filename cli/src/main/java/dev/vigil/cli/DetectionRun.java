package dev.vigil.cli;

import dev.vigil.detect.DetectOptions;
import dev.vigil.detect.DetectSummary;
import dev.vigil.detect.DetectionFailedException;
import dev.vigil.detect.EmbeddedDetection;
import dev.vigil.detect.RuleSet;
import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.rules.RuleException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One bounded run of the detection job on the embedded Flink, as {@code vigil detect} and {@code
 * vigil rules backtest} both need it: inputs checked first, alerts to a file or stdout, dead
 * letters to the named file or as {@link UnnamedDeadLetters} says, a progress line on a terminal,
 * and a summary on stderr.
 */
final class DetectionRun {

  /** Where the dead letters go without {@code --dead-letter}. */
  enum UnnamedDeadLetters {
    /**
     * To a new timestamped file in the working directory, when any occur: {@code vigil detect}
     * reads audit logs for what they hold, so no record may vanish.
     */
    TIMESTAMPED_FILE,
    /**
     * Counted in the summary, not kept: {@code vigil rules backtest} is run again and again over
     * the same past inputs to try rules, which stay on disk; a new file per run would only litter
     * the working directory. {@code --dead-letter} keeps them.
     */
    COUNTED_ONLY
  }

  private final CliEnvironment env;
  private final String commandName;
  private final UnnamedDeadLetters unnamedDeadLetters;

  DetectionRun(CliEnvironment env, String commandName, UnnamedDeadLetters unnamedDeadLetters) {
    this.env = env;
    this.commandName = commandName;
    this.unnamedDeadLetters = unnamedDeadLetters;
  }

  /**
   * Runs the job; returns the exit code (0, or {@link VigilCommand#EXIT_FINDINGS} on dead letters).
   */
  int run(
      List<String> inputArguments,
      List<String> ruleArguments,
      RunOutputOptions outputs,
      Duration maxOutOfOrderness,
      NormalizerOptions normalizerOptions)
      throws IOException {
    if (inputArguments.contains("-")) {
      throw new CommandFailedException(
          "standard input '-' is not read here; give files or directories (vigil normalize reads"
              + " standard input)");
    }
    // Expanded as vigil normalize does, so that a missing, unreadable or special file fails here
    // in one line, before the job starts, and the outputs can be checked against every file read.
    List<InputFiles.Input> inputFiles = InputFiles.expand(inputArguments, env);
    // Read and checked here, as the rules are below: a mistake in a mapping table costs no run.
    NormalizerSettings normalizer = normalizerOptions.settings(env);
    OutputTargets targets = new OutputTargets(inputFiles);
    List<Path> inputs = inputArguments.stream().map(env::resolve).toList();
    List<Path> rules =
        ruleArguments == null || ruleArguments.isEmpty()
            ? List.of()
            : RulesCommand.rulePaths(env, "--rules", ruleArguments);
    // Checked now, not when the job writes them at its end: a mistake costs no run. (The scratch
    // files below, the job's own, need no check.)
    RunOutputOptions.NamedFiles named = outputs.claim(env, targets);
    boolean keepUnnamed = unnamedDeadLetters == UnnamedDeadLetters.TIMESTAMPED_FILE;
    if (named.deadLetters() == null && keepUnnamed) {
      DeadLetterFile.requireWorkingDirectoryWritable(env.workingDir());
    }
    Path scratch = Files.createTempDirectory("vigil-detect");
    // Ctrl-C and SIGTERM skip the finally below, and the dead letters in it are raw records.
    Thread removeScratch = new Thread(() -> deleteQuietly(scratch), "vigil-scratch-removal");
    Runtime.getRuntime().addShutdownHook(removeScratch);
    boolean keepScratch = false;
    try {
      Path alerts = named.alerts() != null ? named.alerts() : scratch.resolve("alerts.jsonl");
      Path deadLetters =
          named.deadLetters() != null ? named.deadLetters() : scratch.resolve("deadletters.jsonl");
      DetectSummary summary =
          execute(
              DetectOptions.builder()
                  .setInputs(inputs)
                  .setInputNames(inputArguments)
                  .setRules(rules)
                  .setNormalizer(normalizer)
                  .setAlertsOut(alerts)
                  .setEventsOut(named.events())
                  .setDeadLetterOut(deadLetters)
                  .setMaxOutOfOrderness(maxOutOfOrderness));
      if (named.alerts() == null) {
        copyTo(alerts, env.stdout());
      }
      String keptDeadLetters = outputs.deadLettersAsTyped();
      if (named.deadLetters() == null && keepUnnamed && summary.deadLetters() > 0) {
        Path kept;
        try {
          kept =
              DeadLetterFile.moveToNewName(
                  deadLetters,
                  env.resolve("vigil-deadletters-" + STAMP.format(Instant.now()) + ".jsonl"));
        } catch (IOException e) {
          // Never lost: left where the job wrote them, and the user is told where that is.
          keepScratch = true;
          throw new CommandFailedException(
              "cannot move the dead letters to the working directory ("
                  + IoProblems.innermost(e)
                  + "); they are in "
                  + deadLetters);
        }
        keptDeadLetters = env.workingDir().relativize(kept).toString();
      }
      printSummary(summary, inputFiles.size(), keptDeadLetters);
      return summary.deadLetters() > 0 ? VigilCommand.EXIT_FINDINGS : 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(removeScratch);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs anyway.
      }
      if (!keepScratch) {
        deleteRecursively(scratch);
      }
    }
  }

  /** For the shutdown hook, which has no one to tell. */
  private static void deleteQuietly(Path dir) {
    try {
      deleteRecursively(dir);
    } catch (IOException | UncheckedIOException e) {
      // The JVM is ending; the directory is owner-only (createTempDirectory) in the temp dir.
    }
  }

  /**
   * Runs the job with a progress line on a terminal, turning what the user can fix (rules that do
   * not load, a missing input, a failed job) into a {@link CommandFailedException}.
   */
  DetectSummary execute(DetectOptions.Builder settings) throws IOException {
    if (env.stderrIsTerminal()) {
      settings.setProgress(this::progress);
    }
    DetectOptions options = settings.build();
    try {
      if (!options.rules().isEmpty()) {
        // Compiled here, once (the job finds the pack compiled), to tell the author what
        // `rules validate` warns about before the run, in the same words.
        RuleSet.load(options.rules()).compiled().warnings().forEach(env.stderr()::println);
      }
      return EmbeddedDetection.run(options);
    } catch (RuleException e) {
      e.errors().forEach(error -> env.stderr().println(error));
      throw new CommandFailedException(
          "the rules do not load; run 'vigil rules validate' for details");
    } catch (NoSuchFileException e) {
      throw new CommandFailedException("no such file or directory: " + e.getFile());
    } catch (DetectionFailedException e) {
      // The message says what failed ("the detection job failed: ...", "... did not finish ...").
      throw new CommandFailedException(e.getMessage());
    } finally {
      if (env.stderrIsTerminal()) {
        env.stderr().print("\r\033[K");
        env.stderr().flush();
      }
    }
  }

  private void progress(DetectSummary soFar) {
    PrintWriter err = env.stderr();
    err.print(
        "\r\033[K"
            + commandName
            + ": "
            + Plurals.count(recordsIn(soFar), "record")
            + ", "
            + Plurals.count(soFar.events(), "event")
            + ", "
            + Plurals.count(soFar.totalAlerts(), "alert")
            + " ("
            + soFar.elapsed().toSeconds()
            + " s)");
    err.flush();
  }

  /** The lines {@code vigil normalize} prints (see {@link SummaryLines}), then the alerts. */
  private void printSummary(DetectSummary summary, int inputs, String deadLetterFile) {
    PrintWriter err = env.stderr();
    // Before the summary, as vigil normalize prints them as it reads.
    summary
        .damagedInputs()
        .forEach(damaged -> err.println(NormalizeCommand.damagedInputLine(commandName, damaged)));
    err.println(
        SummaryLines.head(commandName, inputs, summary.events(), summary.deadLetters())
            + ", "
            + Plurals.count(summary.totalAlerts(), "alert")
            + " in "
            + seconds(summary.elapsed()));
    SummaryLines.eventsBySource(err, summary.eventsBySource());
    if (summary.lateRecords() > 0) {
      err.println("  " + lateRecordsLine(summary));
    }
    SummaryLines.deadLetters(
        err, summary.deadLettered(), summary.deadLetteredBySource(), deadLetterFile);
    if (deadLetterFile == null && summary.deadLetters() > 0) {
      err.println("  dead letters not kept; give --dead-letter FILE to keep them");
    }
    summary
        .alerts()
        .forEach(
            (detection, bySeverity) ->
                err.println(
                    "  alerts "
                        + summary.describe(detection)
                        + ": "
                        + SummaryLines.counts(bySeverity)));
    SummaryLines.warnWhenNoRecords(err, commandName, inputs, recordsIn(summary));
    err.flush();
  }

  /**
   * How many records were late, and the bound that would judge none late: the time the inputs'
   * events span, rounded up to a unit {@code --max-out-of-orderness} reads.
   */
  static String lateRecordsLine(DetectSummary summary) {
    String line = "late records (judged at the watermark, not dropped): " + summary.lateRecords();
    if (summary.earliestEvent() == null || summary.latestEvent() == null) {
      return line;
    }
    Duration span = Duration.between(summary.earliestEvent(), summary.latestEvent());
    DateTimeFormatter shown = span.compareTo(Duration.ofDays(2)) >= 0 ? DAY : SECOND;
    return line
        + "; the inputs span "
        + shown.format(summary.earliestEvent())
        + " to "
        + shown.format(summary.latestEvent())
        + ": --max-out-of-orderness "
        + roundedUp(span)
        + " judges none late (events then wait in memory until the input ends)";
  }

  /** {@code span} rounded up to whole days, hours, minutes or seconds, in the option's syntax. */
  static String roundedUp(Duration span) {
    long millis = span.toMillis();
    if (millis >= Duration.ofDays(1).toMillis()) {
      return ceilDiv(millis, Duration.ofDays(1).toMillis()) + "d";
    }
    if (millis >= Duration.ofHours(1).toMillis()) {
      return ceilDiv(millis, Duration.ofHours(1).toMillis()) + "h";
    }
    if (millis >= Duration.ofMinutes(1).toMillis()) {
      return ceilDiv(millis, Duration.ofMinutes(1).toMillis()) + "min";
    }
    return Math.max(1, ceilDiv(millis, 1000)) + "s";
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /**
   * The audit records read, counted as {@code vigil normalize} counts them: each ends as an event
   * or a dead letter, and an envelope ({@code {"Records":[...]}}) counts as the records it holds,
   * not as the one raw record the job's {@code recordsIn} metric counts.
   */
  private static long recordsIn(DetectSummary summary) {
    return summary.events() + summary.deadLetters();
  }

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static String seconds(Duration elapsed) {
    return String.format(java.util.Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
  }

  private static void copyTo(Path file, OutputStream out) throws IOException {
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        in.transferTo(out);
      }
    }
    out.flush();
  }

  /** Deletes {@code dir} and everything below it; nothing when it does not exist. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
