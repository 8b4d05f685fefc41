package dev.vigil.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil demo}: the detection job on embedded defaults over the bundled samples. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    // One string per paragraph: picocli wraps each to the terminal, and the first is the
    // command's line in 'vigil --help'.
    description = {
      "Run the detection job with the built-in rules over the bundled samples, and summarize it.",
      "The samples (samples/) are a day of Vault, CloudTrail, Azure and GCP audit records with an"
          + " attack story in it; the job runs on the embedded Flink, writes events, alerts and"
          + " dead letters as JSON lines, and the summary says what was found. Needs nothing"
          + " running. With --stack, the same samples go through the local stack instead (bin/vigil"
          + " stack up): raw records to Kafka, the job as vigil run builds it, events and alerts"
          + " into OpenSearch, pages to a local PagerDuty receiver. Exit 0 on success, 1 on errors."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--out-dir",
      paramLabel = "DIR",
      description =
          "Write events.jsonl, alerts.jsonl and deadletters.jsonl to DIR (default: out/"
              + " in the Vigil checkout; with --stack, the job's files to DIR, default out/stack/).")
  private String outDir;

  @Option(
      names = "--stack",
      description =
          "Run against the local stack (Kafka and OpenSearch of 'vigil stack up') instead of"
              + " embedded defaults.")
  private boolean stack;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT",
      description = "With --stack: the Kafka brokers to use instead of the local stack's.")
  private String kafka;

  @Option(
      names = "--opensearch",
      paramLabel = "URL",
      description = "With --stack: the OpenSearch node to use instead of the local stack's.")
  private String openSearch;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "With --stack: the state directory of the local stack, as given to 'vigil stack up"
              + " --state-dir' (default: $VIGIL_HOME/stack or .vigil/stack).")
  private String stateDir;

  private final CliEnvironment env;

  DemoCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    if (stack) {
      new Demo(env).runOnStack(outDir, stateDir, kafka, openSearch);
    } else if (kafka != null || openSearch != null || stateDir != null) {
      throw new CommandFailedException("--kafka, --opensearch and --state-dir need --stack");
    } else {
      new Demo(env).run(outDir);
    }
    return 0;
  }
}
