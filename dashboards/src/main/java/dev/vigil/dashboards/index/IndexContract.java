package dev.vigil.dashboards.index;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where Vigil's documents live in OpenSearch, the one contract between the writers (the detection
 * job's sinks) and the readers (reports, dashboards, analysts): index names per event class, alerts
 * and dead letters, and the aliases and patterns to read them by.
 *
 * <p>Design: every family is time-based ({@code vigil-<family>-yyyy.MM} or {@code -yyyy.MM.dd}) and
 * an index's name is a pure function of the document (its class and time), so a replay writes every
 * document to the index it went to the first time and, keyed by its id, overwrites it. Retention is
 * per family and deletes whole indices ({@link RetentionManager}), which is why an event's
 * retention class, not its source, chooses its family. The classes come from the retention file
 * ({@code opensearch/retention.yaml}, replaceable by the user).
 */
public final class IndexContract implements Serializable {

  /**
   * What the indices, aliases and templates of a real run are named by: every reader (reports, the
   * dashboards' index patterns, retention) reads these names.
   */
  public static final String PREFIX = "vigil-";

  /**
   * The prefix of {@code vigil demo --stack}'s indices: {@code vigil-demo-alerts-*} and the like,
   * which no default pattern ({@code vigil-alerts-*}) or alias ({@code vigil-alerts}) covers, so
   * the demo's made-up documents are never read as real ones. Retention leaves them alone.
   */
  public static final String DEMO_PREFIX = "vigil-demo-";

  /** The alias every events index joins (set by the template), for readers. */
  public static final String EVENTS_ALIAS = "vigil-events";

  /** The pattern that names every events index. */
  public static final String EVENTS_PATTERN = "vigil-events-*";

  public static final String ALERTS_ALIAS = "vigil-alerts";
  public static final String DEAD_LETTERS_ALIAS = "vigil-deadletters";

  static final String EVENTS_FAMILY_PREFIX = "events-";
  static final String ALERTS_FAMILY = "alerts";
  static final String DEAD_LETTERS_FAMILY = "deadletters";

  private static final String BUILT_IN = "opensearch/retention.yaml";

  private final String prefix;
  private final List<RetentionClass> classes;
  private final RetentionClass defaultClass;
  private final IndexFamily alerts;
  private final IndexFamily deadLetters;

  IndexContract(
      String prefix,
      List<RetentionClass> classes,
      RetentionClass defaultClass,
      IndexFamily alerts,
      IndexFamily deadLetters) {
    this.prefix = prefix;
    this.classes = List.copyOf(classes);
    this.defaultClass = defaultClass;
    this.alerts = alerts;
    this.deadLetters = deadLetters;
  }

  /** The contract of the built-in retention file. */
  public static IndexContract builtIn() {
    try (InputStream in = IndexContract.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("built-in retention file missing: " + BUILT_IN);
      }
      return RetentionFile.read(in, BUILT_IN);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUILT_IN, e);
    }
  }

  /**
   * The contract of a user's retention file, or of the built-in one when {@code file} is null.
   *
   * @throws IllegalArgumentException naming the file and what is wrong in it
   */
  public static IndexContract load(Path file) {
    if (file == null) {
      return builtIn();
    }
    try (InputStream in = Files.newInputStream(file)) {
      return RetentionFile.read(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("retention file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read retention file " + file + ": " + IoProblems.readProblem(file, e));
    }
  }

  /**
   * The contract of a configuration: its {@code retention_file} (or the built-in one) and its
   * {@code index.prefix}.
   */
  public static IndexContract of(OpenSearchConfig config) {
    return load(config.retentionFile() == null ? null : Path.of(config.retentionFile()))
        .withPrefix(config.index().prefix());
  }

  /** The same classes and families under another index prefix. */
  public IndexContract withPrefix(String indexPrefix) {
    return new IndexContract(indexPrefix, classes, defaultClass, alerts, deadLetters);
  }

  /** What every index of this contract is named by ({@link #PREFIX} unless configured). */
  public String prefix() {
    return prefix;
  }

  /** The alias every events index joins (its template sets it). */
  public String eventsAlias() {
    return prefix + "events";
  }

  public String alertsAlias() {
    return prefix + ALERTS_FAMILY;
  }

  public String deadLettersAlias() {
    return prefix + DEAD_LETTERS_FAMILY;
  }

  /** The retention class of an event: the longest-kept class that matches, else the default. */
  public RetentionClass classify(AuditEvent event) {
    RetentionClass chosen = null;
    for (RetentionClass candidate : classes) {
      if ((chosen == null || candidate.retention().longerThan(chosen.retention()))
          && candidate.matches(event)) {
        chosen = candidate;
      }
    }
    return chosen == null ? defaultClass : chosen;
  }

  /** The index an event is written to: its class's family, at its event time. */
  public String eventIndex(AuditEvent event) {
    return classify(event).family().indexFor(prefix, event.getTime());
  }

  /** The index of an alert, by the event time of its firing. */
  public String alertIndex(Instant alertTime) {
    return alerts.indexFor(prefix, alertTime);
  }

  /** The index of a dead letter, by when Vigil received the record. */
  public String deadLetterIndex(Instant receivedAt) {
    return deadLetters.indexFor(prefix, receivedAt);
  }

  public List<RetentionClass> classes() {
    return classes;
  }

  public IndexFamily alerts() {
    return alerts;
  }

  public IndexFamily deadLetters() {
    return deadLetters;
  }

  /** Every family: one per event class, then alerts and dead letters. */
  public List<IndexFamily> families() {
    List<IndexFamily> families = new ArrayList<>();
    classes.forEach(c -> families.add(c.family()));
    families.add(alerts);
    families.add(deadLetters);
    return families;
  }

  /**
   * What a Vigil index name says: its family and the period it covers. Empty for a name that is not
   * {@code <prefix><known family>-<yyyy.MM[.dd]>}, for example a family whose class was removed
   * from the retention file, or an index of another prefix.
   */
  public Optional<ManagedIndex> parse(String indexName) {
    if (!indexName.startsWith(prefix)) {
      return Optional.empty();
    }
    int dash = indexName.lastIndexOf('-');
    if (dash <= prefix.length()) {
      return Optional.empty();
    }
    IndexPeriod.Dated dated = IndexPeriod.parseSuffix(indexName.substring(dash + 1));
    if (dated == null) {
      return Optional.empty();
    }
    String familyName = indexName.substring(prefix.length(), dash);
    for (IndexFamily family : families()) {
      if (family.name().equals(familyName)) {
        return Optional.of(new ManagedIndex(indexName, family, dated));
      }
    }
    return Optional.empty();
  }

  /** An existing index of a known family. */
  public record ManagedIndex(String name, IndexFamily family, IndexPeriod.Dated period) {}
}
