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
 * whose literal ends there, including through its suffix links. Immutable; shared by all engines of
 * a pack.
 *
 * <p>A scan costs a step per character, each waiting on the one before, while the reports are a few
 * per event and most of a raw record's characters begin no literal. So the table holds row offsets
 * (no multiply per step), the states that report are numbered last (a compare tells them, not a
 * read), and at the start state the scan passes over every character after which the search would
 * be where passing over it leaves it: {@link #skippable} answers that for each pair of ASCII
 * characters, from the automaton itself, and its test depends on no state, so the processor runs
 * those tests overlapped.
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

  /** Per state and symbol, the row (state times {@link #width}) of the next state. */
  private final int[] next;

  /** The row of the first state that reports: those after it all do, those before it never. */
  private final int firstReportingRow;

  /** The rules each reporting state reports, by its row less {@link #firstReportingRow}. */
  private final int[][] reports;

  /**
   * Bit {@code a << 7 | b} is set when, at the start state, the search may pass over an ASCII
   * character {@code a} followed by {@code b} without a step: {@code a} leads to a state that
   * reports nothing, and {@code b} leads from that state where it leads from the start.
   */
  private final long[] skippable = new long[128 * 128 / 64];

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
    int[] transitions = new int[states * width];
    int[] suffix = new int[states];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int symbol = 1; symbol < width; symbol++) {
      int child = children.get(0)[symbol];
      transitions[symbol] = child;
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
          suffix[child] = transitions[suffix[state] * width + symbol];
          transitions[state * width + symbol] = child;
          queue.add(child);
        } else {
          transitions[state * width + symbol] = transitions[suffix[state] * width + symbol];
        }
      }
    }
    // Renumber: the start state (which reports nothing: no literal is empty) and every other
    // silent state first, then the reporting ones.
    int[] numbered = new int[states];
    int silent = 0;
    for (int state = 0; state < states; state++) {
      if (found.get(state).isEmpty()) {
        numbered[state] = silent++;
      }
    }
    int reporting = silent;
    reports = new int[states - silent][];
    for (int state = 0; state < states; state++) {
      if (!found.get(state).isEmpty()) {
        numbered[state] = reporting++;
        reports[numbered[state] - silent] =
            found.get(state).stream().mapToInt(Integer::intValue).sorted().toArray();
      }
    }
    firstReportingRow = silent * width;
    next = new int[states * width];
    for (int state = 0; state < states; state++) {
      for (int symbol = 0; symbol < width; symbol++) {
        next[numbered[state] * width + symbol] =
            numbered[transitions[state * width + symbol]] * width;
      }
    }
    for (int a = 0; a < 128; a++) {
      int afterA = next[foldedSymbols[a]];
      if (afterA >= firstReportingRow) {
        continue;
      }
      for (int b = 0; b < 128; b++) {
        if (next[afterA + foldedSymbols[b]] == next[foldedSymbols[b]]) {
          int pair = a << 7 | b;
          skippable[pair >>> 6] |= 1L << pair;
        }
      }
    }
  }

  /** A few characters beyond ASCII fold into it (the Kelvin sign into {@code k}). */
  private int symbolOfFolded(char c) {
    char folded = Gate.fold(c);
    return folded < 128 ? symbols[folded] : 0;
  }

  /** Reports the rules of every literal the text contains. */
  void scan(String text, Hits hits) {
    int row = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (row == 0) {
        // Pass over the characters that would leave the search at the start state anyway.
        while (i + 1 < n) {
          char after = text.charAt(i + 1);
          int pair = c << 7 | after;
          if ((c | after) >= 128 || (skippable[pair >>> 6] & 1L << pair) == 0) {
            break;
          }
          c = after;
          i++;
        }
      }
      row = next[row + (c < 128 ? foldedSymbols[c] : symbolOfFolded(c))];
      if (row >= firstReportingRow) {
        hits.add(reports[(row - firstReportingRow) / width]);
      }
    }
  }
}
