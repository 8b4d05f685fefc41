package dev.vigil.rules.model;

import java.util.Locale;

/** Sigma correlation types. */
public enum CorrelationType {
  EVENT_COUNT,
  VALUE_COUNT,
  TEMPORAL,
  TEMPORAL_ORDERED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
