package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.dashboards.index.TemplateInstaller.Installed;
import dev.vigil.dashboards.objects.SavedObjectsImporter;
import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.opensearch.client.opensearch._types.OpenSearchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil dashboards install}: the index templates on the cluster ({@link TemplateInstaller}),
 * then, given a Dashboards URL, the saved objects ({@link SavedObjectsImporter}). Both are
 * idempotent, so it is also how an upgrade brings its templates and dashboards.
 */
@Command(
    name = "dashboards",
    mixinStandardHelpOptions = true,
    description = "Set up OpenSearch and OpenSearch Dashboards for Vigil.",
    subcommands = DashboardsCommand.Install.class)
final class DashboardsCommand {

  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      description = {
        "Install Vigil's index templates (events, alerts, dead letters) on OpenSearch and, with"
            + " --dashboards, import the index patterns, visualizations and the 'Vigil overview'"
            + " dashboard into OpenSearch Dashboards (replacing earlier versions).",
        "Run it before the first document is written: a template shapes indices created after it."
      })
  static final class Install implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec private CommandSpec spec;
    @Mixin private OpenSearchOptions openSearch = new OpenSearchOptions();

    @Option(
        names = "--dashboards",
        paramLabel = "URL",
        description =
            "OpenSearch Dashboards URL, e.g. https://dashboards.example:5601; logs in as --user.")
    String dashboardsUrl;

    // Null unless given: the --config file's opensearch.index settings, else 1 and 1.
    @Option(
        names = "--shards",
        paramLabel = "N",
        description =
            "Primary shards of each new index (default: the --config file's index.shards, or 1).")
    Integer shards;

    @Option(
        names = "--replicas",
        paramLabel = "N",
        description =
            "Replicas of each new index (default: the --config file's index.replicas, or 1; 0 on a"
                + " single node).")
    Integer replicas;

    Install(CliEnvironment env) {
      this.env = env;
    }

    /** {@code --shards} and {@code --replicas}, when given, as keys of the index settings. */
    private void addIndexSettings(ObjectNode section) {
      if (shards == null && replicas == null) {
        return;
      }
      ObjectNode index = section.putObject("index");
      if (shards != null) {
        index.put("shards", shards);
      }
      if (replicas != null) {
        index.put("replicas", replicas);
      }
    }

    @Override
    public Integer call() {
      OpenSearchConfig cluster = openSearch.cluster(env, this::addIndexSettings);
      // Both configurations are checked before anything is written.
      OpenSearchConfig dashboards =
          dashboardsUrl == null ? null : openSearch.sameLoginFor(env, dashboardsUrl);
      PrintWriter out = spec.commandLine().getOut();
      List<Installed> templates;
      try (OpenSearchConnection connection = openSearch.open(env, cluster)) {
        templates = new TemplateInstaller(connection.client(), cluster.index()).install();
      } catch (IOException | OpenSearchException e) {
        throw OpenSearchOptions.failure(cluster, "installing the index templates", e);
      }
      for (Installed template : templates) {
        out.println(
            "index template "
                + template.name()
                + ": "
                + template.status()
                + (template.extendedIndices().isEmpty()
                    ? ""
                    : "; new fields added to " + String.join(", ", template.extendedIndices())));
      }
      out.flush();
      if (dashboards == null) {
        env.stderr()
            .println(
                "vigil dashboards install: saved objects not imported; give --dashboards URL to"
                    + " import them");
        env.stderr().flush();
        return 0;
      }
      int imported;
      try (OpenSearchConnection connection = openSearch.open(env, dashboards)) {
        imported = new SavedObjectsImporter(connection).importAll();
      } catch (IOException | OpenSearchException e) {
        throw new CommandFailedException(
            "importing the saved objects into OpenSearch Dashboards at "
                + dashboardsUrl
                + " failed: "
                + IoProblems.innermost(e));
      }
      out.println("saved objects: " + imported + " imported into OpenSearch Dashboards");
      out.flush();
      return 0;
    }
  }
}
