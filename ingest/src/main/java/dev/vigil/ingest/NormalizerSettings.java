package dev.vigil.ingest;

import dev.vigil.event.Source;
import dev.vigil.ingest.azure.AzureMonitorParser;
import dev.vigil.ingest.cloudtrail.CloudTrailParser;
import dev.vigil.ingest.gcp.GcpAuditParser;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.mapping.MappingTable;
import dev.vigil.ingest.mapping.MappingTableException;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.vault.VaultParser;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a deployment tells the normalizer beyond the records: the GCP identities that are
 * super-admins ({@code actor.root}) and the user's mapping tables, whose rules go ahead of the
 * built-in ones.
 *
 * <p>Design: read where the job is configured ({@code vigil.yaml}'s {@code sources:} section, the
 * command line's {@code --gcp-super-admins} and {@code --mappings-dir}, or their environment
 * variables), checked there, and carried with the job as the tables' text, not their path, the way
 * {@code RuleSet} carries rule texts: a Flink TaskManager that builds the normalizer sees neither
 * the submitting machine's directory nor its environment, and reads no environment of its own.
 * Every user table is checked against its source's {@link MappingTable.Schema} when the settings
 * are read, so a mistake is a message before anything runs, with its file and line; building the
 * parsers from the settings cannot fail on it afterwards. Immutable and serializable.
 */
public final class NormalizerSettings implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * The super-admins (comma-separated emails) when neither vigil.yaml nor the command line gives
   * them, read by the process that starts the job.
   */
  public static final String SUPER_ADMINS_ENV = "VIGIL_GCP_SUPER_ADMINS";

  /**
   * The directory of the user's mapping tables when neither vigil.yaml nor the command line gives
   * one, read by the process that starts the job.
   */
  public static final String MAPPINGS_DIR_ENV = "VIGIL_MAPPINGS_DIR";

  /** Each source's table schema, as its parser declares it. */
  private static final List<MappingTable.Schema> SCHEMAS =
      List.of(
          VaultParser.TABLE,
          CloudTrailParser.TABLE,
          AzureMonitorParser.TABLE,
          GcpAuditParser.TABLE);

  private static final NormalizerSettings NONE =
      new NormalizerSettings(new ArrayList<>(), new EnumMap<>(Source.class));

  /**
   * The super-admins as given (trimmed, without repeats); the parser compares them ignoring case.
   */
  private final ArrayList<String> gcpSuperAdmins;

  /** The user's table of each source that has one: its file as messages name it, and its text. */
  private final EnumMap<Source, TableText> overrides;

  private record TableText(String name, String text) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private NormalizerSettings(
      ArrayList<String> gcpSuperAdmins, EnumMap<Source, TableText> overrides) {
    this.gcpSuperAdmins = gcpSuperAdmins;
    this.overrides = overrides;
  }

  /** No super-admins, the built-in tables only. */
  public static NormalizerSettings none() {
    return NONE;
  }

  /**
   * The settings with these super-admins and the tables of {@code mappingsDir}, read and checked
   * now: every {@code *.yaml} or {@code *.yml} file in it must be one of the tables ({@code
   * vault.yaml}, {@code cloudtrail.yaml}, {@code azure.yaml}, {@code gcp.yaml}), and each table is
   * checked against its source's schema. Other files (a README) and hidden ones are left alone.
   *
   * @param gcpSuperAdmins emails, any case; blank entries are skipped
   * @param mappingsDir a directory of mapping tables; empty for the built-in tables only. The
   *     caller names a directory that is not there in its own terms (a vigil.yaml key, an option)
   * @throws MappingTableException for the first mistake: a file that cannot be read, a file that is
   *     not a table, a mistake in a table (with its line)
   */
  public static NormalizerSettings load(
      Collection<String> gcpSuperAdmins, Optional<Path> mappingsDir) {
    LinkedHashSet<String> admins = new LinkedHashSet<>();
    for (String admin : gcpSuperAdmins) {
      if (admin != null && !admin.isBlank()) {
        admins.add(admin.trim());
      }
    }
    EnumMap<Source, TableText> tables = new EnumMap<>(Source.class);
    if (mappingsDir.isPresent()) {
      readTables(mappingsDir.get(), tables);
    }
    return new NormalizerSettings(new ArrayList<>(admins), tables);
  }

  /** The names a comma-separated list holds ({@value #SUPER_ADMINS_ENV}, a command-line value). */
  public static List<String> commaSeparated(String text) {
    List<String> values = new ArrayList<>();
    if (text != null) {
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          values.add(part.trim());
        }
      }
    }
    return values;
  }

  /**
   * The first entry that cannot be an email, which no GCP principal would ever match (a name, a
   * {@code user:} subject, two emails without their comma); empty when every one can be.
   */
  public static Optional<String> firstNonEmail(Collection<String> superAdmins) {
    return superAdmins.stream()
        .map(String::trim)
        .filter(admin -> !admin.isEmpty())
        .filter(
            admin ->
                admin.indexOf('@') <= 0
                    || admin.indexOf('@') != admin.lastIndexOf('@')
                    || admin.chars().anyMatch(Character::isWhitespace)
                    || admin.contains(":"))
        .findFirst();
  }

  private static void readTables(Path dir, EnumMap<Source, TableText> tables) {
    List<Path> files;
    try (Stream<Path> entries = Files.list(dir)) {
      files = entries.sorted().toList();
    } catch (IOException e) {
      throw new MappingTableException(dir.toString(), 0, IoProblems.reason(e));
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.startsWith(".") || !(name.endsWith(".yaml") || name.endsWith(".yml"))) {
        continue;
      }
      MappingTable.Schema schema =
          SCHEMAS.stream().filter(s -> s.fileName().equals(name)).findFirst().orElse(null);
      if (schema == null) {
        throw new MappingTableException(
            file.toString(),
            0,
            "not a mapping table: the tables are named "
                + String.join(", ", SCHEMAS.stream().map(MappingTable.Schema::fileName).toList()));
      }
      String text;
      try {
        text = IoProblems.utf8(Files.readAllBytes(file));
      } catch (IoProblems.NotUtf8Text e) {
        throw new MappingTableException(file.toString(), e.line(), e.getMessage());
      } catch (IOException e) {
        throw new MappingTableException(file.toString(), 0, "cannot read: " + IoProblems.reason(e));
      }
      MappingTable.check(schema, file.toString(), text);
      tables.put(schema.source(), new TableText(file.toString(), text));
    }
  }

  /** The super-admin emails, as given. */
  public List<String> gcpSuperAdmins() {
    return List.copyOf(gcpSuperAdmins);
  }

  /** The table of the schema's source: the user's rules, if any, then the built-in ones. */
  public MappingTable table(MappingTable.Schema schema) {
    TableText override = overrides.get(schema.source());
    return override == null
        ? MappingTable.builtIn(schema)
        : MappingTable.withOverride(schema, override.name(), override.text());
  }

  /** One parser per source, over these settings. */
  public List<SourceParser> parsers() {
    return List.of(
        new VaultParser(table(VaultParser.TABLE)),
        new CloudTrailParser(table(CloudTrailParser.TABLE)),
        new AzureMonitorParser(table(AzureMonitorParser.TABLE)),
        new GcpAuditParser(gcpSuperAdmins, table(GcpAuditParser.TABLE)));
  }

  @Override
  public String toString() {
    return "NormalizerSettings["
        + gcpSuperAdmins.size()
        + " GCP super-admins, user tables for "
        + overrides.keySet()
        + "]";
  }
}
