package dev.vigil.rules.engine;

import dev.vigil.rules.detect.Gate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds which of many ASCII literals a text contains, in one pass over the text whatever their
 * number (Aho-Corasick), comparing characters folded as {@link Gate#fold} does: the literals of
 * every rule gated on one field (or on the raw record) are searched together, once per event.
 *
 * <p>Design: the automaton is compiled to a dense transition table over the literals' own alphabet
 * (a character in no literal sends the search back to the start), and each state lists every rule
 * whose literal ends there, including through its suffix links, so a scan is one table read per
 * character plus the reports. Immutable; shared by all engines of a pack.
 */
final class LiteralSearch {

  /** Receives the rules of each literal found (a rule may be reported more than once). */
  interface Hits {
    void add(int[] rules);
  }

  private final int[] symbols = new int[128];
  // The symbol of each ASCII character after folding, so the scan folds with one table read.
  private final int[] foldedSymbols = new int[128];
  private final int width;
  private final int[] next;
  private final int[][] reports;

  /**
   * @param rulesByLiteral the rules gated on each literal (ASCII, folded, not empty)
   */
  LiteralSearch(Map<String, int[]> rulesByLiteral) {
    int alphabet = 0;
    for (String literal : rulesByLiteral.keySet()) {
      for (int i = 0; i < literal.length(); i++) {
        char c = literal.charAt(i);
        if (symbols[c] == 0) {
          symbols[c] = ++alphabet;
        }
      }
    }
    width = alphabet + 1;
    for (char c = 0; c < 128; c++) {
      foldedSymbols[c] = symbols[Gate.fold(c)];
    }
    // The trie: children by symbol, then suffix links, turned into a complete transition table.
    List<int[]> children = new ArrayList<>();
    List<Set<Integer>> found = new ArrayList<>();
    children.add(new int[width]);
    found.add(new LinkedHashSet<>());
    rulesByLiteral.forEach(
        (literal, rules) -> {
          int state = 0;
          for (int i = 0; i < literal.length(); i++) {
            int symbol = symbols[literal.charAt(i)];
            if (children.get(state)[symbol] == 0) {
              children.get(state)[symbol] = children.size();
              children.add(new int[width]);
              found.add(new LinkedHashSet<>());
            }
            state = children.get(state)[symbol];
          }
          for (int rule : rules) {
            found.get(state).add(rule);
          }
        });
    int states = children.size();
    next = new int[states * width];
    int[] suffix = new int[states];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int symbol = 1; symbol < width; symbol++) {
      int child = children.get(0)[symbol];
      next[symbol] = child;
      if (child != 0) {
        queue.add(child);
      }
    }
    while (!queue.isEmpty()) {
      int state = queue.poll();
      found.get(state).addAll(found.get(suffix[state]));
      for (int symbol = 1; symbol < width; symbol++) {
        int child = children.get(state)[symbol];
        if (child != 0) {
          suffix[child] = next[suffix[state] * width + symbol];
          next[state * width + symbol] = child;
          queue.add(child);
        } else {
          next[state * width + symbol] = next[suffix[state] * width + symbol];
        }
      }
    }
    reports = new int[states][];
    for (int state = 0; state < states; state++) {
      Set<Integer> rules = found.get(state);
      reports[state] =
          rules.isEmpty() ? null : rules.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
  }

  /** A few characters beyond ASCII fold into it (the Kelvin sign into {@code k}). */
  private int symbolOfFolded(char c) {
    char folded = Gate.fold(c);
    return folded < 128 ? symbols[folded] : 0;
  }

  /** Reports the rules of every literal the text contains. */
  void scan(String text, Hits hits) {
    int state = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      int symbol = c < 128 ? foldedSymbols[c] : symbolOfFolded(c);
      state = next[state * width + symbol];
      int[] rules = reports[state];
      if (rules != null) {
        hits.add(rules);
      }
    }
  }
}
