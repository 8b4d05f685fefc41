package dev.vigil.cli;

import dev.vigil.stack.ComponentStatus;
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
final class StackCommand {

  /**
   * Exit code of {@code stack status} when a component is stopped: 3, "program is not running" in
   * the LSB init-script conventions that {@code systemctl status} follows too.
   */
  static final int EXIT_NOT_RUNNING = 3;

  /** Options every stack verb shares. */
  static class StateDirOption {
    @Option(
        names = "--state-dir",
        paramLabel = "DIR",
        description =
            "Where state, logs and PID files live (default: $VIGIL_HOME/stack or .vigil/stack).")
    String stateDir;

    LocalStack stack(CliEnvironment env) {
      return new LocalStack(
          StackConfig.defaults(stateDir(env, stateDir)), line -> env.stderr().println(line));
    }
  }

  /**
   * The state directory {@code --state-dir} names (relative to the working directory), or the
   * default one: what every stack verb, and {@code demo --stack}, looks in.
   */
  static Path stateDir(CliEnvironment env, String stateDirArgument) {
    return stateDirArgument != null
        ? env.resolve(stateDirArgument)
        : StackConfig.defaultStateDir(VigilCommand.projectRoot(env));
  }

  private static StackStatus runStack(
      CliEnvironment env, StateDirOption options, Function<LocalStack, StackStatus> verb) {
    try {
      StackStatus status = verb.apply(options.stack(env));
      env.stderr().println(status.describe());
      env.stderr().flush();
      return status;
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
      runStack(env, options, LocalStack::up);
      return 0;
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
      runStack(env, options, LocalStack::down);
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Say what runs where.",
        "Exit 0 when Kafka and OpenSearch both run, 3 when either is stopped, 1 on errors."
      })
  static final class Status implements Callable<Integer> {
    private final CliEnvironment env;
    @picocli.CommandLine.Mixin private StateDirOption options = new StateDirOption();

    Status(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      StackStatus status = runStack(env, options, LocalStack::status);
      boolean allRunning = status.components().stream().allMatch(ComponentStatus::running);
      return allRunning ? 0 : EXIT_NOT_RUNNING;
    }
  }
}
