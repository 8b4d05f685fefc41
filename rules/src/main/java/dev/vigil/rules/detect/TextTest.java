package dev.vigil.rules.detect;

import dev.vigil.rules.engine.VigilEvent;

/** A test of the texts of a field value, as {@link ValueMatcher#anyText} walks them. */
@FunctionalInterface
public interface TextTest {

  /** Judges one scalar's text (never null). */
  boolean matchesText(String text, VigilEvent event);

  /** Whether a field that is absent or null (or a null item of a list) matches. */
  default boolean matchesNull() {
    return false;
  }
}
