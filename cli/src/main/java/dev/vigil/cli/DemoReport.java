package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.detect.DetectSummary;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The summary {@code vigil demo} prints: what a SOC analyst wants to see first (what fired, who is
 * behind it, each alert in one line, what could not be read and why), then where the files are and
 * what to try next.
 *
 * <p>It reads the run's own output files rather than the job's internals, so what it shows is what
 * the files hold. Everything is sorted, so the same input gives the same text on every run (the
 * job's files are in arrival order, which varies with scheduling).
 */
final class DemoReport {

  /** The files of one run. */
  record Outputs(Path alerts, Path events, Path deadLetters) {}

  private static final int TOP_ACTORS = 5;
  private static final List<String> SEVERITIES =
      List.of("critical", "high", "medium", "low", "informational");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Function<Path, String> display;
  private final Path launcher;

  /**
   * @param display how a path is shown to the user
   * @param launcher {@code bin/vigil}, for the commands suggested as next steps
   */
  DemoReport(Function<Path, String> display, Path launcher) {
    this.display = display;
    this.launcher = launcher;
  }

  /**
   * What a run's outputs hold: its alerts (by time, then id), the actors of their events, and its
   * dead letters.
   */
  record Findings(
      List<JsonNode> alerts, Map<String, Actor> actorsByEvent, List<JsonNode> deadLetters) {

    /** Reads a run's outputs: each a JSON Lines file, or a directory of part files. */
    static Findings read(Outputs files) throws IOException {
      List<JsonNode> alerts = new ArrayList<>(readLines(files.alerts()));
      alerts.sort(
          Comparator.comparing((JsonNode alert) -> Instant.parse(alert.path("time").asText()))
              .thenComparing(alert -> alert.path("alert_id").asText()));
      return new Findings(
          List.copyOf(alerts),
          actorsOf(files.events(), eventIdsOf(alerts)),
          readLines(files.deadLetters()));
    }
  }

  /** The embedded demo's whole report. */
  List<String> render(DetectSummary summary, Path samples, Outputs files) throws IOException {
    Findings findings = Findings.read(files);
    List<String> out =
        findings(
            "vigil demo: the detection job (embedded Flink, built-in rules) over "
                + display.apply(samples)
                + "/",
            summary,
            findings);
    List<JsonNode> alerts = findings.alerts();
    List<JsonNode> deadLetters = findings.deadLetters();
    String alertsFile = display.apply(files.alerts());
    out.add("");
    out.add("Files");
    out.addAll(
        table(
            List.of(
                new String[] {
                  alertsFile, Plurals.count(alerts.size(), "alert") + ", one JSON document each"
                },
                new String[] {
                  display.apply(files.events()),
                  Plurals.count(summary.events(), "event")
                      + " in the canonical schema, raw record included"
                },
                new String[] {
                  display.apply(files.deadLetters()),
                  Plurals.count(deadLetters.size(), "dead letter") + ", with reason and origin"
                })));

    out.add("");
    out.add("Next steps");
    String vigil = display.apply(launcher);
    out.add(
        "  jq -r 'select(.severity == \"critical\") | [.time, .summary] | @tsv' "
            + alertsFile
            + "   # the critical alerts");
    out.add(
        "  "
            + vigil
            + " rules explain mass_secret_reads   # a rule and the Esper statement it runs");
    out.add(
        "  "
            + vigil
            + " detect --out alerts.jsonl YOUR_AUDIT_LOGS/   # your own files, see docs/cli.md");
    return out;
  }

  /**
   * What was found, whichever way the job ran: the counts, alerts by detection, the top actors, one
   * line per alert and the dead letters.
   */
  List<String> findings(String title, DetectSummary summary, Findings findings) {
    List<String> out = new ArrayList<>();
    out.add(title);
    out.add(
        "  "
            + Plurals.count(summary.events(), "event")
            + " ("
            + SummaryLines.counts(summary.eventsBySource())
            + "), "
            + Plurals.count(summary.deadLetters(), "dead letter")
            + ", "
            + Plurals.count(summary.totalAlerts(), "alert"));
    if (summary.lateRecords() > 0) {
      out.add("  late records (judged at the watermark): " + summary.lateRecords());
    }

    out.add("");
    out.add("Alerts by detection");
    out.addAll(table(detectionRows(summary.alerts())));

    List<String[]> actorRows = actorRows(findings.alerts(), findings.actorsByEvent());
    if (!actorRows.isEmpty()) {
      out.add("");
      out.add("Top actors (by alerts)");
      out.addAll(table(actorRows));
    }

    out.add("");
    out.add("Alerts (UTC)");
    out.addAll(
        table(
            findings.alerts().stream()
                .map(
                    alert ->
                        new String[] {
                          TIME.format(Instant.parse(alert.path("time").asText())),
                          alert.path("severity").asText(),
                          alert.path("detection").asText(),
                          alert.path("summary").asText()
                        })
                .toList()));

    if (!findings.deadLetters().isEmpty()) {
      out.add("");
      out.add("Dead letters (raw record, reason and origin kept in the file)");
      out.addAll(
          table(
              findings.deadLetters().stream()
                  .map(
                      dead ->
                          new String[] {
                            dead.path("origin").asText(),
                            dead.path("reason").asText(),
                            dead.path("message").asText()
                          })
                  .sorted(Comparator.comparing((String[] row) -> row[0]))
                  .toList()));
    }
    return out;
  }

  private static List<String[]> detectionRows(Map<String, Map<String, Long>> alerts) {
    return alerts.entrySet().stream()
        .sorted(
            Comparator.comparingLong((Map.Entry<String, Map<String, Long>> e) -> -total(e))
                .thenComparing(Map.Entry::getKey))
        .map(
            entry ->
                new String[] {
                  entry.getKey(),
                  Long.toString(total(entry)),
                  SEVERITIES.stream()
                      .filter(entry.getValue()::containsKey)
                      .map(severity -> severity + " " + entry.getValue().get(severity))
                      .collect(Collectors.joining(", "))
                })
        .toList();
  }

  private static long total(Map.Entry<String, Map<String, Long>> bySeverity) {
    return bySeverity.getValue().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Who is behind the alerts: the actors of each alert's events, ranked by alerts. */
  private static List<String[]> actorRows(List<JsonNode> alerts, Map<String, Actor> byEvent) {
    Map<Actor, Set<String>> detections = new HashMap<>();
    Map<Actor, Integer> alertCounts = new HashMap<>();
    for (JsonNode alert : alerts) {
      Set<Actor> actors = new HashSet<>();
      alert.path("event_ids").forEach(id -> actors.add(byEvent.get(id.asText())));
      actors.remove(null);
      for (Actor actor : actors) {
        alertCounts.merge(actor, 1, Integer::sum);
        detections
            .computeIfAbsent(actor, a -> new TreeSet<>())
            .add(alert.path("detection").asText());
      }
    }
    return alertCounts.entrySet().stream()
        .sorted(
            Comparator.comparingInt((Map.Entry<Actor, Integer> e) -> -e.getValue())
                .thenComparing(e -> e.getKey().name())
                .thenComparing(e -> e.getKey().source()))
        .limit(TOP_ACTORS)
        .map(
            entry ->
                new String[] {
                  entry.getKey().name(),
                  entry.getKey().source(),
                  Plurals.count(entry.getValue(), "alert"),
                  String.join(", ", detections.get(entry.getKey()))
                })
        .toList();
  }

  /** An actor as analysts name it: its name where the source gives one, and the source. */
  record Actor(String name, String source) {}

  private static Set<String> eventIdsOf(List<JsonNode> alerts) {
    Set<String> ids = new HashSet<>();
    alerts.forEach(alert -> alert.path("event_ids").forEach(id -> ids.add(id.asText())));
    return ids;
  }

  /** The actors of the events with the given ids, read from the events file. */
  private static Map<String, Actor> actorsOf(Path events, Set<String> ids) throws IOException {
    Map<String, Actor> actors = new LinkedHashMap<>();
    for (JsonNode event : readLines(events)) {
      String id = event.path("event_id").asText();
      if (ids.contains(id)) {
        JsonNode actor = event.path("actor");
        String name = actor.path("name").asText(null);
        actors.put(
            id,
            new Actor(
                name != null ? name : actor.path("id").asText("(unknown)"),
                event.path("source").asText()));
      }
    }
    return actors;
  }

  /** The JSON documents of a JSON Lines file, or of every visible file below a directory. */
  static List<JsonNode> readLines(Path file) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    if (Files.isDirectory(file)) {
      // Part files of a file sink: unfinished ones are hidden (".part-...inprogress...").
      try (Stream<Path> parts = Files.walk(file)) {
        for (Path part :
            parts
                .filter(Files::isRegularFile)
                .filter(part -> !part.getFileName().toString().startsWith("."))
                .sorted()
                .toList()) {
          nodes.addAll(readLines(part));
        }
      }
      return nodes;
    }
    if (!Files.exists(file)) {
      return nodes;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          nodes.add(JSON.readTree(line));
        }
      }
    }
    return nodes;
  }

  /** Rows as aligned columns, two spaces apart, indented; the last column is not padded. */
  static List<String> table(Collection<String[]> rows) {
    int columns = rows.stream().mapToInt(row -> row.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < row.length - 1; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      lines.add(line.toString());
    }
    return lines;
  }
}
