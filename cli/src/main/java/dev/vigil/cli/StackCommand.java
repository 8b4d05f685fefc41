package dev.vigil.cli;

import dev.vigil.stack.LocalStack;
import dev.vigil.stack.StackConfig;
import dev.vigil.stack.StackException;
import dev.vigil.stack.StackStatus;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil stack up|down|status}: the real local Kafka broker and OpenSearch node, without
 * Docker (see docs/stack.md). The stack module does the work; this class only parses options.
 */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    description = "Start, stop and inspect the local Kafka broker and OpenSearch node.",
    subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
final class StackCommand implements Runnable {

  @picocli.CommandLine.Spec private picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every stack verb shares. */
  static class StateDirOption {
    @Option(
        names = "--state-dir",
        paramLabel = "DIR",
        description =
            "Where state, logs and PID files live (default: $VIGIL_HOME/stack or .vigil/stack).")
    String stateDir;

    LocalStack stack(CliEnvironment env) {
      Path dir =
          stateDir != null
              ? env.resolve(stateDir)
              : StackConfig.defaultStateDir(VigilCommand.projectRoot(env));
      return new LocalStack(StackConfig.defaults(dir), line -> env.stderr().println(line));
    }
  }

  private static int runStack(
      CliEnvironment env, StateDirOption options, Function<LocalStack, StackStatus> verb) {
    try {
      StackStatus status = verb.apply(options.stack(env));
      env.stderr().println(status.describe());
      env.stderr().flush();
      return 0;
    } catch (StackException e) {
      throw new CommandFailedException(e.getMessage());
    }
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description =
          "Start Kafka and OpenSearch on loopback and wait until both answer (idempotent).")
  static final class Up implements Callable<Integer> {
    private final CliEnvironment env;
    @picocli.CommandLine.Mixin private StateDirOption options = new StateDirOption();

    Up(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      return runStack(env, options, LocalStack::up);
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = "Stop exactly the processes 'stack up' started.")
  static final class Down implements Callable<Integer> {
    private final CliEnvironment env;
    @picocli.CommandLine.Mixin private StateDirOption options = new StateDirOption();

    Down(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      return runStack(env, options, LocalStack::down);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Say what runs where.")
  static final class Status implements Callable<Integer> {
    private final CliEnvironment env;
    @picocli.CommandLine.Mixin private StateDirOption options = new StateDirOption();

    Status(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      return runStack(env, options, LocalStack::status);
    }
  }
}
