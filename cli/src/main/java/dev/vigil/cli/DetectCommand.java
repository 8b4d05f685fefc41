package dev.vigil.cli;

import java.io.IOException;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil detect}: the detection job, bounded, on the embedded Flink, over raw files. */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    // One string per paragraph: picocli wraps each to the terminal, and the first is the
    // command's line in 'vigil --help'.
    description = {
      "Run the detection job over raw audit files and write the alerts as JSON lines.",
      "Files of any source (detected per record) and directories, read as vigil normalize reads"
          + " them, by the job on the embedded Flink. Exit 0 on success, 2 when some records were"
          + " dead-lettered, 1 on usage or I/O errors or a failed job."
    },
    resourceBundle = "dev.vigil.cli.DetectCommand$OutputHelp")
final class DetectCommand implements Callable<Integer> {

  /** What {@link RunOutputOptions} says of the dead letters no option names. */
  public static final class OutputHelp extends ListResourceBundle {
    @Override
    protected Object[][] getContents() {
      return new Object[][] {
        {
          RunOutputOptions.DEAD_LETTER_HELP,
          "Write dead letters to FILE (default: vigil-deadletters-<time>.jsonl, only when any)."
        }
      };
    }
  }

  @Option(
      names = "--rules",
      paramLabel = "PATH",
      description = "Rule files or directories (default: the built-in pack).")
  private List<String> rules;

  @Mixin private RunOutputOptions outputs;

  @Mixin private OutOfOrdernessOption maxOutOfOrderness;

  @Mixin private NormalizerOptions normalizerOptions;

  @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Files or directories.")
  private List<String> inputs;

  private final CliEnvironment env;

  DetectCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    return new DetectionRun(env, "vigil detect", DetectionRun.UnnamedDeadLetters.TIMESTAMPED_FILE)
        .run(inputs, rules, outputs, maxOutOfOrderness.value(), normalizerOptions);
  }
}
