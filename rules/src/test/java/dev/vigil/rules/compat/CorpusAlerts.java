package dev.vigil.rules.compat;

import dev.vigil.rules.Alert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The alerts of the built-in pack over the shared corpus, as a table a person reads and git diffs:
 * per alerting rule its count and each alert's event ids; and the upstream rules' total. Read from
 * and written as {@code src/test/resources/corpus/built-in-alerts.txt}, whose header says the
 * format and how to re-pin it.
 *
 * @param alertsByRule per rule name (sorted), one line per alert: its event ids, sorted alerts
 * @param upstreamTotal the alerts of every upstream SigmaHQ rule together
 */
record CorpusAlerts(Map<String, List<String>> alertsByRule, int upstreamTotal) {

  private static final String INDENT = "    ";
  private static final String UPSTREAM = "(upstream SigmaHQ rules, total)";

  static final String HEADER =
      """
      # The built-in pack's alerts over every record of ../shared/corpus, as CorpusDetectionTest
      # judges them (together with the upstream SigmaHQ cloud rules, counted in one total).
      #
      # One line per built-in rule that can alert: its name and how many alerts it raised (0: the
      # corpus holds nothing it matches), then one indented line per alert, its event ids. Then the
      # upstream rules' total.
      #
      # This file is a pin, not a specification: when a rule, a mapping or the corpus changes on
      # purpose, run
      #   ./mvnw -B -q -o -pl ingest,rules -am verify -Dtest=CorpusDetectionTest \\
      #     -Dsurefire.failIfNoSpecifiedTests=false
      # read every difference the failure reports (which rule, which alerts came or went), and when
      # each is meant, copy rules/target/corpus/built-in-alerts.txt (the run's actual table) over this
      # file.
      """;

  /**
   * The table of a run: {@code ruleNames} are the alerting built-in rules, silent ones included.
   */
  static CorpusAlerts of(
      Collection<String> ruleNames, List<Alert> builtInAlerts, int upstreamTotal) {
    Map<String, List<String>> byRule = new TreeMap<>();
    ruleNames.forEach(name -> byRule.put(name, new ArrayList<>()));
    for (Alert alert : builtInAlerts) {
      byRule
          .computeIfAbsent(alert.ruleName(), name -> new ArrayList<>())
          .add(String.join(", ", alert.eventIds().stream().sorted().toList()));
    }
    byRule.values().forEach(alerts -> alerts.sort(null));
    return new CorpusAlerts(byRule, upstreamTotal);
  }

  static CorpusAlerts read(Path file) throws IOException {
    Map<String, List<String>> byRule = new TreeMap<>();
    Map<String, Integer> stated = new TreeMap<>();
    Integer upstream = null;
    List<String> current = null;
    int number = 0;
    for (String line : Files.readAllLines(file)) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith(INDENT)) {
        if (current == null) {
          throw new IllegalStateException(file + ":" + number + ": an alert line outside a rule");
        }
        current.add(line.substring(INDENT.length()));
        continue;
      }
      int space = line.lastIndexOf(' ');
      String head = space < 0 ? line : line.substring(0, space).strip();
      int count = space < 0 ? -1 : Integer.parseInt(line.substring(space + 1));
      if (head.equals(UPSTREAM)) {
        upstream = count;
        current = null;
      } else {
        current = new ArrayList<>();
        byRule.put(head, current);
        stated.put(head, count);
      }
    }
    Objects.requireNonNull(upstream, file + ": no " + UPSTREAM + " line");
    // The count is for the reader, the alert lines are the pin: they must agree.
    stated.forEach(
        (rule, count) -> {
          if (count != byRule.get(rule).size()) {
            throw new IllegalStateException(
                file
                    + ": "
                    + rule
                    + " states "
                    + count
                    + " alerts but lists "
                    + byRule.get(rule).size());
          }
        });
    return new CorpusAlerts(byRule, upstream);
  }

  /**
   * The table's text: {@link #HEADER}, then the rules and their alerts, then the upstream total.
   */
  String text() {
    int width =
        Math.max(
            UPSTREAM.length(),
            alertsByRule.keySet().stream().mapToInt(String::length).max().orElse(0));
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    alertsByRule.forEach(
        (rule, alerts) -> {
          text.append(pad(rule, width)).append(' ').append(alerts.size()).append('\n');
          alerts.forEach(alert -> text.append(INDENT).append(alert).append('\n'));
        });
    return text.append('\n')
        .append(pad(UPSTREAM, width))
        .append(' ')
        .append(upstreamTotal)
        .append('\n')
        .toString();
  }

  /**
   * Every rule of both tables with its expected and actual count, a {@code *} where its alerts
   * differ, and under it the alerts that went ({@code -}) or came ({@code +}); then the upstream
   * total.
   */
  String comparedTo(CorpusAlerts actual) {
    TreeMap<String, List<String>> rules = new TreeMap<>(alertsByRule);
    actual.alertsByRule.forEach(rules::putIfAbsent);
    int width =
        Math.max(
            UPSTREAM.length(), rules.keySet().stream().mapToInt(String::length).max().orElse(0));
    StringBuilder text = new StringBuilder("  rule (expected -> actual alerts; * differs)\n");
    for (String rule : rules.keySet()) {
      List<String> was = alertsByRule.getOrDefault(rule, List.of());
      List<String> is = actual.alertsByRule.getOrDefault(rule, List.of());
      boolean differs =
          !was.equals(is)
              || alertsByRule.containsKey(rule) != actual.alertsByRule.containsKey(rule);
      text.append(differs ? "* " : "  ")
          .append(pad(rule, width))
          .append(' ')
          .append(alertsByRule.containsKey(rule) ? String.valueOf(was.size()) : "(not listed)")
          .append(" -> ")
          .append(
              actual.alertsByRule.containsKey(rule) ? String.valueOf(is.size()) : "(no such rule)")
          .append('\n');
      List<String> gone = new ArrayList<>(was);
      is.forEach(gone::remove);
      List<String> came = new ArrayList<>(is);
      was.forEach(came::remove);
      gone.forEach(alert -> text.append(INDENT).append("- ").append(alert).append('\n'));
      came.forEach(alert -> text.append(INDENT).append("+ ").append(alert).append('\n'));
    }
    return text.append(upstreamTotal == actual.upstreamTotal ? "  " : "* ")
        .append(pad(UPSTREAM, width))
        .append(' ')
        .append(upstreamTotal)
        .append(" -> ")
        .append(actual.upstreamTotal)
        .append('\n')
        .toString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(Math.max(0, width - text.length()));
  }
}
