package dev.vigil.cli;

import dev.vigil.ingest.spi.NearNames;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RuleExplainer;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.RulePathException;
import dev.vigil.rules.RuleValidator;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.testing.RuleTestRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil rules validate|test|explain|backtest}: the rule author's loop, handed to the rules
 * module.
 */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Validate, test, explain and backtest detection rules.",
    subcommands = {
      RulesCommand.Validate.class,
      RulesCommand.Test.class,
      RulesCommand.Explain.class,
      RulesCommand.Backtest.class
    })
final class RulesCommand {

  /**
   * Rule files or directories from the command line, or the built-in pack when none are given. A
   * path that is missing or yields no rule file fails here, in one line naming it as typed.
   *
   * @param flag the option that took the paths ({@code --rules}), or null for arguments
   */
  static List<Path> rulePaths(CliEnvironment env, String flag, List<String> given) {
    if (given == null || given.isEmpty()) {
      return List.of(RulePack.builtInRoot());
    }
    String named = flag == null ? "" : flag + " ";
    List<Path> paths = new ArrayList<>();
    for (String path : given) {
      Path resolved = env.resolve(path);
      if (!Files.exists(resolved)) {
        throw new CommandFailedException("no such file or directory: " + path);
      }
      paths.add(resolved);
    }
    try {
      RulePack.requireRuleFiles(paths);
    } catch (RulePathException e) {
      throw new CommandFailedException(
          named + given.get(paths.indexOf(e.path())) + ": " + e.problem());
    }
    return paths;
  }

  /** The rules {@code validate} and {@code test} read: their arguments, or the built-in pack. */
  static final class RulePathArguments {
    @Parameters(
        arity = "0..*",
        paramLabel = "PATH",
        description = "Rule files or directories (default: the built-in pack).")
    private List<String> paths;

    List<Path> resolve(CliEnvironment env) {
      return rulePaths(env, null, paths);
    }
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      // The first line is the command's entry in 'vigil rules --help': a whole sentence.
      description = {
        "Check rule files against the schema and the language.",
        "Errors and warnings with file and line, then 'N valid, M invalid' (', K warnings' when"
            + " there are any). Exit 0 when all are valid (warnings or not), 2 otherwise."
      })
  static final class Validate implements Callable<Integer> {
    private final CliEnvironment env;

    @Mixin private RulePathArguments paths;

