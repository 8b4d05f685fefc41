package dev.vigil.rules.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.Source;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The known structure of each source's raw records, read from {@code vigil/record-fields.yml}: the
 * fixed keys at each level, and the containers under which any key may follow.
 *
 * <p>Design: one tree per source, keys lower-cased, because rules read raw keys exactly first and
 * then case-insensitively ({@code VigilEvent}), so a path a record can answer in any case is known.
 * Arrays are transparent, as rules read them: {@code resources.ARN} crosses the {@code resources}
 * array. A key of more than one segment ({@code a.b}) is tried as rules try it, so claim URIs and
 * Kubernetes labels resolve the same way. A key ending in {@code *} names every key that starts
 * with the rest (Panther's {@code p_*}). A source the file does not describe knows every path.
 */
public final class RecordFields {

  private static final String RESOURCE = "vigil/record-fields.yml";

  /** The value of a key under which any key may follow. */
  private static final String OPEN = "any";

  private final Map<Source, Node> roots;

  private RecordFields(Map<Source, Node> roots) {
    this.roots = roots;
  }

  /** The built-in table, read once. */
  public static RecordFields builtIn() {
    return BuiltIn.TABLE;
  }

  private static final class BuiltIn {
    private static final RecordFields TABLE = load();
  }

  private static RecordFields load() {
    try (InputStream in = RecordFields.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return parse(RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuleException e) {
      throw new IllegalStateException(
          "the built-in " + RESOURCE + " is invalid: " + e.getMessage());
    }
  }

  static RecordFields parse(String file, String text) throws RuleException {
    YamlDocument doc = YamlReader.read(file, text).get(0);
    Node collectors = new Node();
    JsonNode collectorKeys = doc.root().path("collectors");
    if (!collectorKeys.isMissingNode()) {
      fill(collectors, collectorKeys, file, doc, "/collectors");
    }
    Map<Source, Node> roots = new EnumMap<>(Source.class);
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.root().path("sources").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String pointer = YamlDocument.child("/sources", entry.getKey());
      Source source;
      try {
        source = Source.valueOf(entry.getKey());
      } catch (IllegalArgumentException e) {
        throw new RuleException(
            new RuleError(file, doc.lineOf(pointer), "unknown source '" + entry.getKey() + "'"));
      }
      Node root = new Node();
      fill(root, entry.getValue(), file, doc, pointer);
      root.children.putAll(collectors.children);
      root.prefixes.putAll(collectors.prefixes);
      roots.put(source, root);
    }
    return new RecordFields(roots);
  }

  private static void fill(Node node, JsonNode keys, String file, YamlDocument doc, String pointer)
      throws RuleException {
    if (!keys.isObject()) {
      throw new RuleException(
          new RuleError(file, doc.lineOf(pointer), "expected a map of keys, 'any' or nothing"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = keys.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String childPointer = YamlDocument.child(pointer, entry.getKey());
      Node child = new Node();
      child.name = entry.getKey();
      JsonNode value = entry.getValue();
      if (value.isTextual() && value.asText().equals(OPEN)) {
        child.open = true;
      } else if (!value.isNull()) {
        fill(child, value, file, doc, childPointer);
      }
      String key = entry.getKey().toLowerCase(Locale.ROOT);
      if (key.endsWith("*")) {
        node.prefixes.put(key.substring(0, key.length() - 1), child);
      } else {
        node.children.put(key, child);
      }
    }
  }

  /** Whether the source describes its records here (if not, every path is known). */
  public boolean describes(Source source) {
    return roots.containsKey(source);
  }

  /** Whether a record of the source can hold the path (a path into its raw record). */
  public boolean known(Source source, String path) {
    Node root = roots.get(source);
    return root == null || known(root, path.split("\\.", -1), 0);
  }

  private static boolean known(Node node, String[] segments, int from) {
    if (node.open || from == segments.length) {
      return true;
    }
    StringBuilder key = new StringBuilder();
    for (int end = from + 1; end <= segments.length; end++) {
      key.append(end > from + 1 ? "." : "").append(segments[end - 1].toLowerCase(Locale.ROOT));
      Node child = node.child(key.toString());
      if (child != null && known(child, segments, end)) {
        return true;
      }
    }
    return false;
  }

  /** Every known path of the source's records, containers included, for "did you mean". */
  public List<String> paths(Source source) {
    List<String> out = new ArrayList<>();
    Node root = roots.get(source);
    if (root != null) {
      collect(root, "", out);
    }
    return out;
  }

  private static void collect(Node node, String prefix, List<String> out) {
    for (Node child : node.children.values()) {
      String path = prefix + child.name;
      out.add(path);
      collect(child, path + ".", out);
    }
  }

  /** One level of a record: its fixed keys (lower-cased) and whether any key may follow. */
  private static final class Node {
    private String name;
    private boolean open;
    private final Map<String, Node> children = new HashMap<>();
    private final Map<String, Node> prefixes = new HashMap<>();

    Node child(String key) {
      Node child = children.get(key);
      if (child != null) {
        return child;
      }
      for (Map.Entry<String, Node> prefix : prefixes.entrySet()) {
        if (key.startsWith(prefix.getKey())) {
          return prefix.getValue();
        }
      }
      return null;
    }
  }
}
