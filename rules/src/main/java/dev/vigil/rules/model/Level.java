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

  public static Level parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
