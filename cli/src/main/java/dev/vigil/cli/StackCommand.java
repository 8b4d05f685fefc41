package dev.vigil.cli;

import dev.vigil.stack.ComponentStatus;
import dev.vigil.stack.LocalStack;
import dev.vigil.stack.StackConfig;
import dev.vigil.stack.StackException;
import dev.vigil.stack.StackPorts;
import dev.vigil.stack.StackStatus;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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
      return new LocalStack(configuration(env), line -> env.stderr().println(line));
    }

    /**
     * The defaults, with the ports this state directory was last brought up on in their place: a
     * stack moved off the usual ports stays there.
     */
    StackConfig configuration(CliEnvironment env) {
      Path dir = stateDir(env, stateDir);
      StackConfig defaults = StackConfig.defaults(dir);
      return StackPorts.read(dir).map(ports -> ports.applyTo(defaults)).orElse(defaults);
    }
  }

  /** {@code up}'s ports; each one given replaces the recorded one (or the default). */
  static final class PortOptions extends StateDirOption {
    @Option(
        names = "--kafka-port",
        paramLabel = "PORT",
        converter = PortConverter.class,
        description = "Kafka's client port on 127.0.0.1 (default: the last one, else 9092).")
    Integer kafkaPort;

    @Option(
        names = "--kafka-controller-port",
        paramLabel = "PORT",
        converter = PortConverter.class,
        description =
            "Kafka's KRaft controller port (default: the last one, else 9093); fixed once the"
                + " state directory's storage is formatted.")
    Integer kafkaControllerPort;

    @Option(
        names = "--opensearch-port",
        paramLabel = "PORT",
        converter = PortConverter.class,
        description = "OpenSearch's HTTP port on 127.0.0.1 (default: the last one, else 9200).")
    Integer openSearchPort;

    @Option(
        names = "--opensearch-transport-port",
        paramLabel = "PORT",
        converter = PortConverter.class,
        description = "OpenSearch's transport port (default: the last one, else 9300).")
    Integer openSearchTransportPort;

    @Override
    StackConfig configuration(CliEnvironment env) {
      StackConfig.Builder config = super.configuration(env).toBuilder();
      if (kafkaPort != null) {
        config.kafkaPort(kafkaPort);
      }
      if (kafkaControllerPort != null) {
        config.kafkaControllerPort(kafkaControllerPort);
      }
      if (openSearchPort != null) {
        config.openSearchHttpPort(openSearchPort);
      }
      if (openSearchTransportPort != null) {
        config.openSearchTransportPort(openSearchTransportPort);
      }
      return config.build();
    }
  }

  /** A TCP port, 1 to 65535 (0, "any free port", is for tests: a user's stack stays put). */
  static final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String text) {
      try {
        int port = Integer.parseInt(text.trim());
        if (port >= 1 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException("'" + text + "' is not a TCP port (1 to 65535)");
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
      description = {
        "Start Kafka and OpenSearch on loopback and wait until both answer (idempotent).",
        "The ports are recorded in the state directory and reused by its next 'up'."
      })
  static final class Up implements Callable<Integer> {
    private final CliEnvironment env;
    @picocli.CommandLine.Mixin private PortOptions options = new PortOptions();

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
