package dev.vigil.rules.model;

import dev.vigil.ingest.spi.DurationSyntax;
import java.time.Duration;

/**
 * Time spans in rule files ({@code timeframe}, {@code suppress.period}, ...): a positive whole
 * number and a unit, in the one syntax of {@link DurationSyntax} (Sigma's {@code ms}, {@code s},
 * {@code m}, {@code h}, {@code d}, {@code w}, and {@code min} as everywhere else in Vigil).
 */
public final class Durations {

  private Durations() {}

  /** The span, or null when the text is not a positive one. */
  public static Duration parse(String text) {
    try {
      Duration span = DurationSyntax.parse(text);
      return span.isZero() ? null : span;
    } catch (IllegalArgumentException e) {
      return null;
    }
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
