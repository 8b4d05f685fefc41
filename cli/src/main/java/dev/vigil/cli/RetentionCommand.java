package dev.vigil.cli;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.dashboards.index.RetentionManager;
import dev.vigil.dashboards.index.RetentionManager.Decision;
import dev.vigil.dashboards.index.RetentionManager.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opensearch.client.opensearch._types.OpenSearchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil retention apply}: deletes the Vigil indices whose retention has run out (see
 * docs/opensearch.md). {@link RetentionManager} decides and deletes; this class parses options and
 * prints each index's verdict as it is reached, so what was deleted is on stdout even when a later
 * deletion fails.
 */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = "Apply the retention classes to Vigil's OpenSearch indices.",
    subcommands = RetentionCommand.Apply.class)
final class RetentionCommand {

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Delete every vigil-* index whose period ended longer ago than its class's retention"
            + " (UTC days). Indices of unknown classes are listed and never touched.",
        "Prints one line per index: delete (or 'would delete'), keep, keep forever, unmanaged."
      })
  static final class Apply implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec private CommandSpec spec;
    @Mixin private OpenSearchOptions openSearch = new OpenSearchOptions();

    @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(
        names = "--retention-file",
        paramLabel = "FILE",
        description =
            "The retention classes the events were indexed with (default: the built-in ones).")
    String retentionFile;

    Apply(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      OpenSearchConfig config =
          openSearch.cluster(
              env,
              section -> {
                if (retentionFile != null) {
                  section.put("retention_file", env.resolve(retentionFile).toString());
                }
              });
      IndexContract contract;
      try {
        contract = IndexContract.of(config);
      } catch (IllegalArgumentException e) {
        throw new CommandFailedException(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
      List<Decision> decisions;
      try (OpenSearchConnection connection = openSearch.open(env, config)) {
        decisions =
            new RetentionManager(connection.client(), contract, Clock.systemUTC())
                .apply(
                    dryRun,
                    decision -> {
                      out.println(describe(decision));
                      counts.merge(decision.verdict(), 1, Integer::sum);
                    });
      } catch (IOException | OpenSearchException e) {
        out.flush();
        throw OpenSearchOptions.failure(config, "retention", e);
      }
      out.flush();
      env.stderr().println(summary(decisions.size(), counts, dryRun));
      env.stderr().flush();
      return 0;
    }

    private String describe(Decision decision) {
      String action =
          switch (decision.verdict()) {
            case EXPIRED -> decision.deleted() ? "delete" : "would delete";
            case KEEP -> "keep";
            case KEEP_FOREVER -> "keep forever";
            case UNMANAGED -> "unmanaged";
          };
      String line = String.format("%-12s  %s", action, decision.index());
      if (decision.family() != null) {
        line += "  family " + decision.family();
      }
      if (decision.deletableFrom() != null) {
        line +=
            (decision.verdict() == Verdict.EXPIRED ? ", deletable since " : ", deletable from ")
                + decision.deletableFrom();
      }
      return line;
    }

    /** The closing line on stderr: how many indices there were and what became of them. */
    static String summary(int indices, Map<Verdict, Integer> counts, boolean dryRun) {
      int expired = counts.getOrDefault(Verdict.EXPIRED, 0);
      int kept =
          counts.getOrDefault(Verdict.KEEP, 0) + counts.getOrDefault(Verdict.KEEP_FOREVER, 0);
      return "vigil retention apply: "
          + Plurals.count(indices, "vigil-* index", "vigil-* indices")
          + ", "
          + expired
          + (dryRun ? " would be deleted (dry run), " : " deleted, ")
          + kept
          + " kept, "
          + counts.getOrDefault(Verdict.UNMANAGED, 0)
          + " unmanaged";
    }
  }
}
