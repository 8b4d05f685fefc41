package dev.vigil.cli;

import dev.vigil.rules.NearNames;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The command or option name a mistyped one was probably meant to be. Picocli's own suggestions
 * compare letter pairs, which finds nothing for a swap of two letters ({@code tset}); this counts
 * edits instead, a swap being one, and also takes a name the typed word begins ({@code stat} for
 * {@code status}, {@code --conf} for {@code --config}).
 */
final class Suggestions {

  private Suggestions() {}

  /** The closest of {@code names} to {@code typed}, if any is close enough to be meant. */
  static Optional<String> closest(String typed, Collection<String> names) {
    String word = stripDashes(typed);
    return names.stream()
        .filter(name -> !name.equals(typed))
        .filter(name -> isClose(word, stripDashes(name)))
        .min(Comparator.comparingInt(name -> NearNames.distance(word, stripDashes(name))));
  }

  private static boolean isClose(String typed, String name) {
    int allowed = name.length() >= 8 ? 2 : name.length() >= 4 ? 1 : 0;
    return NearNames.distance(typed, name) <= allowed
        || (typed.length() >= 3 && name.startsWith(typed));
  }

  private static String stripDashes(String name) {
    int start = 0;
    while (start < name.length() && name.charAt(start) == '-') {
      start++;
    }
    return name.substring(start);
  }
}
