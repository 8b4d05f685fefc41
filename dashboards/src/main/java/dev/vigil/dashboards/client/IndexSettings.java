package dev.vigil.dashboards.client;

import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.ingest.yaml.ConfigMapping;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings the index templates give every new Vigil index, and the prefix the indices, their
 * aliases and templates are named by.
 *
 * @param shards primary shards per index (time-based indices stay small: 1 is right for most)
 * @param replicas replica copies; 1 for a production cluster, 0 on a single node
 * @param refreshInterval how soon a written document becomes searchable
 * @param prefix {@link IndexContract#PREFIX}, the names every reader reads, or another (the demo's
 *     {@link IndexContract#DEMO_PREFIX}) to keep a job's documents apart from them
 */
public record IndexSettings(int shards, int replicas, Duration refreshInterval, String prefix)
    implements Serializable {

  private static final Set<String> KEYS =
      Set.of("shards", "replicas", "refresh_interval", "prefix");

  /** What OpenSearch accepts at the start of an index name, ending where a family name begins. */
  private static final Pattern PREFIX_SYNTAX = Pattern.compile("[a-z0-9][a-z0-9._-]{0,98}-");

  public static final IndexSettings DEFAULT =
      new IndexSettings(1, 1, Duration.ofSeconds(1), IndexContract.PREFIX);

  /** Settings under the default prefix. */
  public IndexSettings(int shards, int replicas, Duration refreshInterval) {
    this(shards, replicas, refreshInterval, IndexContract.PREFIX);
  }

  static IndexSettings read(ConfigMapping node) {
    node.onlyKeys(KEYS);
    return new IndexSettings(
        node.integer("shards", DEFAULT.shards(), 1, Integer.MAX_VALUE),
        node.integer("replicas", DEFAULT.replicas(), 0, Integer.MAX_VALUE),
        node.duration("refresh_interval", DEFAULT.refreshInterval(), false),
        prefix(node));
  }

  private static String prefix(ConfigMapping node) {
    String text = node.text("prefix", null);
    if (text == null) {
      return DEFAULT.prefix();
    }
    if (!PREFIX_SYNTAX.matcher(text).matches()) {
      throw node.error(
          "prefix",
          "\""
              + text
              + "\" is not an index name prefix: lowercase letters, digits, '.', '_' and '-',"
              + " ending with '-' (like vigil-demo-)");
    }
    // Under the default names, its indices would take the default templates and join their aliases.
    for (String family : List.of("events-", "alerts-", "deadletters-")) {
      if (text.startsWith(IndexContract.PREFIX + family)) {
        throw node.error(
            "prefix",
            "\""
                + text
                + "\" names indices inside "
                + IndexContract.PREFIX
                + family
                + "*, which every reader reads as real; choose another, like vigil-demo-");
      }
    }
    return text;
  }
}
