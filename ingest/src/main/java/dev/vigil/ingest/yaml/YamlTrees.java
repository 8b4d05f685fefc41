package dev.vigil.ingest.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a multi-document YAML text into {@link YamlDocument}s that remember each node's line: the
 * one reader of every YAML file a user writes for Vigil (rules, vigil.yaml, mapping tables), so
 * that a mistake in any of them is named by its file and line.
 *
 * <p>Design: SnakeYAML's composer keeps positions (Jackson's YAML mapper does not expose them per
 * node), so documents are composed, then converted once into Jackson trees that the readers share.
 * Plain scalars keep the types YAML 1.1 resolves (int, float, bool, null), as PyYAML and so Sigma's
 * own tools read them; dates stay text. A boolean written {@code yes}, {@code no}, {@code on} or
 * {@code off} (any of YAML 1.1's cases) is remembered by its pointer ({@link
 * YamlDocument#wordBooleans}), for readers that warn about it. Duplicate keys, which YAML parsers
 * usually resolve silently by keeping the last, are an error: in a Sigma detection they hide a
 * selection, in a mapping table a glob. Aliases are refused, so a hostile file cannot expand into a
 * billion nodes.
 */
public final class YamlTrees {

  private static final int MAX_CODE_POINTS = 4 * 1024 * 1024;

  private YamlTrees() {}

  /** One mistake in the text: its 1-based line (0 when unknown) and what is wrong. */
  public record Problem(int line, String message) {}

  /** The text is not YAML the readers accept; every problem found, in text order. */
  public static final class InvalidYamlException extends Exception {
    private final transient List<Problem> problems;

    InvalidYamlException(List<Problem> problems) {
      super(problems.get(0).message());
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  /** The documents of {@code text}, empty ones skipped. */
  public static List<YamlDocument> read(String text) throws InvalidYamlException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(0);
    options.setCodePointLimit(MAX_CODE_POINTS);
    Yaml yaml = new Yaml(options);
    List<YamlDocument> documents = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    try {
      refuseAliases(yaml, text);
      for (Node node : yaml.composeAll(new StringReader(text))) {
        if (node == null) {
          continue;
        }
        Map<String, Integer> lines = new HashMap<>();
        Map<String, String> wordBooleans = new HashMap<>();
        JsonNode root = convert(node, "", lines, wordBooleans, problems);
        documents.add(
            new YamlDocument(root, lines, node.getStartMark().getLine() + 1, wordBooleans));
      }
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
      String message = "invalid YAML: " + firstLine(e.getProblem());
      // The parser notices an unclosed '[' or '{' lines after it: say where that began too.
      if (e.getContext() != null
          && e.getContextMark() != null
          && e.getContextMark().getLine() + 1 != line) {
        message +=
            " ("
                + firstLine(e.getContext())
                + " started at line "
                + (e.getContextMark().getLine() + 1)
                + ")";
      }
      throw new InvalidYamlException(List.of(new Problem(line, message)));
    } catch (YAMLException e) {
      throw new InvalidYamlException(
          List.of(new Problem(0, "invalid YAML: " + firstLine(e.getMessage()))));
    }
    if (!problems.isEmpty()) {
      throw new InvalidYamlException(problems);
    }
    return documents;
  }

  /**
   * Refuses the first alias, by its line, before anything is composed: the composer would expand
   * aliases (a billion laughs), and limited to none it refuses an alias of a mapping or list with
   * neither its line nor words a user knows. An alias of a scalar is refused too, so that one rule
   * holds for every alias.
   */
  private static void refuseAliases(Yaml yaml, String text) throws InvalidYamlException {
    Set<String> anchors = new HashSet<>();
    for (Event event : yaml.parse(new StringReader(text))) {
      if (event instanceof AliasEvent alias) {
        int line = alias.getStartMark().getLine() + 1;
        // An alias of no anchor is a value that starts with '*' (a password, a wildcard):
        // never quoted back, since it may be a secret written where it does not belong.
        String message =
            anchors.contains(alias.getAnchor())
                ? "YAML aliases are not accepted (*"
                    + alias.getAnchor()
                    + "); write the value out where it is used"
                : "an unquoted value starting with '*' reads as a YAML alias; quote the value";
        throw new InvalidYamlException(List.of(new Problem(line, message)));
      }
      if (event instanceof NodeEvent node && node.getAnchor() != null) {
        anchors.add(node.getAnchor());
      }
    }
  }

  private static JsonNode convert(
      Node node,
      String pointer,
      Map<String, Integer> lines,
      Map<String, String> wordBooleans,
      List<Problem> problems) {
    int line = node.getStartMark().getLine() + 1;
    lines.put(pointer, line);
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (node instanceof MappingNode mapping) {
      ObjectNode object = nodes.objectNode();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
          problems.add(
              new Problem(
                  tuple.getKeyNode().getStartMark().getLine() + 1, "a key must be a scalar"));
          continue;
        }
        String key = keyNode.getValue();
        String childPointer = YamlDocument.child(pointer, key);
        if (object.has(key)) {
          problems.add(
              new Problem(
                  keyNode.getStartMark().getLine() + 1,
                  "duplicate key '" + key + "' (YAML keeps only one of them)"));
          continue;
        }
        object.set(key, convert(tuple.getValueNode(), childPointer, lines, wordBooleans, problems));
        lines.put(childPointer, keyNode.getStartMark().getLine() + 1);
      }
      return object;
    }
    if (node instanceof SequenceNode sequence) {
      ArrayNode array = nodes.arrayNode();
      int index = 0;
      for (Node item : sequence.getValue()) {
        array.add(
            convert(item, YamlDocument.child(pointer, index++), lines, wordBooleans, problems));
      }
      return array;
    }
    ScalarNode scalar = (ScalarNode) node;
    String value = scalar.getValue();
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      return nodes.nullNode();
    }
    if (Tag.BOOL.equals(tag)) {
      String lower = value.toLowerCase(Locale.ROOT);
      if (scalar.isPlain() && !lower.equals("true") && !lower.equals("false")) {
        wordBooleans.put(pointer, value);
      }
      return nodes.booleanNode(lower.equals("true") || lower.equals("yes") || lower.equals("on"));
    }
    if (Tag.INT.equals(tag)) {
      try {
        String digits = value.replace("_", "");
        BigInteger number = new BigInteger(digits);
        return number.bitLength() < 63
            ? nodes.numberNode(number.longValue())
            : nodes.textNode(value);
      } catch (NumberFormatException e) {
        // Octal, hex or sexagesimal forms: keep the author's text.
        return nodes.textNode(value);
      }
    }
    if (Tag.FLOAT.equals(tag)) {
      try {
        return nodes.numberNode(Double.parseDouble(value.replace("_", "")));
      } catch (NumberFormatException e) {
        return nodes.textNode(value);
      }
    }
    return nodes.textNode(value);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unreadable document";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
