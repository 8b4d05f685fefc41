package dev.vigil.ingest.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * "Did you mean": the known names closest to one a user typed. The one rule of nearness for every
 * suggestion Vigil makes: rule names, modifiers and keys, vigil.yaml keys, notify destinations, and
 * the CLI's commands, options and option values.
 *
 * <p>Why edits and containment both: a typo ({@code mass_secret_read} for {@code
 * mass_secret_reads}) is a few edits away, while a half-remembered name ({@code secret_read}) is
 * many edits away but inside the real one. Edits allowed grow with the typed name's length (none
 * below four letters, where everything is close to everything), and a contained name must have four
 * letters too. Case does not count.
 *
 * <p>It lives here, in the module every other depends on, so that every reader of user input
 * (vigil.yaml's sections in detection-jobs and dashboards included) suggests by the same rule.
 */
public final class NearNames {

  private static final int MAX_SUGGESTIONS = 5;

  private final String typed;
  private final int allowed;
  private final Map<String, Integer> ranks = new HashMap<>();

  public NearNames(String typed) {
    this.typed = typed.toLowerCase(Locale.ROOT);
    int length = this.typed.length();
    this.allowed = length >= 12 ? 3 : length >= 8 ? 2 : length >= 4 ? 1 : 0;
  }

  /**
   * How near {@code known} is to what was typed: the edits between them, or one more than allowed
   * when it contains what was typed; empty when it is not near.
   */
  public OptionalInt rank(String known) {
    if (known == null) {
      return OptionalInt.empty();
    }
    String candidate = known.toLowerCase(Locale.ROOT);
    int edits = distance(typed, candidate);
    if (edits <= allowed) {
      return OptionalInt.of(edits);
    }
    if (typed.length() >= 4 && candidate.contains(typed)) {
      return OptionalInt.of(allowed + 1);
    }
    return OptionalInt.empty();
  }

  /** Offers a suggestion of that rank; one offered twice keeps its better rank. */
  public void offer(String suggestion, int rank) {
    ranks.merge(suggestion, rank, Math::min);
  }

  /** The best few suggestions, nearest first, each once. */
  public List<String> suggestions() {
    List<String> sorted = new ArrayList<>(ranks.keySet());
    sorted.sort(Comparator.comparing((String s) -> ranks.get(s)).thenComparing(s -> s));
    return List.copyOf(sorted.subList(0, Math.min(MAX_SUGGESTIONS, sorted.size())));
  }

  /** The best few of {@code known} for {@code typed}, nearest first; empty when none is near. */
  public static List<String> near(String typed, Collection<String> known) {
    NearNames near = new NearNames(typed);
    known.forEach(name -> near.rank(name).ifPresent(rank -> near.offer(name, rank)));
    return near.suggestions();
  }

  /**
   * {@code did you mean 'contains'?} for a name typed where one of {@code known} belongs, or empty
   * when none is near.
   */
  public static String didYouMean(String typed, Collection<String> known) {
    return didYouMean(near(typed, known));
  }

  /**
   * {@code ; did you mean 'contains'?}, to end a message about {@code typed}, or empty when none of
   * {@code known} is near.
   */
  public static String suggestion(String typed, Collection<String> known) {
    String didYouMean = didYouMean(typed, known);
    return didYouMean.isEmpty() ? "" : "; " + didYouMean;
  }

  /** {@code did you mean 'a' or 'b'?}, or empty when nothing is near. */
  public static String didYouMean(Collection<String> suggestions) {
    if (suggestions.isEmpty()) {
      return "";
    }
    List<String> quoted = suggestions.stream().map(s -> "'" + s + "'").toList();
    String last = quoted.get(quoted.size() - 1);
    return "did you mean "
        + (quoted.size() == 1
            ? last
            : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + last)
        + "?";
  }

  /**
   * Edits (insert, delete, substitute, swap two adjacent letters) between two names: the optimal
   * string alignment distance, which counts {@code detcetion} as one edit from {@code detection}.
   */
  public static int distance(String a, String b) {
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
