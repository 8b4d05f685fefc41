package dev.vigil.detect;

import java.time.Duration;

/** How long something lasted, as the lines on-call reads say it. */
public final class Elapsed {

  private Elapsed() {}

  /** {@code 850ms}, {@code 42s}, {@code 5m 3s}, {@code 2h 0m 10s}: whole seconds from one on. */
  public static String readable(Duration span) {
    if (span.compareTo(Duration.ofSeconds(1)) < 0) {
      return span.toMillis() + "ms";
    }
    long seconds = span.toSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m " + seconds % 60 + "s";
    }
    return seconds / 3600 + "h " + seconds % 3600 / 60 + "m " + seconds % 60 + "s";
  }
}
