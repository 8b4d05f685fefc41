package dev.vigil.rules.model;

import java.time.Duration;
import java.util.Locale;

/**
 * Sigma's time spans: a positive whole number and a unit ({@code ms}, {@code s}, {@code m}, {@code
 * h}, {@code d}, {@code w}).
 */
public final class Durations {

  private Durations() {}

  /** The span, or null when the text is not one. */
  public static Duration parse(String text) {
    if (text == null) {
      return null;
    }
    String value = text.trim().toLowerCase(Locale.ROOT);
    int split = 0;
    while (split < value.length() && Character.isDigit(value.charAt(split))) {
      split++;
    }
    if (split == 0 || split > 12) {
      return null;
    }
    long amount = Long.parseLong(value.substring(0, split));
    if (amount <= 0) {
      return null;
    }
    return switch (value.substring(split)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      case "w" -> Duration.ofDays(7 * amount);
      default -> null;
    };
  }

  /** The shortest text {@link #parse} reads back to the same span. */
  public static String format(Duration span) {
    long millis = span.toMillis();
    if (millis % 604_800_000L == 0) {
      return millis / 604_800_000L + "w";
    }
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + "d";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    if (millis % 1000L == 0) {
      return millis / 1000L + "s";
    }
    return millis + "ms";
  }
}
