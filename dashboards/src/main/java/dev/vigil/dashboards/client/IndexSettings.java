package dev.vigil.dashboards.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.time.Duration;
import java.util.Set;

/**
 * The settings the index templates give every new Vigil index.
 *
 * @param shards primary shards per index (time-based indices stay small: 1 is right for most)
 * @param replicas replica copies; 1 for a production cluster, 0 on a single node
 * @param refreshInterval how soon a written document becomes searchable
 */
public record IndexSettings(int shards, int replicas, Duration refreshInterval)
    implements Serializable {

  private static final Set<String> KEYS = Set.of("shards", "replicas", "refresh_interval");

  public static final IndexSettings DEFAULT = new IndexSettings(1, 1, Duration.ofSeconds(1));

  static IndexSettings fromTree(JsonNode node, String where) {
    if (node.isMissingNode()) {
      return DEFAULT;
    }
    ConfigValues.checkKeys(node, KEYS, where);
    Duration refresh =
        ConfigValues.duration(node, "refresh_interval", DEFAULT.refreshInterval(), where);
    if (refresh.isZero()) {
      throw new IllegalArgumentException(where + ".refresh_interval must be greater than 0");
    }
    return new IndexSettings(
        ConfigValues.positiveInt(node, "shards", DEFAULT.shards(), where),
        ConfigValues.nonNegativeInt(node, "replicas", DEFAULT.replicas(), where),
        refresh);
  }
}
