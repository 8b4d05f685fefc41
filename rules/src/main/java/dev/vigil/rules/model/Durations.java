package dev.vigil.rules.model;

import dev.vigil.ingest.spi.DurationSyntax;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time spans in rule files ({@code timespan}, {@code suppress.period}, ...): a positive whole
 * number and a lower-case unit, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d} or {@code
 * w}, as Sigma writes them and the rule schema accepts.
 *
 * <p>Why stricter than {@link DurationSyntax} (case-insensitive, and {@code min}): a rule is Sigma,
 * where {@code 1M} is a month to other tools; reading it as a minute would make a correlation
 * silently narrower, and {@code rules validate} (the schema) would reject what {@code test} and
 * {@code detect} ran.
 */
public final class Durations {

  private static final Pattern SPAN = Pattern.compile("[0-9]{1,12}(ms|s|m|h|d|w)");
  private static final Pattern COMPOUND = Pattern.compile("([0-9]{1,12}(ms|s|m|h|d|w)){2,4}");
  private static final Pattern NEAR_MISS = Pattern.compile("([0-9]{1,12})\\s*([A-Za-z]+)");

  private Durations() {}

  /** The span, or null when the text is not a positive one. */
  public static Duration parse(String text) {
    if (text == null || !SPAN.matcher(text.trim()).matches()) {
      return null;
    }
    Duration span = DurationSyntax.parse(text);
    return span.isZero() ? null : span;
  }

  /**
   * What is wrong with a text {@link #parse} refuses, to end the caller's message ({@code ": units
   * are lower case ..."}), or empty when nothing more specific than the caller's words can be said.
   */
  public static String why(String text) {
    String value = text == null ? "" : text.trim();
    if (value.matches("[0-9]{1,12}")) {
      return ": '" + value + "' has no unit; add one, e.g. " + value + "s or " + value + "m";
    }
    if (SPAN.matcher(value).matches()) {
      return ": a span is longer than zero";
    }
    if (COMPOUND.matcher(value).matches()) {
      Duration total = Duration.ZERO;
      Matcher part = SPAN.matcher(value);
      while (part.find()) {
        total = total.plus(DurationSyntax.parse(part.group()));
      }
      return ": one number and one unit; write " + format(total) + " for " + value;
    }
    Matcher matcher = NEAR_MISS.matcher(value);
    if (!matcher.matches()) {
      return "";
    }
    String amount = matcher.group(1);
    String unit = matcher.group(2);
    if (unit.equals("M") || unit.equalsIgnoreCase("y")) {
      return ": '"
          + value
          + "' is no unit of a rule: minutes are m, and months (M) and years (y) are not"
          + " supported; write days, e.g. 30d";
    }
    if (unit.equalsIgnoreCase("min")) {
      return ": write " + amount + "m (minutes are m in a rule, as Sigma writes them)";
    }
    String lower = amount + unit.toLowerCase(Locale.ROOT);
    if (!lower.equals(value) && parse(lower) != null) {
      return ": units are lower case, as Sigma writes them (" + lower + ")";
    }
    return "";
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
