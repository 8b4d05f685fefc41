package dev.vigil.ingest.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lenient reads from a record, for sources whose types drift: a number may arrive as a string, a
 * boolean as {@code "True"}, an object as JSON-in-a-string. Paths are dot-separated object keys; a
 * key that itself contains dots is read with {@link JsonNode#get} directly.
 */
public final class Json {

  private static final int MAX_CACHED_PATHS = 1024;
  private static final Map<String, String[]> PATH_KEYS = new ConcurrentHashMap<>();

  private Json() {}

  /**
   * The node at a dotted path, or {@link MissingNode} when any step is absent or not an object.
   * Steps test for {@link ObjectNode} (the only object node) rather than calling {@code isObject()}
   * and {@code get()}, virtual calls over a handful of node classes that cost more than the lookup.
   */
  public static JsonNode at(JsonNode node, String path) {
    JsonNode current = node;
    if (!(current instanceof ObjectNode)) {
      // Absent (a parser's optional part) or a scalar: no step can succeed, whatever the path.
      return MissingNode.getInstance();
    }
    if (path.indexOf('.') < 0) {
      current = current instanceof ObjectNode object ? object.get(path) : null;
    } else {
      for (String key : keys(path)) {
        current = current instanceof ObjectNode object ? object.get(key) : null;
      }
    }
    return current == null ? MissingNode.getInstance() : current;
  }

  /**
   * A dotted path's keys, cut once per distinct path: cutting them on every call made new strings
   * whose hash each object lookup then computed again. Paths are constants of the parsers; the cap
   * only keeps computed paths from growing the map.
   */
  private static String[] keys(String path) {
    String[] keys = PATH_KEYS.get(path);
    if (keys == null) {
      keys = path.split("\\.", -1);
      if (PATH_KEYS.size() < MAX_CACHED_PATHS) {
        PATH_KEYS.put(path, keys);
      }
    }
    return keys;
  }

  /**
   * The scalar at a path as text: strings as they are, numbers and booleans in their JSON form;
   * null for missing, JSON null, empty strings, objects and arrays.
   */
  public static String text(JsonNode node, String path) {
    return scalarText(at(node, path));
  }

  /** The first non-null {@link #text} among several paths. */
  public static String firstText(JsonNode node, String... paths) {
    for (String path : paths) {
      String value = text(node, path);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  public static String scalarText(JsonNode value) {
    // Most values read are strings: answer them without the virtual calls the general case makes.
    if (value instanceof TextNode) {
      String text = value.textValue();
      return text.isEmpty() ? null : text;
    }
    if (value == null || !value.isValueNode() || value.isNull()) {
      return null;
    }
    String text = value.asText();
    return text.isEmpty() ? null : text;
  }

  /** A boolean from {@code true}, {@code "true"}, {@code "True"}; null when absent or otherwise. */
  public static Boolean bool(JsonNode node, String path) {
    JsonNode value = at(node, path);
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual()) {
      String text = value.textValue().trim();
      if (text.equalsIgnoreCase("true")) {
        return Boolean.TRUE;
      }
      if (text.equalsIgnoreCase("false")) {
        return Boolean.FALSE;
      }
    }
    return null;
  }

  /** An integer from a number or a numeric string; null when absent or not an integer. */
  public static Long integer(JsonNode node, String path) {
    return integer(at(node, path));
  }

  /**
   * An integer from a number or a numeric string (surrounding spaces ignored, up to 18 digits);
   * null when the value is null, missing or not an integer.
   */
  public static Long integer(JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isIntegralNumber()) {
      return value.longValue();
    }
    if (value instanceof TextNode) {
      String text = value.textValue().trim();
      if (!text.isEmpty() && text.length() < 19 && allDigits(text)) {
        return Long.parseLong(text);
      }
    }
    return null;
  }

  /** {@link Character#isDigit} for every char, without a stream per call. */
  private static boolean allDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** True when the node is an object that has the key (with any value, even null). */
  public static boolean has(JsonNode node, String path) {
    return !at(node, path).isMissingNode();
  }
}
