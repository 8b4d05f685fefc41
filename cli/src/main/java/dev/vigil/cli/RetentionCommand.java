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
import java.time.LocalDate;
import java.util.ArrayList;
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
            + " (UTC days; event time, not when it was written). Indices of unknown classes are"
            + " listed and never touched.",
        "Keeps an expired index that still holds events behind a kept alert, and one created in"
            + " the last "
            + RetentionManager.RECENT_DAYS
            + " days (a backfill, a replay) unless --delete-recent.",
        "Prints one line per index: delete (or 'would delete'), keep, keep recent, keep evidence,"
            + " keep forever, unmanaged."
      })
  static final class Apply implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec private CommandSpec spec;
    @Mixin private OpenSearchOptions openSearch = new OpenSearchOptions();

    @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(
        names = "--delete-recent",
        description =
            "Also delete expired indices created in the last "
                + RetentionManager.RECENT_DAYS
                + " days (by default kept until then: a backfill or replay of old records).")
    boolean deleteRecent;

    @Mixin private RetentionFileOption retentionFile = new RetentionFileOption();

    Apply(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      OpenSearchConfig config =
          openSearch.cluster(env, section -> retentionFile.addTo(env, section));
      IndexContract contract = RetentionFileOption.contract(config);
      PrintWriter out = spec.commandLine().getOut();
      List<Decision> decisions;
      try (OpenSearchConnection connection = openSearch.open(env, config)) {
        decisions =
            new RetentionManager(connection.client(), contract, Clock.systemUTC(), deleteRecent)
                .apply(dryRun, decision -> out.println(describe(decision)));
      } catch (IOException | OpenSearchException e) {
        out.flush();
        throw OpenSearchOptions.failure(config, "retention", e);
      }
      out.flush();
      env.stderr().println(summary(decisions, dryRun));
      env.stderr().flush();
      return 0;
    }

    /** One index's line on stdout. */
    static String describe(Decision decision) {
      String action =
          switch (decision.verdict()) {
            case EXPIRED -> decision.deleted() ? "delete" : "would delete";
            case KEEP -> "keep";
            case KEEP_RECENT -> "keep recent";
            case KEEP_EVIDENCE -> "keep evidence";
            case KEEP_FOREVER -> "keep forever";
            case UNMANAGED -> "unmanaged";
          };
      StringBuilder line = new StringBuilder(String.format("%-13s  %s", action, decision.index()));
      if (decision.family() != null) {
        line.append("  family ").append(decision.family());
      }
      if (decision.deletableFrom() == null) {
        return line.toString();
      }
      if (decision.verdict() == Verdict.KEEP) {
        return line.append(", deletable from ").append(decision.deletableFrom()).toString();
      }
      line.append(", deletable since ").append(decision.deletableFrom()).append(" by event time");
      switch (decision.verdict()) {
        case KEEP_RECENT ->
            line.append(", but written ")
                .append(decision.writtenOn())
                .append(": kept until ")
                .append(decision.recentUntil())
                .append(" (--delete-recent deletes it now)");
        case KEEP_EVIDENCE -> {
          line.append(", but holds ")
              .append(Plurals.count(decision.evidence().events(), "event"))
              .append(" behind kept alerts: kept ");
          LocalDate until = decision.evidence().until();
          line.append(
              until == null
                  ? "while they are (kept forever)"
                  : "until " + until + ", when they expire");
        }
        default -> {
          if (decision.writtenOn() != null) {
            line.append("; written ")
                .append(decision.writtenOn())
                .append(", deleted for its event time (--delete-recent)");
          }
        }
      }
      return line.toString();
    }

    /** The closing line on stderr: how many indices there were and what became of them. */
    static String summary(List<Decision> decisions, boolean dryRun) {
      Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
      decisions.forEach(decision -> counts.merge(decision.verdict(), 1, Integer::sum));
      int expired = counts.getOrDefault(Verdict.EXPIRED, 0);
      long expiredRecent =
          decisions.stream()
              .filter(d -> d.verdict() == Verdict.EXPIRED && d.writtenOn() != null)
              .count();
      int evidence = counts.getOrDefault(Verdict.KEEP_EVIDENCE, 0);
      int recent = counts.getOrDefault(Verdict.KEEP_RECENT, 0);
      int kept =
          counts.getOrDefault(Verdict.KEEP, 0)
              + counts.getOrDefault(Verdict.KEEP_FOREVER, 0)
              + evidence
              + recent;
      List<String> keptFor = new ArrayList<>();
      if (evidence > 0) {
        keptFor.add(evidence + " as evidence of kept alerts");
      }
      if (recent > 0) {
        keptFor.add(recent + " written in the last " + RetentionManager.RECENT_DAYS + " days");
      }
      return "vigil retention apply: "
          + Plurals.count(decisions.size(), "vigil-* index", "vigil-* indices")
          + ", "
          + expired
          + (dryRun ? " would be deleted (dry run)" : " deleted")
          + (expiredRecent > 0
              ? " ("
                  + expiredRecent
                  + " written in the last "
                  + RetentionManager.RECENT_DAYS
                  + " days)"
              : "")
          + ", "
          + kept
          + " kept"
          + (keptFor.isEmpty() ? "" : " (" + String.join(", ", keptFor) + ")")
          + ", "
          + counts.getOrDefault(Verdict.UNMANAGED, 0)
          + " unmanaged";
    }
  }
}
