package dev.vigil.cli;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code vigil} command: one verb per subcommand. Every command reports user mistakes as one
 * line on stderr with exit code 1 (see {@link #commandLine}); a command group ({@code vigil},
 * {@code vigil rules}, ...) given no command prints its usage to stderr, also with exit code 1.
 * Groups therefore implement neither {@link Runnable} nor {@link java.util.concurrent.Callable}:
 * picocli then reports a missing command as a usage error.
 */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = VigilCommand.Version.class,
    description = "Streaming audit analytics and detection for Vault, CloudTrail, Azure and GCP.",
    subcommands = {
      NormalizeCommand.class,
      DetectCommand.class,
      RunCommand.class,
      DemoCommand.class,
      RulesCommand.class,
      StackCommand.class,
      RetentionCommand.class,
      DashboardsCommand.class,
      ReportCommand.class
    })
public final class VigilCommand {

  /** Exit code for usage and I/O errors. */
  public static final int EXIT_ERROR = 1;

  /**
   * Exit code when the command ran to the end and found what it reports on: dead-lettered records,
   * invalid rules, failed rule tests.
   */
  public static final int EXIT_FINDINGS = 2;

  public static void main(String[] args) {
    System.exit(commandLine(CliEnvironment.system()).execute(args));
  }

  /** The command line wired to {@code env}: its streams, and its way of reporting errors. */
  public static CommandLine commandLine(CliEnvironment env) {
    CommandLine commandLine = new CommandLine(new VigilCommand(), factory(env));
    commandLine.setOut(
        new PrintWriter(new OutputStreamWriter(env.stdout(), StandardCharsets.UTF_8), true));
    commandLine.setErr(env.stderr());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(VigilCommand::reportUsageError);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          if (e instanceof CommandFailedException) {
            reportError(cmd, e.getMessage());
          } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            reportError(cmd, IoProblems.innermost(e));
          } else {
            // A bug, not a user mistake: the trace is what a maintainer needs.
            reportError(cmd, "internal error (" + e.getClass().getName() + "), please report it");
            e.printStackTrace(cmd.getErr());
          }
          return EXIT_ERROR;
        });
    commandLine.setExecutionStrategy(VigilCommand::executeReportingBrokenInstallations);
    TokenSafeHelp.install(commandLine);
    return commandLine;
  }

  /**
   * Runs the command picocli's default way. A {@link ServiceConfigurationError} (a library's
   * service that cannot be loaded: a jar missing from or doubled on the class path) is an {@code
   * Error}, which the execution exception handler never sees; it is the installation's fault, not a
   * bug in the command, so it gets one line and exit code 1 instead of the JVM's stack trace.
   */
  private static int executeReportingBrokenInstallations(ParseResult parseResult) {
    try {
      return new CommandLine.RunLast().execute(parseResult);
    } catch (ServiceConfigurationError e) {
      List<CommandLine> commands = parseResult.asCommandLineList();
      reportError(
          commands.get(commands.size() - 1),
          "the installation is broken ("
              + oneLine(e.getMessage())
              + "); rebuild it ("
              + "./mvnw -B -q package -DskipTests) or reinstall");
      return EXIT_ERROR;
    }
  }

  /**
   * The Vigil checkout or installation the command belongs to: {@code bin/vigil} passes it as the
   * system property {@code vigil.root}; without it, the working directory.
   */
  static Path projectRoot(CliEnvironment env) {
    String root = System.getProperty("vigil.root");
    return root == null || root.isBlank() ? env.workingDir() : Path.of(root);
  }

  private static int reportUsageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    List<String> unmatched = cmd.getUnmatchedArguments();
    UnmatchedArgumentException unknownOption =
        unmatched.isEmpty() ? null : new UnmatchedArgumentException(cmd, unmatched);
    if (e instanceof UnmatchedArgumentException unknown) {
      reportError(cmd, describeUnmatched(unknown));
    } else if (unknownOption != null && unknownOption.isUnknownOption()) {
      // An unknown option ('--rule' for '--rules') also leaves the option it was meant to be
      // missing; the typo is the mistake to report, not the consequence.
      reportError(cmd, describeUnmatched(unknownOption));
    } else if (isCommandGroup(cmd)
        && cmd.getParseResult() != null
        && !cmd.getParseResult().hasSubcommand()) {
      cmd.usage(cmd.getErr());
    } else if (e instanceof MissingParameterException missing) {
      reportError(cmd, describeMissing(missing, args) + helpHint(cmd));
    } else if (e.getArgSpec() != null && e.getValue() != null) {
      reportError(cmd, describeInvalidValue(e));
    } else {
      reportError(cmd, lowerCased(oneLine(e.getMessage())) + helpHint(cmd));
    }
    return EXIT_ERROR;
  }

  /**
   * What is missing, as the user would type it: "--out needs a value (FILE)" for an option given
   * without its value, "missing --config FILE" for a required option left out, "needs DIR" for a
   * positional parameter.
   */
  private static String describeMissing(MissingParameterException e, String[] args) {
    List<String> absent = new ArrayList<>();
    List<String> parameters = new ArrayList<>();
    for (ArgSpec arg : e.getMissing()) {
      if (arg instanceof OptionSpec option) {
        if (typed(option, args)) {
          return option.longestName() + " needs a value (" + option.paramLabel() + ")";
        }
        absent.add(
            option.longestName() + (option.arity().max() > 0 ? " " + option.paramLabel() : ""));
      } else {
        parameters.add(arg.paramLabel());
      }
    }
    if (!absent.isEmpty()) {
      return "missing " + String.join(" and ", absent);
    }
    return parameters.isEmpty()
        ? lowerCased(oneLine(e.getMessage()))
        : "needs " + String.join(" and ", parameters);
  }

  /**
   * Whether the command line holds {@code option} by one of its names ({@code --out}, {@code
   * --out=}).
   */
  private static boolean typed(OptionSpec option, String[] args) {
    for (String arg : args) {
      for (String name : option.names()) {
        if (arg.equals(name) || arg.startsWith(name + "=")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * "--source 'vaul': did you mean 'vault'? (one of auto, vault, ...)" for a value outside a fixed
   * set, or "--format 'xml' is not one of jsonl, avro" when no value is near; otherwise the
   * converter's own words after the option ("--max-out-of-orderness: 'soon' is not a duration;
   * ...").
   */
  private static String describeInvalidValue(ParameterException e) {
    ArgSpec arg = e.getArgSpec();
    String name = arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    List<String> choices = new ArrayList<>();
    if (arg.completionCandidates() != null && arg.type().isEnum()) {
      arg.completionCandidates().forEach(choices::add);
    }
    if (!choices.isEmpty()) {
      String oneOf = "(one of " + String.join(", ", choices) + ")";
      String value = name + " '" + e.getValue() + "'";
      return Suggestions.closest(e.getValue().toLowerCase(Locale.ROOT), choices)
          .map(choice -> value + ": did you mean '" + choice + "'? " + oneOf)
          .orElse(value + " is not one of " + String.join(", ", choices));
    }
    Throwable cause = e.getCause();
    String reason =
        cause instanceof TypeConversionException && cause.getMessage() != null
            ? cause.getMessage()
            : "'" + e.getValue() + "' is not valid here";
    return name + ": " + lowerCased(oneLine(reason)) + helpHint(e.getCommandLine());
  }

  /** picocli's sentences start with a capital; Vigil's follow the command's name after a colon. */
  private static String lowerCased(String message) {
    return message.length() > 1
            && Character.isUpperCase(message.charAt(0))
            && Character.isLowerCase(message.charAt(1))
        ? Character.toLowerCase(message.charAt(0)) + message.substring(1)
        : message;
  }

  /**
   * "unknown option '--rule'; did you mean '--rules'?", "unknown command 'normalise'; did you mean
   * 'normalize'?"; without a close name, a pointer to the command's help.
   */
  private static String describeUnmatched(UnmatchedArgumentException e) {
    CommandLine cmd = e.getCommandLine();
    CommandSpec spec = cmd.getCommandSpec();
    String typed = e.getUnmatched().get(0);
    String message;
    Optional<String> suggestion;
    if (e.isUnknownOption()) {
      typed = typed.split("=", 2)[0]; // '--rule=x' is the option '--rule'
      message = "unknown option '" + typed + "'";
      suggestion =
          Suggestions.closest(
              typed,
              spec.options().stream()
                  .filter(option -> !option.hidden())
                  .flatMap(option -> Arrays.stream(option.names()))
                  .toList());
    } else if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
      message = "unknown command '" + typed + "'";
      suggestion =
          Suggestions.closest(
              typed,
              spec.subcommands().entrySet().stream()
                  .filter(command -> !command.getValue().getCommandSpec().usageMessage().hidden())
                  .map(Map.Entry::getKey)
                  .toList());
    } else {
      message = "unexpected argument '" + typed + "'";
      suggestion = Optional.empty();
    }
    return suggestion
        .map(name -> message + "; did you mean '" + name + "'?")
        .orElse(message + helpHint(cmd));
  }

  /** A command that only groups others: it has nothing to run itself. */
  private static boolean isCommandGroup(CommandLine cmd) {
    Object command = cmd.getCommand();
    return !cmd.getSubcommands().isEmpty()
        && !(command instanceof Runnable)
        && !(command instanceof Callable);
  }

  private static void reportError(CommandLine cmd, String message) {
    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message);
    cmd.getErr().flush();
  }

  private static String helpHint(CommandLine cmd) {
    return " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')";
  }

  private static String oneLine(String message) {
    return message == null
        ? "invalid command line"
        : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** Commands that need the environment take it in their constructor. */
  private static CommandLine.IFactory factory(CliEnvironment env) {
    CommandLine.IFactory fallback = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
          Class<?>[] parameters = constructor.getParameterTypes();
          if (parameters.length == 1 && parameters[0] == CliEnvironment.class) {
            constructor.setAccessible(true);
            return type.cast(constructor.newInstance(env));
          }
        }
        return fallback.create(type);
      }
    };
  }

  /** The version Maven wrote into {@code version.properties} at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"vigil " + version()};
    }

    /** The version of this build, as Maven wrote it. */
    static String version() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = VigilCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return properties.getProperty("version", "(unknown version)");
    }
  }
}
