package dev.vigil.ingest.spi;

import java.time.Duration;
import java.util.Locale;

/**
 * The one duration syntax a user types anywhere in Vigil (command-line flags, vigil.yaml, the job
 * jar's flags, rule files): a whole number and a unit, {@code ms}, {@code s}, {@code m} or {@code
 * min}, {@code h}, {@code d}, {@code w}, case-insensitive.
 *
 * <p>It lives here, in the module every other depends on, so that the OpenSearch settings (read by
 * the dashboards module), the job's configuration and the CLI cannot drift apart again. A bare
 * number is refused rather than read as milliseconds: {@code 5} meaning 5 ms is a trap for someone
 * who meant seconds or minutes. Zero parses ({@code 0s}); whether a setting allows it, and any
 * other minimum, is for the caller to check, naming its key or flag.
 */
public final class DurationSyntax {

  /** The forms every duration error shows. */
  public static final String EXAMPLES = "500ms, 30s, 10m (or 10min), 2h, 1d, 1w";

  /** More digits than this overflow a {@link Duration} in weeks, and mean nothing anyway. */
  private static final int MAX_DIGITS = 12;

  private DurationSyntax() {}

  /**
   * The span the text names.
   *
   * @throws IllegalArgumentException with a message that quotes the text and shows {@link
   *     #EXAMPLES}, for the caller to prefix with the flag or key it came from
   */
  public static Duration parse(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    int split = 0;
    while (split < value.length() && Character.isDigit(value.charAt(split))) {
      split++;
    }
    if (split > 0 && split == value.length() && split <= MAX_DIGITS) {
      throw new IllegalArgumentException(
          "'"
              + text.trim()
              + "' has no unit; add one, e.g. "
              + value
              + "s or "
              + value
              + "m (a duration is a whole number and a unit: "
              + EXAMPLES
              + ")");
    }
    Duration span = split == 0 || split > MAX_DIGITS ? null : span(value, split);
    if (span == null) {
      throw new IllegalArgumentException(
          (text == null || text.isBlank() ? "an empty value" : "'" + text.trim() + "'")
              + " is not a duration; write a whole number and a unit: "
              + EXAMPLES);
    }
    return span;
  }

  private static Duration span(String value, int split) {
    long amount = Long.parseLong(value.substring(0, split));
    return switch (value.substring(split)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m", "min" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      case "w" -> Duration.ofDays(7 * amount);
      default -> null;
    };
  }
}
