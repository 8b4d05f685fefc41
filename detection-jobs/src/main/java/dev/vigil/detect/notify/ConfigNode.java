package dev.vigil.detect.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detect.config.ConfigException;
import dev.vigil.ingest.spi.DurationSyntax;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One mapping of the {@code notify:} section while it is read: typed getters that name the full key
 * path in every error, and a check that the mapping holds no key the reader did not ask for (a
 * misspelled {@code min_severty} must fail loudly, not route everything).
 */
final class ConfigNode {

  private final JsonNode node;
  private final String path;
  private final Set<String> asked = new LinkedHashSet<>();

  ConfigNode(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new NotifyConfigException(path, "must be a mapping");
    }
    this.node = node;
    this.path = path;
  }

  String path() {
    return path;
  }

  String key(String name) {
    return path + "." + name;
  }

  boolean has(String name) {
    asked.add(name);
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  /**
   * Whether the mapping holds {@code name}, for a key that is refused when present (an inline
   * secret): unlike {@link #has}, it does not make the key one of those this mapping accepts.
   */
  boolean holds(String name) {
    return node.has(name);
  }

  ConfigNode child(String name) {
    return has(name) ? new ConfigNode(node.get(name), key(name)) : null;
  }

  Iterator<String> names() {
    return node.fieldNames();
  }

  String text(String name, String fallback) {
    if (!has(name)) {
      return fallback;
    }
    JsonNode value = node.get(name);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new NotifyConfigException(key(name), "must be a non-empty string");
    }
    return value.asText().trim();
  }

  int integer(String name, int fallback, int min, int max) {
    if (!has(name)) {
      return fallback;
    }
    JsonNode value = node.get(name);
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new NotifyConfigException(key(name), "must be a whole number");
    }
    int number = value.asInt();
    if (number < min || number > max) {
      throw new NotifyConfigException(
          key(name), "must be between " + min + " and " + max + ", got " + number);
    }
    return number;
  }

  boolean bool(String name, boolean fallback) {
    if (!has(name)) {
      return fallback;
    }
    JsonNode value = node.get(name);
    if (!value.isBoolean()) {
      throw new NotifyConfigException(key(name), "must be true or false");
    }
    return value.asBoolean();
  }

  /** A positive duration in {@link DurationSyntax}. */
  Duration duration(String name, Duration fallback) {
    if (!has(name)) {
      return fallback;
    }
    JsonNode value = node.get(name);
    if (!value.isTextual() && !value.isNumber()) {
      throw new NotifyConfigException(
          key(name), "must be a duration (" + DurationSyntax.EXAMPLES + ")");
    }
    Duration span;
    try {
      span = DurationSyntax.parse(value.asText());
    } catch (IllegalArgumentException e) {
      throw new NotifyConfigException(key(name), e.getMessage());
    }
    if (span.isZero()) {
      throw new NotifyConfigException(
          key(name), "must be longer than zero, got '" + value.asText() + "'");
    }
    return span;
  }

  List<String> strings(String name) {
    if (!has(name)) {
      return List.of();
    }
    JsonNode value = node.get(name);
    if (!value.isArray()) {
      throw new NotifyConfigException(key(name), "must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw new NotifyConfigException(key(name), "must be a list of non-empty strings");
      }
      out.add(item.asText().trim());
    }
    return List.copyOf(out);
  }

  /** Fails on the first key nobody asked for, with the near keys this mapping accepts. */
  void rejectUnknown(Set<String> accepted) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!asked.contains(name) && !accepted.contains(name)) {
        throw new NotifyConfigException(key(name), ConfigException.unknownKey(name, asked));
      }
    }
  }

  void rejectUnknown() {
    rejectUnknown(Set.of());
  }
}
