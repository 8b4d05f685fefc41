package dev.vigil.reports;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code report.json}: the report's whole content, machine-readable, in a fixed field order with
 * {@code \n} line ends (not the platform's), so equal reports are equal bytes.
 */
public final class ReportJson {

  /** The format of report.json; a change of shape gets a new number. */
  public static final String FORMAT = "vigil-report/6";

  /**
   * Which entry of a Vault request section 3 counts: its response, or its request entry when the
   * response is not in the input.
   */
  static final String VAULT_ENTRIES_COUNTED = "response_else_request";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportJson() {}

  public static byte[] write(ComplianceReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("vigil_version", report.vigilVersion());
    root.set("period", period(report.period()));
    root.set("input", input(report.input()));
    root.set("rules", rules(report));
    root.put("data_found", !report.noData());
    ReportText.notes(report).forEach(root.putArray("notes")::add);

    ComplianceReport.Totals totals = report.totals();
    ObjectNode totalsNode = root.putObject("totals");
    totalsNode.put("alerts", totals.alerts());
    totalsNode.put("events", totals.events());
    totalsNode.put("denied_events", totals.deniedEvents());
    totalsNode.put("dead_letters", totals.deadLetters());
    totalsNode.put("dead_letters_received_outside_period", report.deadLettersOutsidePeriod());
    totalsNode.put("alerts_without_control", report.alertsWithoutControl());

    ArrayNode controls = root.putArray("controls");
    for (ComplianceReport.ControlEvidence control : report.controls()) {
      ObjectNode node = controls.addObject();
      node.put("tag", control.tag());
      node.put("framework", control.framework());
      node.put("framework_name", control.frameworkName());
      node.put("control", control.controlId());
      node.put("title", control.title());
      node.put("alerts", control.alerts());
      node.set("by_severity", counts(control.bySeverity()));
      control.alertIds().forEach(node.putArray("alert_ids")::add);
    }

    root.set("alerts_by_severity", counts(report.alertsBySeverity()));
    ArrayNode detections = root.putArray("alerts_by_detection");
    for (ComplianceReport.DetectionCount detection : report.alertsByDetection()) {
      ObjectNode node = detections.addObject();
      node.put("detection", detection.detection());
      node.put("alerts", detection.alerts());
      node.set("by_severity", counts(detection.bySeverity()));
    }

    root.put("alert_event_ids_at_most", AlertEntry.EVENT_IDS_AT_MOST);
    ArrayNode alerts = root.putArray("alerts");
    for (AlertEntry alert : report.alerts()) {
      ObjectNode node = alerts.addObject();
      node.put("alert_id", alert.alertId());
      node.put("time", ReportText.time(alert.time()));
      node.put("severity", alert.severity());
      node.put("detection", alert.detection());
      node.put("rule_id", alert.ruleId());
      node.put("rule_title", alert.ruleTitle());
      node.put("rule_version", alert.ruleVersion());
      node.put("summary", alert.summary());
      node.put("event_count", alert.eventCount());
      alert.eventIds().forEach(node.putArray("event_ids")::add);
      node.put("event_ids_may_be_cut", alert.eventIdsMayBeCut());
      alert.sources().forEach(node.putArray("sources")::add);
      alert.controls().forEach(node.putArray("controls")::add);
    }

    ComplianceReport.PrivilegedActivity privileged = report.privilegedActivity();
    ObjectNode privilegedNode = root.putObject("privileged_activity");
    privilegedNode.put("about", ReportText.PRIVILEGED_ABOUT);
    privilegedNode.put("vault_entries_counted", VAULT_ENTRIES_COUNTED);
    privilegedNode.put("actors_shown_at_most", ComplianceReport.PrivilegedActivity.ACTORS_SHOWN);
    ArrayNode actors = privilegedNode.putArray("actors");
    for (PrivilegedActorCount row : privileged.actors()) {
      ObjectNode node = actors.addObject();
      node.put("actor", row.actor());
      node.put("actor_id", row.actorId());
      ArrayNode names = node.putArray("actor_names");
      row.actorNames().forEach(names::add);
      node.put("actor_type", row.actorType());
      node.put("source", row.source());
      node.put("account", row.account());
      node.put("events", row.events());
      node.put("root_use", row.rootUse());
      node.put("policy_changes", row.policyChanges());
      node.put("audit_config_changes", row.auditConfigChanges());
      node.put("first", ReportText.time(row.first()));
      node.put("last", ReportText.time(row.last()));
    }
    privilegedNode.put("more_actors", privileged.moreActors());
    privilegedNode.put("more_actors_events", privileged.moreActorsEvents());
    ObjectNode eventsFile = privilegedNode.putObject("events_file");
    eventsFile.put("file", ReportFiles.PRIVILEGED_EVENTS_CSV);
    eventsFile.put("events_listed_at_most", PrivilegedEvent.AT_MOST);
    eventsFile.put("events", privileged.eventsInAll());
    eventsFile.put("events_listed", privileged.events().size());
    eventsFile.put("events_not_listed", privileged.eventsNotListed());
    eventsFile.put("note", ReportText.privilegedEventsListed(privileged));

    ComplianceReport.Coverage coverage = report.coverage();
    ObjectNode coverageNode = root.putObject("coverage");
    coverageNode.set("events_by_source", counts(coverage.bySource()));
    coverageNode.set("events_by_category", counts(coverage.byCategory()));
    ArrayNode pairs = coverageNode.putArray("events_by_source_and_category");
    for (ComplianceReport.SourceCategoryCount pair : coverage.bySourceAndCategory()) {
      pairs
          .addObject()
          .put("source", pair.source())
          .put("category", pair.category())
          .put("events", pair.events())
          .put("denied", pair.denied());
    }
    ArrayNode daily = coverageNode.putArray("events_by_day");
    for (ComplianceReport.DayCount day : coverage.daily()) {
      ObjectNode node = daily.addObject();
      node.put("day", day.day().toString());
      node.set("by_source", counts(day.bySource()));
    }

    ObjectNode completeness = root.putObject("completeness");
    completeness.put("dead_letters_counted_by", "received_at");
    completeness.put("dead_letters", totals.deadLetters());
    completeness.put("dead_letters_received_outside_period", report.deadLettersOutsidePeriod());
    completeness.put(
        "first_dead_letter_received_at",
        report.firstDeadLetterReceivedAt() == null
            ? null
            : ReportText.time(report.firstDeadLetterReceivedAt()));
    ArrayNode deadLetters = completeness.putArray("dead_letters_by_reason");
    for (DeadLetterCount count : report.deadLetters()) {
      deadLetters
          .addObject()
          .put("reason", count.reason())
          .put("source_guess", count.sourceGuess())
          .put("count", count.count());
    }
    return bytes(root);
  }

  static ObjectNode period(ReportPeriod period) {
    ObjectNode node = JSON.createObjectNode();
    node.put("label", period.label());
    node.put("from", ReportText.time(period.from()));
    node.put("to", ReportText.time(period.to()));
    return node;
  }

  /**
   * The rules the alerts came from ({@link ComplianceReport#rulesFired}) and the rule pack, which
   * is {@code null} with the reason: the report does not know it, and says so rather than guess.
   */
  static ObjectNode rules(ComplianceReport report) {
    ObjectNode node = JSON.createObjectNode();
    node.putNull("rule_pack");
    node.put("rule_pack_unknown_because", ReportText.RULE_PACK_UNKNOWN);
    ArrayNode fired = node.putArray("fired");
    for (ComplianceReport.RuleFired rule : report.rulesFired()) {
      fired
          .addObject()
          .put("rule_id", rule.ruleId())
          .put("rule_version", rule.ruleVersion())
          .put("alerts", rule.alerts());
    }
    return node;
  }

  static ObjectNode input(InputDescription input) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", input.kind());
    if (input.kind().equals(InputDescription.FILES)) {
      ArrayNode files = node.putArray("files");
      input.files().forEach(file -> files.add(digest(file)));
    } else {
      input.urls().forEach(node.putArray("urls")::add);
      ObjectNode aliases = node.putObject("aliases");
      input.aliases().forEach(aliases::put);
    }
    return node;
  }

  static ObjectNode digest(FileDigest file) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", file.name());
    node.put("sha256", file.sha256());
    node.put("size", file.size());
    return node;
  }

  private static ObjectNode counts(Map<String, Long> counts) {
    ObjectNode node = JSON.createObjectNode();
    counts.forEach(node::put);
    return node;
  }

  /** Pretty-printed with {@code \n} line ends whatever the platform, and a final line end. */
  static byte[] bytes(ObjectNode root) {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      String text =
          JSON.writer(printer)
              .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
              .writeValueAsString(root);
      return (text + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
