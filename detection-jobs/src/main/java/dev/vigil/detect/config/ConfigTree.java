package dev.vigil.detect.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detect.notify.SecretRef;
import dev.vigil.ingest.spi.DurationSyntax;
import dev.vigil.ingest.yaml.YamlDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One mapping of vigil.yaml while it is read: typed getters whose errors carry the file, the line
 * and the dotted key path, and {@link #rejectUnknown()}, which fails on any key the reader did not
 * ask for (a misspelled {@code intervall} must fail, not silently take the default).
 */
final class ConfigTree {

  private final String file;
  private final YamlDocument document;
  private final JsonNode node;
  private final String path;
  private final String pointer;
  private final Set<String> asked = new LinkedHashSet<>();

  private ConfigTree(
      String file, YamlDocument document, JsonNode node, String path, String pointer) {
    this.file = file;
    this.document = document;
    this.node = node;
    this.path = path;
    this.pointer = pointer;
  }

  static ConfigTree root(String file, YamlDocument document) {
    ConfigTree root = new ConfigTree(file, document, document.root(), "", "");
    if (!document.root().isObject()) {
      throw root.error("", "the file must be a mapping of sections (kafka:, rules:, ...)");
    }
    return root;
  }

  String file() {
    return file;
  }

  JsonNode node() {
    return node;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** An error about the child {@code name} (empty: this mapping itself). */
  ConfigException error(String name, String problem) {
    String at = name.isEmpty() ? pointer : YamlDocument.child(pointer, name);
    return new ConfigException(
        file, document.lineOf(at), name.isEmpty() ? path : key(name), problem);
  }

  /** An error about a key nested below this mapping, given name by name. */
  ConfigException errorAt(List<String> names, String problem) {
    String at = pointer;
    String dotted = path;
    for (String name : names) {
      at = YamlDocument.child(at, name);
      dotted = dotted.isEmpty() ? name : dotted + "." + name;
    }
    return new ConfigException(file, document.lineOf(at), dotted, problem);
  }

  /** An error about a key below this mapping given by its dotted path, as other readers name it. */
  ConfigException errorAtPath(String dottedPath, String problem) {
    return errorAt(List.of(dottedPath.split("\\.")), problem);
  }

  /**
   * Whether the file sets the key below this mapping at {@code dottedPath}: a constraint between
   * two keys is reported at the one the user wrote, not at one that only has its default.
   */
  boolean writes(String dottedPath) {
    JsonNode at = node;
    for (String name : dottedPath.split("\\.")) {
      at = at.get(name);
      if (at == null || at.isNull()) {
        return false;
      }
    }
    return true;
  }

  private JsonNode value(String name) {
    asked.add(name);
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  boolean has(String name) {
    return value(name) != null;
  }

  /** The child mapping, or an empty one when absent (so its defaults apply). */
  ConfigTree section(String name) {
    JsonNode value = value(name);
    if (value != null && !value.isObject()) {
      throw error(name, "must be a mapping");
    }
    return new ConfigTree(
        file,
        document,
        value != null
            ? value
            : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
        key(name),
        YamlDocument.child(pointer, name));
  }

  /** The raw subtree of a section another reader owns; null when absent. */
  JsonNode subtree(String name) {
    JsonNode value = value(name);
    if (value != null && !value.isObject()) {
      throw error(name, "must be a mapping");
    }
    return value;
  }

  String text(String name, String fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual() && !value.isNumber()) {
      throw error(name, "must be a string, got " + describe(value));
    }
    String text = value.asText().trim();
    if (text.isEmpty()) {
      throw error(name, "must not be empty");
    }
    return text;
  }

  int integer(String name, int fallback, int min, int max) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error(name, "must be a whole number, got " + describe(value));
    }
    int number = value.asInt();
    if (number < min || number > max) {
      throw error(name, "must be between " + min + " and " + max + ", got " + number);
    }
    return number;
  }

  /**
   * A count of at least {@code min}, or the word {@code unbounded} (case-insensitive) for no limit,
   * returned as empty.
   */
  OptionalInt countOrUnbounded(String name, OptionalInt fallback, int min, String unbounded) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (value.isTextual() && value.asText().trim().equalsIgnoreCase(unbounded)) {
      return OptionalInt.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min) {
      throw error(
          name,
          "must be a whole number of at least "
              + min
              + ", or "
              + unbounded
              + ", got "
              + describe(value));
    }
    return OptionalInt.of(value.asInt());
  }

  boolean bool(String name, boolean fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw error(name, "must be true or false, got " + describe(value));
    }
    return value.asBoolean();
  }

  /** A duration in {@link DurationSyntax}; zero ({@code 0s}) only when allowed. */
  Duration duration(String name, Duration fallback, boolean zeroAllowed) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual() && !value.isNumber()) {
      throw error(
          name, "must be a duration (" + DurationSyntax.EXAMPLES + "), got " + describe(value));
    }
    Duration span;
    try {
      span = DurationSyntax.parse(value.asText());
    } catch (IllegalArgumentException e) {
      throw error(name, e.getMessage());
    }
    if (span.isZero() && !zeroAllowed) {
      throw error(name, "must be longer than zero, got " + describe(value));
    }
    return span;
  }

  /** One of {@code choices} (case-insensitive, '-' and '_' alike), returned as listed. */
  String choice(String name, String fallback, List<String> choices) {
    String text = text(name, null);
    if (text == null) {
      return fallback;
    }
    String normalized = text.toLowerCase(Locale.ROOT).replace('-', '_');
    for (String choice : choices) {
      if (choice.toLowerCase(Locale.ROOT).replace('-', '_').equals(normalized)) {
        return choice;
      }
    }
    throw error(name, "must be one of " + String.join(", ", choices) + ", got '" + text + "'");
  }

  List<String> strings(String name, List<String> fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isArray()) {
      throw error(name, "must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw error(name, "must be a list of non-empty strings");
      }
      out.add(item.asText().trim());
    }
    return List.copyOf(out);
  }

  /** A mapping of names to non-empty strings, in file order. */
  Map<String, String> stringMap(String name, Map<String, String> fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isObject()) {
      throw error(name, "must be a mapping of names to values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode item = entry.getValue();
      if (!(item.isTextual() || item.isNumber() || item.isBoolean()) || item.asText().isBlank()) {
        throw errorAt(List.of(name, entry.getKey()), "must be a string, number or boolean");
      }
      out.put(entry.getKey(), item.asText().trim());
    }
    return out;
  }

  /**
   * A credential named by {@code <name>_env} or {@code <name>_file}, exactly one; a literal {@code
   * <name>} is refused so that no secret sits in the file. A relative file is resolved against
   * {@code base} (the configuration file's directory), as every other path of the file is. Null
   * when neither is given.
   */
  SecretRef secret(String name, Path base) {
    if (has(name)) {
      throw error(
          name,
          "secrets are not accepted inline; name an environment variable with "
              + name
              + "_env or a file with "
              + name
              + "_file");
    }
    String env = text(name + "_env", null);
    String secretFile = text(name + "_file", null);
    if (env != null && secretFile != null) {
      throw error(name + "_file", "give either " + name + "_env or " + name + "_file, not both");
    }
    if (env != null) {
      return new SecretRef(key(name + "_env"), env, null);
    }
    return secretFile != null
        ? new SecretRef(
            key(name + "_file"), null, base.resolve(secretFile.trim()).normalize().toString())
        : null;
  }

  /** Fails on the first key nobody asked for, with the near keys this mapping accepts. */
  void rejectUnknown() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!asked.contains(name)) {
        throw error(name, ConfigException.unknownKey(name, asked));
      }
    }
  }

  private static String describe(JsonNode value) {
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.isTextual() ? "'" + value.asText() + "'" : value.asText();
  }
}