    Validate(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      RuleValidator.Report report = RuleValidator.validate(paths.resolve(env));
      print(env.stderr(), report.lines());
      return report.ok() ? 0 : VigilCommand.EXIT_FINDINGS;
    }
  }

  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = {
        "Run the tests inside rule files.",
        "One line per failure with its reasons and per warning, then 'N passed, M failed'; under"
            + " a missed or unexpected match, each search identifier's result on the event. Exit 0"
            + " when all pass, 2 otherwise."
      })
  static final class Test implements Callable<Integer> {
    private final CliEnvironment env;

    @Mixin private RulePathArguments paths;

    Test(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      RuleTestRunner.Report report = RuleTestRunner.run(paths.resolve(env));
      print(env.stderr(), report.lines());
      return report.ok() ? 0 : VigilCommand.EXIT_FINDINGS;
    }
  }

  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description = {
        "Show a rule as Vigil reads it and the Esper EPL it compiles to.",
        "Given a detection (policy_change, as alerts show it), list the rules that carry it."
      })
  static final class Explain implements Callable<Integer> {
    private final CliEnvironment env;

    @Parameters(
        index = "0",
        paramLabel = "RULE",
        description = "The rule's id, name or title, or a detection.")
    private String rule;

    @Option(
        names = "--rules",
        paramLabel = "PATH",
        description = "Rule files or directories to look in (default: the built-in pack).")
    private List<String> paths;

    @Option(
        names = "--detection",
        description = "RULE is a detection: list its rules even when a rule has the same name.")
    private boolean detection;

    Explain(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      RulePack.Loaded loaded = RulePack.loadLenient(rulePaths(env, "--rules", paths));
      List<RuleError> problems = loaded.errors();
      CompiledPack compiled = null;
      if (problems.isEmpty()) {
        try {
          compiled = PackCompiler.compile(loaded.pack());
        } catch (RuleException e) {
          problems = e.errors();
        }
      }
      if (compiled == null) {
        // An author mid-way through one file still looks at another: the rule's own file, with
        // what its correlations reference, when that loads and compiles.
        Optional<CompiledPack> own = detection ? Optional.empty() : ownFileOf(loaded.pack(), rule);
        if (own.isEmpty()) {
          print(env.stderr(), problems.stream().map(Object::toString).toList());
          throw new CommandFailedException(
              loaded.errors().isEmpty()
                  ? "the rules do not compile"
                  : "the rules do not load; run 'vigil rules validate' for details");
        }
        compiled = own.get();
        List<String> files = problems.stream().map(RuleError::file).distinct().toList();
        print(
            env.stderr(),
            List.of(
                "explaining "
                    + rule
                    + " from its own file: the rules given do not all load or compile (errors"
                    + " in "
                    + String.join(", ", files.subList(0, Math.min(3, files.size())))
                    + (files.size() > 3 ? " and " + (files.size() - 3) + " more" : "")
                    + "); 'vigil rules validate' lists them"));
      }
      String where =
          paths == null || paths.isEmpty()
              ? " in the built-in pack"
              : " under " + String.join(", ", paths);
      PrintWriter out =
          new PrintWriter(env.stdout(), true, java.nio.charset.StandardCharsets.UTF_8);
      String rulesFlag = paths == null || paths.isEmpty() ? "" : " --rules PATH";
      Optional<String> explanation =
          detection ? Optional.empty() : RuleExplainer.explain(compiled, rule);
      List<String> members = RuleExplainer.rulesOfDetection(compiled, rule);
      if (explanation.isPresent()) {
        out.println(explanation.get());
        out.flush();
        // A detection often shares its name with one of its rules (root_token_use): say so when
        // it has others. A custom rule's detection is its own name, with no other rule.
        boolean onlyThisRule =
            members.size() == 1
                && RuleExplainer.find(compiled, rule)
                    .map(meta -> rule.equals(meta.detection()))
                    .orElse(false);
        if (!members.isEmpty() && !onlyThisRule) {
          print(
              env.stderr(),
              List.of(
                  "the detection "
                      + rule
                      + " has "
                      + Plurals.count(members.size(), "rule")
                      + "; 'vigil rules explain --detection "
                      + rule
                      + rulesFlag
                      + "' lists them"));
        }
        return 0;
      }
      if (!members.isEmpty()) {
        out.println("detection " + rule + ": " + Plurals.count(members.size(), "rule") + where);
        members.forEach(line -> out.println("  " + line));
        out.flush();
        print(
            env.stderr(),
            List.of("'vigil rules explain NAME" + rulesFlag + "' explains one of them"));
        return 0;
      }
      String didYouMean = NearNames.didYouMean(RuleExplainer.nearNames(compiled, rule));
      throw new CommandFailedException(
          "no rule (id, name or title) or detection '"
              + rule
              + "'"
              + where
              + (didYouMean.isEmpty() ? "" : "; " + didYouMean)
              + (paths == null || paths.isEmpty() ? " (--rules PATH looks in other rules)" : ""));
    }
  }

  /**
   * The pack of the one file that holds the rule {@code explain} was asked for, compiled, when it
   * compiles (see {@link RulePack#forFile}).
   */
  private static Optional<CompiledPack> ownFileOf(RulePack pack, String rule) {
    for (RuleFile file : pack.files()) {
      if (file.documents().stream().anyMatch(d -> RuleExplainer.refersTo(d.meta(), rule))) {
        try {
          return Optional.of(PackCompiler.compile(pack.forFile(file)));
        } catch (RuleException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  @Command(
      name = "backtest",
      mixinStandardHelpOptions = true,
      description = {
        "What the given rules would have fired over past raw records.",
        "The same job as 'vigil detect', with these rules instead of the built-in pack. Alerts as"
            + " JSON lines to stdout or --out, a summary on stderr. Dead letters are counted in the"
            + " summary and kept only with --dead-letter FILE (no file per run in the working"
            + " directory)."
      },
      resourceBundle = "dev.vigil.cli.RulesCommand$Backtest$OutputHelp")
  static final class Backtest implements Callable<Integer> {

    /** What {@link RunOutputOptions} says of the dead letters no option names. */
    public static final class OutputHelp extends ListResourceBundle {
      @Override
      protected Object[][] getContents() {
        return new Object[][] {
          {
            RunOutputOptions.DEAD_LETTER_HELP,
            "Write dead letters to FILE (default: counted in the summary, not kept)."
          }
        };
      }
    }

    private final CliEnvironment env;

    @Option(
        names = "--rules",
        required = true,
        paramLabel = "PATH",
        description = "The rule files or directories to try.")
    private List<String> rules;

    @Mixin private RunOutputOptions outputs;

    @Mixin private OutOfOrdernessOption maxOutOfOrderness;

    @Mixin private NormalizerOptions normalizerOptions;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Past raw records.")
    private List<String> inputs;

    Backtest(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() throws java.io.IOException {
      return new DetectionRun(
              env, "vigil rules backtest", DetectionRun.UnnamedDeadLetters.COUNTED_ONLY)
          .run(inputs, rules, outputs, maxOutOfOrderness.value(), normalizerOptions);
    }
  }

  private static void print(PrintWriter err, List<String> lines) {
    lines.forEach(err::println);
    err.flush();
  }
}
