package dev.vigil.cli;

import dev.vigil.ingest.spi.NearNames;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The command, option or option value a mistyped one was probably meant to be, by the rule every
 * suggestion of Vigil follows ({@link NearNames}: edits, a swap of two letters being one, and a
 * name that contains the typed word, {@code stat} for {@code status}, {@code --conf} for {@code
 * --config}). Picocli's own suggestions compare letter pairs, which finds nothing for a swap
 * ({@code tset}). Leading dashes do not count as letters.
 */
final class Suggestions {

  private Suggestions() {}

  /** The closest of {@code names} to {@code typed}, if any is close enough to be meant. */
  static Optional<String> closest(String typed, Collection<String> names) {
    Map<String, String> byWord = new LinkedHashMap<>();
    for (String name : names) {
      if (!name.equals(typed)) {
        byWord.putIfAbsent(stripDashes(name), name);
      }
    }
    return NearNames.near(stripDashes(typed), byWord.keySet()).stream()
        .findFirst()
        .map(byWord::get);
  }

  private static String stripDashes(String name) {
    int start = 0;
    while (start < name.length() && name.charAt(start) == '-') {
      start++;
    }
    return name.substring(start);
  }
}
