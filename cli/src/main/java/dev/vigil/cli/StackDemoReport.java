package dev.vigil.cli;

import static dev.vigil.cli.StackDemoScenario.INDICES;

import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.DetectSummary;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * What {@code vigil demo --stack} prints once its job has ended: the summary of the embedded demo
 * ({@link DemoReport}), then what reached OpenSearch and the pager, how to query it, how it is kept
 * apart from real runs and which files hold it. Only text: {@link StackDemo} gathers the figures.
 */
final class StackDemoReport {

  static final String APART_TITLE =
      "Kept apart from real runs (vigil run, report, the dashboards and retention read none of it)";

  /** Where the demo ran: the samples, the stack, and the output directory. */
  record Setting(Path samples, String bootstrapServers, URI openSearch, Path outDir) {}

  /** How many of the run's documents OpenSearch holds, by the run's own ids. */
  record Indexed(long eventIds, long events, long alerts, long deadLetters) {}

  /** What the run produced: the job's summary and files, the index counts, the pages. */
  record Outcome(
      DetectSummary summary,
      DemoReport.Outputs outputs,
      DemoReport.Findings findings,
      Indexed indexed,
      int incidents,
      int pagerEventsReceived) {}

  private final Function<Path, String> display;
  private final Path launcher;

  StackDemoReport(Function<Path, String> display, Path launcher) {
    this.display = display;
    this.launcher = launcher;
  }

  List<String> lines(Setting setting, Outcome outcome) {
    URI openSearch = setting.openSearch();
    Path outDir = setting.outDir();
    Path pagerEvents = outDir.resolve(StackDemoScenario.PAGER_FILE);
    DemoReport.Findings findings = outcome.findings();
    Indexed indexed = outcome.indexed();

    DemoReport report = new DemoReport(display, launcher);
    List<String> out =
        report.findings(
            "vigil demo --stack: the detection job (as vigil run builds it, on the embedded Flink)"
                + " over "
                + display.apply(setting.samples())
                + "/ through Kafka "
                + setting.bootstrapServers(),
            outcome.summary(),
            findings);
    out.add("");
    out.add("In OpenSearch at " + openSearch);
    out.addAll(
        DemoReport.table(
            List.of(
                row(
                    INDICES.eventsAlias(),
                    indexed.events()
                        + " of the run's "
                        + Plurals.count(indexed.eventIds(), "event")
                        + " (by event_id)"),
                row(
                    INDICES.alertsAlias(),
                    indexed.alerts()
                        + " of its "
                        + Plurals.count(findings.alerts().size(), "alert")
                        + " (by alert_id)"),
                row(
                    INDICES.deadLettersAlias(),
                    indexed.deadLetters()
                        + " of its "
                        + Plurals.count(findings.deadLetters().size(), "dead letter")
                        + " (by origin)"))));
    out.add("");
    out.add("Pager (a local PagerDuty Events API v2 receiver on loopback)");
    out.add(
        "  "
            + Plurals.count(outcome.incidents(), "incident")
            + " from "
            + Plurals.count(outcome.pagerEventsReceived(), "trigger event")
            + " (one incident per dedup_key = alert_id; grouping is off in"
            + " the demo, so every alert pages)");
    out.add("  payloads, routing key masked: " + display.apply(pagerEvents));

    String url = openSearch.toString().replaceAll("/+$", "");
    out.add("");
    out.add("Query them");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.alertsAlias()
            + "/_search?q=severity:critical&pretty'"
            + "   # the critical alerts");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.alertsAlias()
            + "/_search?size=100&pretty'"
            + "   # every alert, with the event_ids behind it");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.eventsAlias()
            + "/_search?q=denied:true&size=5&pretty'"
            + "   # refused requests, raw record included");
    out.add(
        "  curl -s '"
            + url
            + "/"
            + INDICES.eventsAlias()
            + "/_count?q=source:VAULT&pretty'"
            + "   # events of one source");
    out.add("  jq -r '.payload.summary' " + display.apply(pagerEvents) + "   # what on-call got");
    out.add("");
    out.add(APART_TITLE);
    out.add(
        "  Kafka topics "
            + StackDemoScenario.TOPIC_PREFIX
            + "audit.*, consumer group vigil-demo; OpenSearch indices "
            + IndexContract.DEMO_PREFIX
            + "*");
    out.add(
        "  delete them: curl -s -X DELETE '"
            + url
            + "/"
            + INDICES.eventsAlias()
            + "-*,"
            + INDICES.alertsAlias()
            + "-*,"
            + INDICES.deadLettersAlias()
            + "-*'; nothing reads the topics (docs/cli.md#vigil-demo---stack-the-same-samples"
            + "-through-kafka-opensearch-and-the-pager)");
    out.add("");
    out.add("Files");
    out.addAll(
        DemoReport.table(
            List.of(
                row(
                    display.apply(outDir.resolve(StackDemoScenario.CONFIG_FILE)),
                    "the vigil.yaml the job ran with (docs/configuration.md)"),
                row(
                    display.apply(outcome.outputs().alerts()) + "/, events/, dead-letters/",
                    "the job's part files, the summary above is read from them"),
                row(display.apply(pagerEvents), "what the pager received"))));
    return out;
  }

  private static String[] row(String... cells) {
    return cells;
  }
}
