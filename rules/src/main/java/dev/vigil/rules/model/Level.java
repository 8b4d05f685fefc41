package dev.vigil.rules.model;

import java.util.Locale;

/** Sigma's {@code level}, which is also the alert's {@code severity}. */
public enum Level {
  INFORMATIONAL,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The name used in rule files and in alerts. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * 1 (informational) to 5 (critical): the alerts index's {@code severity_rank}, which sorts and
   * ranges in severity order where the label sorts alphabetically ({@code high} above {@code
   * critical}).
   */
  public int rank() {
    return ordinal() + 1;
  }

  public static Level parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
