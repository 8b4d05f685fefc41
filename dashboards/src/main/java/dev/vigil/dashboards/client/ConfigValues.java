package dev.vigil.dashboards.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.spi.DurationSyntax;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/** Reads the scalar forms of the {@code opensearch:} section: durations, sizes, counts, keys. */
final class ConfigValues {

  private ConfigValues() {}

  /** A duration in {@link DurationSyntax}, zero included. */
  static Duration duration(JsonNode node, String key, Duration fallback, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    try {
      return DurationSyntax.parse(value.isValueNode() ? value.asText() : "");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "." + key + ": " + e.getMessage());
    }
  }

  /** {@code 512kb}, {@code 5mb}, {@code 1gb} or a plain number of bytes. */
  static long bytes(JsonNode node, String key, long fallback, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isIntegralNumber()) {
      return positive(value.asLong(), where + "." + key);
    }
    String text = value.asText().trim().toLowerCase(Locale.ROOT);
    long factor = 1;
    String digits = text;
    if (text.endsWith("kb")) {
      factor = 1024;
      digits = text.substring(0, text.length() - 2);
    } else if (text.endsWith("mb")) {
      factor = 1024 * 1024;
      digits = text.substring(0, text.length() - 2);
    } else if (text.endsWith("gb")) {
      factor = 1024L * 1024 * 1024;
      digits = text.substring(0, text.length() - 2);
    } else if (text.endsWith("b")) {
      digits = text.substring(0, text.length() - 1);
    }
    try {
      return positive(Math.multiplyExact(Long.parseLong(digits.trim()), factor), where + "." + key);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          where + "." + key + ": '" + value.asText() + "' is not a size like 512kb, 5mb");
    }
  }

  static int positiveInt(JsonNode node, String key, int fallback, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(
          where + "." + key + ": '" + value.asText() + "' is not a whole number");
    }
    return (int) positive(value.asInt(), where + "." + key);
  }

  static int nonNegativeInt(JsonNode node, String key, int fallback, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
      throw new IllegalArgumentException(
          where + "." + key + ": '" + value.asText() + "' is not a whole number >= 0");
    }
    return value.asInt();
  }

  static String text(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(where + "." + key + " must be a non-empty string");
    }
    return value.asText().trim();
  }

  static JsonNode section(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException(where + "." + key + " must be a map");
    }
    return value;
  }

  static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            where + ": unknown key '" + key + "' (allowed: " + sorted(allowed) + ")");
      }
    }
  }

  private static String sorted(Set<String> keys) {
    return keys.stream().sorted().toList().toString();
  }

  private static long positive(long value, String where) {
    if (value <= 0) {
      throw new IllegalArgumentException(where + " must be greater than 0");
    }
    return value;
  }
}
