package dev.vigil.dashboards.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads the retention file (format: the comments of {@code opensearch/retention.yaml}). */
final class RetentionFile {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern CLASS_NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
  private static final Set<String> TOP_KEYS =
      Set.of("default_class", "classes", "alerts", "dead_letters");
  private static final Set<String> CLASS_KEYS =
      Set.of("name", "description", "retention", "index_period", "match");
  private static final Set<String> FAMILY_KEYS = Set.of("description", "retention", "index_period");

  private RetentionFile() {}

  static IndexContract read(InputStream in, String name) throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(name + ": not valid YAML" + yamlProblem(e));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(name + ": a retention file is a YAML map");
    }
    checkKeys(root, TOP_KEYS, name);
    JsonNode list = root.get("classes");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException(name + ": 'classes' must be a non-empty list");
    }
    List<RetentionClass> classes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int index = 0;
    for (JsonNode node : list) {
      index++;
      String where = name + ", class " + index;
      if (!node.isObject()) {
        throw new IllegalArgumentException(where + ": must be a map");
      }
      checkKeys(node, CLASS_KEYS, where);
      String className = node.path("name").asText("");
      if (!CLASS_NAME.matcher(className).matches()) {
        throw new IllegalArgumentException(
            where
                + ": name '"
                + className
                + "' must be 1-40 lower-case letters, digits or '_', starting with a letter");
      }
      where = name + ", class " + className;
      if (!seen.add(className)) {
        throw new IllegalArgumentException(where + ": defined twice");
      }
      IndexFamily family =
          family(node, IndexContract.EVENTS_FAMILY_PREFIX + className, IndexPeriod.MONTH, where);
      classes.add(
          new RetentionClass(
              className, node.path("description").asText(""), family, matchers(node, where)));
    }
    String defaultName = text(root, "default_class", name);
    RetentionClass defaultClass =
        classes.stream()
            .filter(c -> c.name().equals(defaultName))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        name + ": default_class '" + defaultName + "' is not one of the classes"));
    IndexFamily alerts = familySection(root, "alerts", IndexContract.ALERTS_FAMILY, name);
    IndexFamily deadLetters =
        familySection(root, "dead_letters", IndexContract.DEAD_LETTERS_FAMILY, name);
    return new IndexContract(IndexContract.PREFIX, classes, defaultClass, alerts, deadLetters);
  }

  private static List<EventMatcher> matchers(JsonNode node, String where) {
    JsonNode match = node.get("match");
    if (match == null) {
      return List.of();
    }
    if (!match.isArray()) {
      throw new IllegalArgumentException(where + ": 'match' must be a list of maps");
    }
    List<EventMatcher> matchers = new ArrayList<>();
    int index = 0;
    for (JsonNode entry : match) {
      index++;
      String at = where + ", match " + index;
      if (!entry.isObject()) {
        throw new IllegalArgumentException(at + ": must be a map of field: value(s)");
      }
      Map<String, List<String>> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        List<String> values = new ArrayList<>();
        JsonNode value = field.getValue();
        if (value.isArray()) {
          for (JsonNode item : value) {
            values.add(scalar(item, at + ": " + field.getKey()));
          }
        } else {
          values.add(scalar(value, at + ": " + field.getKey()));
        }
        fields.put(field.getKey(), values);
      }
      try {
        matchers.add(EventMatcher.of(fields));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage());
      }
    }
    return matchers;
  }

  private static IndexFamily familySection(
      JsonNode root, String key, String familyName, String name) {
    JsonNode node = root.get(key);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(name + ": '" + key + "' must be a map with a retention");
    }
    checkKeys(node, FAMILY_KEYS, name + ", " + key);
    return family(node, familyName, IndexPeriod.MONTH, name + ", " + key);
  }

  private static IndexFamily family(
      JsonNode node, String familyName, IndexPeriod defaultPeriod, String where) {
    try {
      Retention retention = Retention.parse(text(node, "retention", where));
      IndexPeriod period =
          node.has("index_period")
              ? IndexPeriod.fromConfig(node.get("index_period").asText())
              : defaultPeriod;
      return new IndexFamily(familyName, retention, period);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isValueNode() || value.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": '" + key + "' is missing");
    }
    return value.asText();
  }

  private static String scalar(JsonNode value, String where) {
    if (!value.isValueNode() || value.isNull()) {
      throw new IllegalArgumentException(where + " values must be strings, booleans or numbers");
    }
    return value.asText();
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            where + ": unknown key '" + key + "' (allowed: " + allowed + ")");
      }
    }
  }

  /**
   * " at line 3: found unexpected end of stream": where and what, never the text. SnakeYAML's own
   * message quotes the lines around the mistake, and a retention flag pointed at the wrong file
   * (vigil.yaml, a secret) would print them.
   */
  private static String yamlProblem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      String problem =
          marked.getProblem() == null ? "" : marked.getProblem().lines().findFirst().orElse("");
      return " at line "
          + (marked.getProblemMark().getLine() + 1)
          + (problem.isBlank() ? "" : ": " + problem.strip());
    }
    return e.getLocation() != null && e.getLocation().getLineNr() > 0
        ? " at line " + e.getLocation().getLineNr()
        : "";
  }
}
