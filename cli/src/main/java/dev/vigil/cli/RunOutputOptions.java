package dev.vigil.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out}, {@code --events-out} and {@code --dead-letter}, shared by the bounded detection
 * runs over files ({@code vigil detect}, {@code vigil rules backtest}, see {@link DetectionRun}):
 * one name and one check for each.
 *
 * <p>What happens to the dead letters when {@code --dead-letter} is not given is the command's to
 * say ({@link DetectionRun.UnnamedDeadLetters}), so that option's description comes from the
 * command's resource bundle, under {@link #DEAD_LETTER_HELP}.
 */
final class RunOutputOptions {

  /** The key of {@code --dead-letter}'s description in the command's resource bundle. */
  static final String DEAD_LETTER_HELP = "dead-letter";

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write alerts to FILE instead of stdout.")
  private String alerts;

  @Option(
      names = "--events-out",
      paramLabel = "FILE",
      description = "Also write the normalized events to FILE (JSON lines).")
  private String events;

  @Option(names = "--dead-letter", paramLabel = "FILE", descriptionKey = DEAD_LETTER_HELP)
  private String deadLetters;

  /** The files the options name, resolved; each null when its option is not given. */
  record NamedFiles(Path alerts, Path events, Path deadLetters) {}

  /**
   * The files the options name, claimed in {@code targets} and checked writable: a mistake (an
   * input, two options on one file, a directory, no way to create the file) fails here in one line,
   * before the run, not when the job writes them at its end.
   */
  NamedFiles claim(CliEnvironment env, OutputTargets targets) throws IOException {
    NamedFiles files =
        new NamedFiles(resolve(env, alerts), resolve(env, events), resolve(env, deadLetters));
    targets.claimWritable(files.alerts(), "--out", alerts);
    targets.claimWritable(files.events(), "--events-out", events);
    targets.claimWritable(files.deadLetters(), "--dead-letter", deadLetters);
    return files;
  }

  /** {@code --dead-letter} as typed, to name the file in the summary; null when not given. */
  String deadLettersAsTyped() {
    return deadLetters;
  }

  private static Path resolve(CliEnvironment env, String typed) {
    return typed == null ? null : env.resolve(typed);
  }
}
