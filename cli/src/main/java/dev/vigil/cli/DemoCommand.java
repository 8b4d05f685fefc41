package dev.vigil.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil demo}: the detection job on embedded defaults over the bundled samples. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the detection job on the embedded Flink with the built-in rules over the bundled",
      "samples (samples/: a day of Vault, CloudTrail, Azure and GCP audit records with an attack",
      "story in it), write events, alerts and dead letters as JSON lines, and summarize what",
      "was found. Needs nothing running. Exit 0 on success, 1 on errors."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--out-dir",
      paramLabel = "DIR",
      description =
          "Write events.jsonl, alerts.jsonl and deadletters.jsonl to DIR (default: out/"
              + " in the Vigil checkout).")
  private String outDir;

  private final CliEnvironment env;

  DemoCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    new Demo(env).run(outDir);
    return 0;
  }
}
