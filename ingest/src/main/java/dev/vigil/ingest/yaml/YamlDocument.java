package dev.vigil.ingest.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One YAML document (a rule file, vigil.yaml, a mapping table) as a Jackson tree, with the line of
 * every node so that errors found anywhere later (schema, semantics, compilation) can point the
 * author at the right line.
 *
 * @param root the document's value
 * @param lines the 1-based line of each node, keyed by its JSON pointer ({@code /detection/sel})
 * @param line the line where the document starts
 * @param wordBooleans the booleans written as a word that only YAML 1.1 reads as one ({@code yes},
 *     {@code No}, {@code ON}, {@code off}), keyed by JSON pointer, as written: YAML 1.2 and JSON
 *     read them as text, so a reader that takes them as text somewhere can warn (rule detections)
 */
public record YamlDocument(
    JsonNode root, Map<String, Integer> lines, int line, Map<String, String> wordBooleans) {

  public YamlDocument {
    wordBooleans = Map.copyOf(wordBooleans);
  }

  /** A document without booleans written as words (one a reader built or rebuilt itself). */
  public YamlDocument(JsonNode root, Map<String, Integer> lines, int line) {
    this(root, lines, line, Map.of());
  }

  /** The line of the node at {@code pointer}, or of its nearest ancestor that has one. */
  public int lineOf(String pointer) {
    String current = pointer;
    while (true) {
      Integer found = lines.get(current);
      if (found != null) {
        return found;
      }
      int slash = current.lastIndexOf('/');
      if (slash < 0 || current.isEmpty()) {
        return line;
      }
      current = current.substring(0, slash);
    }
  }

  /** The JSON pointer of a child: keys are escaped as RFC 6901 says. */
  public static String child(String pointer, String key) {
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  public static String child(String pointer, int index) {
    return pointer + "/" + index;
  }
}
