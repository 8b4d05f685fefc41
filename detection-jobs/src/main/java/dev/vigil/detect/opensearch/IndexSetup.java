package dev.vigil.detect.opensearch;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.yaml.InvalidConfigException;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.opensearch.client.opensearch._types.OpenSearchException;

/**
 * What a job that writes to OpenSearch does before it starts: check that the retention file, the
 * password and the TLS trust material can be read, and, when asked, install Vigil's index
 * templates, so that the first index a sink creates already has its mappings (a template applies
 * only to indices created after it). Failing here gives one message at start instead of a job that
 * fails to build, or fails and restarts on every task manager.
 */
public final class IndexSetup {

  private static final String RETENTION_FILE_KEY = "opensearch.retention_file";

  private IndexSetup() {}

  /**
   * @param installTemplates put the templates (idempotent: an unchanged one is left alone) and give
   *     existing indices the fields their template gained, which this build's sinks write
   * @param environment environment variables by name, for the password
   * @return the templates and what became of each; empty when not asked to install
   * @throws InvalidConfigException when the retention file ({@link #contract}), the password or the
   *     trust material cannot be read, naming its key and the file or variable; never a password,
   *     never the content of a file
   * @throws IndexSetupException naming the cluster and what failed; never a password
   */
  public static List<TemplateInstaller.Installed> prepare(
      OpenSearchConfig config, boolean installTemplates, Function<String, String> environment) {
    contract(config);
    if (!installTemplates) {
      OpenSearchConnection.checkCredentials(config, environment);
      return List.of();
    }
    try (OpenSearchConnection connection = OpenSearchConnection.open(config, environment)) {
      return new TemplateInstaller(connection.client(), config.index()).install();
    } catch (InvalidConfigException e) {
      // The password or the trust material cannot be read: a mistake of vigil.yaml, which keeps its
      // key so that JobPreflight gives its line (VigilConfig.credentialError).
      throw e;
    } catch (IllegalArgumentException e) {
      // Any other argument the client or the installer refuses, in its own words.
      throw new IndexSetupException(e.getMessage());
    } catch (OpenSearchException e) {
      throw failure(config, "HTTP " + e.status() + ", " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      // No answer at all: the cluster is down, restarting or out of reach. Whoever reads this at
      // a restart needs the way to start without it, the one the templates alone stand in the way
      // of.
      throw failure(
          config,
          IoProblems.innermost(e)
              + "; check that it runs and answers from this machine (opensearch.url), or turn"
              + " sinks.opensearch.install_templates off to start without it (its sinks retry"
              + " their writes until it answers; then run vigil dashboards install)");
    }
  }

  /**
   * Asks OpenSearch once whether it answers, for a start that installs no templates and so would
   * otherwise hear of an unreachable cluster only from its sinks' retries. The question waits at
   * most {@code opensearch.connect_timeout} to connect and as long again for the answer: a warning,
   * not a reason to hold the start.
   *
   * @return a warning naming the cluster and what failed (never a password), or empty when it
   *     answers
   * @throws InvalidConfigException when the password or the trust material cannot be read, as
   *     {@link #prepare} does
   */
  public static Optional<String> unreachableWarning(
      OpenSearchConfig config, Function<String, String> environment) {
    OpenSearchConfig quick =
        new OpenSearchConfig(
            config.urls(),
            config.username(),
            config.password(),
            config.tls(),
            config.connectTimeout(),
            config.connectTimeout(),
            config.retentionFile(),
            config.index(),
            config.bulk());
    String reason;
    try (OpenSearchConnection connection = OpenSearchConnection.open(quick, environment)) {
      connection.client().info();
      return Optional.empty();
    } catch (InvalidConfigException e) {
      throw e;
    } catch (OpenSearchException e) {
      reason = "HTTP " + e.status() + ", " + e.getMessage();
    } catch (IOException | RuntimeException e) {
      reason = IoProblems.innermost(e);
    }
    return Optional.of(
        "OpenSearch at "
            + endpoints(config)
            + " does not answer: "
            + reason
            + "; the job starts all the same (sinks.opensearch.install_templates is off, so it"
            + " needs nothing from OpenSearch to start), and its OpenSearch sinks retry their"
            + " writes until it answers (opensearch.bulk.give_up_after)");
  }

  /**
   * The index contract the sinks write by: the classes of {@code opensearch.retention_file} (or the
   * built-in ones) under {@code opensearch.index.prefix}. Read at start by {@link #prepare} (from
   * {@code JobPreflight.check}, and again when the templates are installed), so that a user's
   * broken file is a mistake of vigil.yaml there, and again where the job is built, once for all
   * its sinks.
   *
   * @throws InvalidConfigException naming {@code opensearch.retention_file}, the file and what is
   *     wrong in it (never its content) when the file cannot be read or is no retention file
   */
  public static IndexContract contract(OpenSearchConfig config) {
    try {
      return IndexContract.of(config);
    } catch (IllegalArgumentException e) {
      if (config.retentionFile() == null) {
        throw e; // the built-in file: a mistake in it is Vigil's, not the user's
      }
      throw new InvalidConfigException(null, 0, RETENTION_FILE_KEY, e.getMessage());
    }
  }

  /**
   * One line per existing index that {@link #prepare} gave new fields, for the person starting the
   * job: a mapping changed under their dashboards and queries, which they would otherwise learn of
   * only from the index.
   */
  public static List<String> extendedIndexLines(List<TemplateInstaller.Installed> installed) {
    return installed.stream()
        .flatMap(
            template ->
                template.extendedIndices().stream()
                    .map(
                        index ->
                            "added the new fields of index template "
                                + template.name()
                                + " to the existing index "
                                + index))
        .toList();
  }

  private static IndexSetupException failure(OpenSearchConfig config, String reason) {
    return new IndexSetupException(
        "installing the index templates failed on OpenSearch at "
            + endpoints(config)
            + ": "
            + reason);
  }

  private static String endpoints(OpenSearchConfig config) {
    return config.urls().stream().map(URI::toString).collect(Collectors.joining(","));
  }

  /** OpenSearch is not ready for the job; a message for the person starting it. */
  public static final class IndexSetupException extends RuntimeException {
    public IndexSetupException(String message) {
      super(message);
    }
  }
}
