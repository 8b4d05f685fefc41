package dev.vigil.rules.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.rules.detect.EventPredicate;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.detect.Gate;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The raw-record paths a pack reads, and a parse of the raw record that keeps only what they can
 * reach: most of a record (CloudTrail's request parameters and response elements, Azure's
 * properties) is tokenized and skipped, not built into a tree.
 *
 * <p>Design: the paths form a trie whose edges are object keys folded as {@link
 * String#equalsIgnoreCase} compares them (see {@link Gate#fold}), one edge per way of reading the
 * path's dotted segments as keys (a key may itself contain dots, such as a claim URI). The parse
 * keeps a key exactly when an edge accepts it, builds the value whole where a path ends, and passes
 * arrays through (a path crosses them). So every node that {@link VigilEvent}'s path walk could
 * visit for these paths (exact key first, then case-insensitive, then dotted keys) is in the pruned
 * tree, in the same order, and the walk finds there what it finds in the whole tree. A path outside
 * the set is read from the whole tree. Immutable.
 */
final class RawPaths {

  private static final class Node {
    final Map<String, Node> edges = new HashMap<>();
    boolean complete;
  }

  private final Set<String> paths = new HashSet<>();
  private final Node root = new Node();

  RawPaths(CompiledPack pack) {
    for (CompiledRule rule : pack.rules()) {
      addPredicate(rule.predicate());
      rule.suppressBy().forEach(this::addField);
      if (rule.gate() != null) {
        rule.gate().probes().forEach(probe -> addField(probe.field()));
      }
    }
    for (CompiledCorrelation correlation : pack.correlations()) {
      correlation.groupFields().values().forEach(fields -> fields.forEach(this::addField));
      correlation.valueFields().values().forEach(this::addField);
    }
  }

  /** The paths, as rules name them after mapping ({@code userIdentity.arn}). */
  Set<String> paths() {
    return Set.copyOf(paths);
  }

  /** Whether the pruned tree holds everything the path can reach. */
  boolean covers(String path) {
    return paths.contains(path);
  }

  /**
   * The raw record reduced to the pack's paths, or null when it is not a JSON object (then the
   * whole tree serves).
   *
   * @throws IOException when the record is not valid JSON
   */
  JsonNode prune(ObjectMapper mapper, String raw) throws IOException {
    try (JsonParser parser = mapper.createParser(raw)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      return object(mapper, parser, root);
    }
  }

  private static ObjectNode object(ObjectMapper mapper, JsonParser parser, Node node)
      throws IOException {
    ObjectNode out = mapper.getNodeFactory().objectNode();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = parser.nextToken();
      Node child = node.edges.get(fold(name));
      if (child == null) {
        parser.skipChildren();
      } else {
        out.replace(name, value(mapper, parser, token, child));
      }
    }
    return out;
  }

  private static JsonNode value(ObjectMapper mapper, JsonParser parser, JsonToken token, Node node)
      throws IOException {
    if (node.complete || (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY)) {
      return mapper.readTree(parser);
    }
    if (token == JsonToken.START_OBJECT) {
      return object(mapper, parser, node);
    }
    ArrayNode out = mapper.getNodeFactory().arrayNode();
    for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; ) {
      out.add(value(mapper, parser, item, node));
      item = parser.nextToken();
    }
    return out;
  }

  private void addPredicate(EventPredicate predicate) {
    predicate.forEachReader(
        reader -> {
          if (reader instanceof EventPredicate.FieldMatch match) {
            match.forEachField(this::addField);
          } else if (reader instanceof EventPredicate.Exists exists) {
            addField(exists.field());
          }
        });
  }

  private void addField(FieldRef field) {
    if (field instanceof FieldRef.Raw raw) {
      raw.alternatives().forEach(this::addPath);
    }
  }

  private void addPath(String path) {
    if (paths.add(path)) {
      addKeys(root, path.split("\\.", -1), 0);
    }
  }

  /** Every way to read segments[from..] as keys, some of which may hold dots. */
  private static void addKeys(Node node, String[] segments, int from) {
    if (from == segments.length) {
      node.complete = true;
      return;
    }
    StringBuilder key = new StringBuilder();
    for (int end = from; end < segments.length; end++) {
      key.append(end > from ? "." : "").append(segments[end]);
      addKeys(node.edges.computeIfAbsent(fold(key), k -> new Node()), segments, end + 1);
    }
  }

  private static String fold(CharSequence key) {
    StringBuilder out = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      out.append(Gate.fold(key.charAt(i)));
    }
    return out.toString();
  }
}
