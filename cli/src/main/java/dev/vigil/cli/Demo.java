package dev.vigil.cli;

import dev.vigil.detect.DetectOptions;
import dev.vigil.detect.DetectSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code vigil demo} does: finds the bundled samples in the Vigil checkout, runs the detection
 * job over them as {@code vigil detect} would (embedded Flink, built-in rules), keeps the three
 * outputs in one directory and prints {@link DemoReport}.
 *
 * <p>The one setting that differs from {@code vigil detect}: the watermark delay covers the whole
 * sample day. The samples are four files covering the same hours, read one after another, so with
 * the streaming default of 30 s the records of every file read after a newer one would be late
 * (judged at the engine's clock, and the attack story's correlations missed). With a bound longer
 * than the samples' span nothing is late (every event waits in state until the input ends: a few
 * hundred here). The output is the same on every run either way (see {@link
 * dev.vigil.detect.JobOptions#orderedInput}).
 */
final class Demo {

  /** Longer than the time the samples span (all on 2026-11-20, see samples/README.md). */
  static final Duration SAMPLES_OUT_OF_ORDERNESS = Duration.ofDays(1);

  /** A generous bound for a run that takes seconds; a hang must not keep a first-time user. */
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  static final String ALERTS_FILE = "alerts.jsonl";
  static final String EVENTS_FILE = "events.jsonl";
  static final String DEAD_LETTERS_FILE = "deadletters.jsonl";

  private final CliEnvironment env;

  Demo(CliEnvironment env) {
    this.env = env;
  }

  /**
   * Runs the demo, writing into {@code outDirArgument} (relative to the working directory) or, when
   * null, {@code out/} of the checkout.
   */
  void run(String outDirArgument) throws IOException {
    Path root = VigilCommand.projectRoot(env);
    Path samples = samples(root);
    Path outDir = outDirArgument != null ? env.resolve(outDirArgument) : root.resolve("out");
    String outDirShown = outDirArgument != null ? outDirArgument : display(outDir);
    String outDirLabel = outDirLabel(outDirArgument, outDirShown);
    refuseInsideSamples(outDir, outDirLabel, samples);
    Path alerts = outDir.resolve(ALERTS_FILE);
    Path events = outDir.resolve(EVENTS_FILE);
    Path deadLetters = outDir.resolve(DEAD_LETTERS_FILE);
    // Checked (and the directory created) before the job: it writes them whole at its end.
    OutputTargets.requireWritableDirectory(outDir, outDirShown, outDirLabel);
    for (Path file : List.of(alerts, events, deadLetters)) {
      String name = file.getFileName().toString();
      OutputTargets.requireWritable(
          file, Path.of(outDirShown, name).toString(), name + " in " + outDirLabel, "");
    }

    DetectSummary summary =
        new DetectionRun(env, "vigil demo", DetectionRun.UnnamedDeadLetters.TIMESTAMPED_FILE)
            .execute(
                DetectOptions.builder()
                    .setInputs(List.of(samples))
                    .setAlertsOut(alerts)
                    .setEventsOut(events)
                    .setDeadLetterOut(deadLetters)
                    .setMaxOutOfOrderness(SAMPLES_OUT_OF_ORDERNESS)
                    .setTimeout(TIMEOUT));

    List<String> report =
        new DemoReport(this::display, root.resolve("bin").resolve("vigil"))
            .render(summary, samples, new DemoReport.Outputs(alerts, events, deadLetters));
    PrintWriter out = new PrintWriter(env.stdout(), false, StandardCharsets.UTF_8);
    report.forEach(out::println);
    out.flush();
  }

  /**
   * Runs the demo on the local stack ({@link StackDemo}), writing into {@code outDirArgument} or,
   * when null, {@code out/stack/} of the checkout; {@code kafka} and {@code openSearch} replace the
   * local stack's addresses when given.
   */
  void runOnStack(String outDirArgument, String stateDir, String kafka, String openSearch)
      throws IOException {
    Path root = VigilCommand.projectRoot(env);
    Path samples = samples(root);
    Path outDir =
        outDirArgument != null ? env.resolve(outDirArgument) : root.resolve("out").resolve("stack");
    String outDirShown = outDirArgument != null ? outDirArgument : display(outDir);
    String outDirLabel = outDirLabel(outDirArgument, outDirShown);
    refuseInsideSamples(outDir, outDirLabel, samples);
    new StackDemo(env, this::display)
        .run(
            samples,
            new StackDemo.OutDir(outDir.toAbsolutePath().normalize(), outDirShown, outDirLabel),
            stateDir,
            kafka,
            openSearch);
  }

  /**
   * The demo reads every file under the samples directory: output written there would be read as
   * samples by the next run (its events file as raw records of no source, so dead letters).
   */
  private void refuseInsideSamples(Path outDir, String outDirLabel, Path samples) {
    if (outDir.toAbsolutePath().normalize().startsWith(samples.toAbsolutePath().normalize())) {
      throw new CommandFailedException(
          outDirLabel
              + " is inside the samples directory, which every demo reads whole; choose a"
              + " directory outside "
              + display(samples));
    }
  }

  /** The output directory as the user gave it, or words that say it is the default. */
  private static String outDirLabel(String outDirArgument, String shown) {
    return outDirArgument != null
        ? "--out-dir " + outDirArgument
        : "the default output directory " + shown + "/ (give --out-dir DIR to write elsewhere)";
  }

  private static Path samples(Path root) {
    Path samples = root.resolve("samples");
    if (!Files.isDirectory(samples)) {
      throw new CommandFailedException(
          "the bundled samples are not at "
              + samples
              + "; run the demo with bin/vigil of a Vigil checkout");
    }
    return samples;
  }

  /** A path as the user would type it from where they are: relative when below it. */
  private String display(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path here = env.workingDir().normalize();
    return absolute.startsWith(here) && !absolute.equals(here)
        ? here.relativize(absolute).toString()
        : absolute.toString();
  }
}
