package dev.vigil.cli;

import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.mapping.MappingTableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --gcp-super-admins} and {@code --mappings-dir}, shared by the commands that normalize
 * files ({@code vigil normalize}, {@code vigil detect}, {@code vigil rules backtest}): what
 * vigil.yaml's {@code sources:} section says for {@code vigil run}. Each falls back to its
 * environment variable when not given.
 *
 * <p>Everything is read and checked before any input is: a mistake in a mapping table is one line
 * naming its file and line, and the settings then go to the normalizer (or into the job) whole.
 */
final class NormalizerOptions {

  @Option(
      names = "--gcp-super-admins",
      paramLabel = "EMAIL",
      split = ",",
      description =
          "GCP identities whose events have actor.root (Workspace / Cloud Identity"
              + " super-admins), compared ignoring case (default: $"
              + NormalizerSettings.SUPER_ADMINS_ENV
              + ").")
  private List<String> superAdmins;

  @Option(
      names = "--mappings-dir",
      paramLabel = "DIR",
      description =
          "A directory of mapping tables (vault.yaml, cloudtrail.yaml, azure.yaml, gcp.yaml) whose"
              + " rules go ahead of the built-in ones; see docs/schema.md (default: $"
              + NormalizerSettings.MAPPINGS_DIR_ENV
              + ").")
  private String mappingsDir;

  /**
   * The settings these options (or their environment variables) give, read and checked now.
   *
   * @throws CommandFailedException for a mistake: not an email, no such directory, a file in it
   *     that is not a table, a mistake in a table (with its file and line)
   */
  NormalizerSettings settings(CliEnvironment env) {
    List<String> admins;
    String adminsFrom;
    if (superAdmins != null) {
      admins = superAdmins.stream().map(String::trim).filter(a -> !a.isEmpty()).toList();
      adminsFrom = "--gcp-super-admins";
    } else {
      admins =
          NormalizerSettings.commaSeparated(
              env.environment().get(NormalizerSettings.SUPER_ADMINS_ENV));
      adminsFrom = NormalizerSettings.SUPER_ADMINS_ENV;
    }
    NormalizerSettings.firstNonEmail(admins)
        .ifPresent(
            notEmail -> {
              throw new CommandFailedException(
                  adminsFrom + ": must list emails (admin@example.com), got '" + notEmail + "'");
            });
    String dirText =
        mappingsDir != null
            ? mappingsDir
            : env.environment().get(NormalizerSettings.MAPPINGS_DIR_ENV);
    Optional<Path> dir = Optional.empty();
    if (dirText != null && !dirText.isBlank()) {
      Path resolved = env.resolve(dirText.trim());
      if (!Files.isDirectory(resolved)) {
        String given =
            mappingsDir != null
                ? "--mappings-dir " + mappingsDir
                : NormalizerSettings.MAPPINGS_DIR_ENV + "=" + dirText;
        throw new CommandFailedException(
            given + (Files.exists(resolved) ? ": not a directory" : ": no such directory"));
      }
      dir = Optional.of(resolved);
    }
    try {
      return NormalizerSettings.load(admins, dir);
    } catch (MappingTableException e) {
      throw new CommandFailedException(
          display(env, e.file()) + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.problem());
    }
  }

  /** A table's file as the user would write it: relative to the working directory when inside. */
  private static String display(CliEnvironment env, String file) {
    Path path = Path.of(file).toAbsolutePath().normalize();
    return path.startsWith(env.workingDir())
        ? env.workingDir().relativize(path).toString()
        : path.toString();
  }
}
