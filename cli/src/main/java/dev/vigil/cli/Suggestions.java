package dev.vigil.cli;

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
        .min(Comparator.comparingInt(name -> distance(word, stripDashes(name))));
  }

  private static boolean isClose(String typed, String name) {
    int allowed = name.length() >= 8 ? 2 : name.length() >= 4 ? 1 : 0;
    return distance(typed, name) <= allowed || (typed.length() >= 3 && name.startsWith(typed));
  }

  private static String stripDashes(String name) {
    int start = 0;
    while (start < name.length() && name.charAt(start) == '-') {
      start++;
    }
    return name.substring(start);
  }

  /**
   * Edits (insert, delete, substitute, swap two adjacent letters) between two words: the optimal
   * string alignment distance.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
