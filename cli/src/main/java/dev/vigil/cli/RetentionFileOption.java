package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.index.IndexContract;
import picocli.CommandLine.Option;

/**
 * {@code --retention-file}, shared by the commands that judge indices by their retention ({@code
 * vigil retention apply}, {@code vigil report}): the file fills in the {@code retention_file} key
 * of the {@code opensearch:} section, as in vigil.yaml, and is read by {@link IndexContract#of}, so
 * every command reads it, and words its mistakes, the same way.
 */
final class RetentionFileOption {

  @Option(
      names = "--retention-file",
      paramLabel = "FILE",
      description =
          "The retention classes the events were indexed with (default: the built-in ones).")
  private String file;

  /** True when a file was given; without one, the built-in classes are used. */
  boolean given() {
    return file != null;
  }

  /**
   * Adds the file, when given, to the {@code opensearch:} section {@link OpenSearchOptions} builds.
   */
  void addTo(CliEnvironment env, ObjectNode section) {
    if (file != null) {
      section.put("retention_file", env.resolve(file).toString());
    }
  }

  /** The contract of {@code config}'s retention file; a file that cannot be read is one line. */
  static IndexContract contract(OpenSearchConfig config) {
    try {
      return IndexContract.of(config);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException(e.getMessage());
    }
  }
}
