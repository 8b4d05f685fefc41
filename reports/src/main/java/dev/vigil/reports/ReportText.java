package dev.vigil.reports;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The words and cell texts the readable forms of a report share ({@code report.pdf} and {@code
 * report.html}), so the two say the same thing in the same way; only the layout differs.
 */
public final class ReportText {

  /**
   * Every time a report shows, in its files and on stderr: UTC to the second, {@code
   * 2026-11-24T11:06:40Z}, so a time in a note and in a warning can be compared by eye.
   */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** A time as the report shows it ({@link #TIME}). */
  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  static final String ABOUT =
      "Audit activity of HashiCorp Vault, AWS CloudTrail, Azure Monitor and GCP Cloud Audit Logs"
          + " as normalized and analysed by Vigil: the alerts of the period as evidence for each"
          + " compliance control, logging coverage, and the completeness of the input.";

  static final String INTEGRITY =
      "manifest.json lists the SHA-256 of this file and of the report's other files; check"
          + " them with 'vigil report verify'. The report carries no generation time: the same"
          + " input and period give the same bytes.";

  /**
   * What an event is in every count of the report: an audit entry, not a request. Vault writes two
   * entries for one request while the detections count the request once, so without this a reader
   * would take a Vault figure for requests, and the refused ones for twice as many attempts.
   */
  static final String EVENTS_COUNTED =
      "Events are the audit entries the sources wrote, each counted once however often it was"
          + " delivered. Vault writes two entries for every request, the request and its response,"
          + " so a Vault request counts as two events here, refused ones included (the detections"
          + " count it once); the other sources write one entry per operation.";

  static final String CONTENTS =
      "1 Controls and their evidence   2 Alerts   3 Privileged activity by actor   4 Logging"
          + " coverage   5 Completeness";

  static final String CONTROLS_HEADING = "1 Controls and their evidence";
  static final String CONTROLS_ABOUT =
      "Each control with the alerts of the period that are evidence for it (from the rules'"
          + " compliance tags). A control with no alerts was monitored and nothing fired, over"
          + " the sources that logged in the period (4 Logging coverage).";

  /**
   * Instead of {@link #CONTROLS_ABOUT} when no event was logged: with nothing to watch, a control
   * without alerts is no evidence that nothing happened, and must not read as such.
   */
  static final String CONTROLS_ABOUT_NO_EVENTS =
      "Each control with the alerts of the period that are evidence for it (from the rules'"
          + " compliance tags). No event was logged in the period, so nothing was monitored: a"
          + " control with no alerts is no evidence that nothing happened.";

  static String controlsAbout(ComplianceReport report) {
    return report.totals().events() == 0 ? CONTROLS_ABOUT_NO_EVENTS : CONTROLS_ABOUT;
  }

  static final String ALERTS_HEADING = "2 Alerts";
  static final String ALERTS_ABOUT =
      "Every alert of the period, by time (UTC). alerts.csv holds the same rows for sampling,"
          + " with the ids of the events behind each alert (event_ids, also in report.json; at"
          + " most "
          + AlertEntry.EVENT_IDS_AT_MOST
          + " an alert, and a Vault request is two entries there and one under events);"
          + " an alert's id finds it in the alerts index.";
  static final String NO_ALERTS = "No alerts in the period.";

  /** What leads an alert's id on its own line under the alert in the PDF. */
  static final String ALERT_ID_LABEL = "alert id ";

  static final String PRIVILEGED_HEADING = "3 Privileged activity by actor";

  /** What the privileged activity table counts, and what it leaves to the alerts. */
  static final String PRIVILEGED_ABOUT =
      "Who used privileged access in the period, counted from the events, not the alerts: root"
          + " use (every event of a platform's most privileged identity, actor.root: a Vault root"
          + " token, the AWS account root user, an Azure elevateAccess caller, a GCP super-admin"
          + " named in Vigil's configuration, whatever came of it), and the policy changes"
          + " (POLICY_CHANGE) and audit configuration changes (AUDIT_CONFIG) that succeeded. One"
          + " row per actor, audit source and account (Vault namespace, AWS account, Azure"
          + " subscription, GCP project); the actor is shown by name, or by id when the events"
          + " name none. An event that is of two kinds (a root token writing a policy) counts in"
          + " both columns and once under events. A Vault request counts once here: its request"
          + " entry is left out and its response entry, which holds the outcome, counts, as on the"
          + " dashboards; a request whose response entry is not in the input at all (the node"
          + " died, the entry was dropped) counts by its request entry, which"
          + " privileged-events.csv marks \""
          + PrivilegedEvent.RESPONSE_NOT_SEEN
          + "\". Elsewhere in this report events are audit entries. Actors with root use"
          + " come first and are all listed; the others follow by events, most first, then by"
          + " actor, up to "
          + ComplianceReport.PrivilegedActivity.ACTORS_SHOWN
          + " rows in all. Break-glass use is not counted here: which identities are break-glass"
          + " is a list in the rule pack, which the report does not read; the break_glass_use"
          + " alerts (2 Alerts) show it.";

  /**
   * Why the report names no rule pack: the gap stays visible (report.json, manifest.json, the
   * cover) rather than be filled with a guess such as the pack of the host that makes the report.
   */
  static final String RULE_PACK_UNKNOWN =
      "The alerts name the rule and rule version that fired each of them, listed here; they do not"
          + " record the rule pack those rules were loaded with nor its fingerprint, and neither"
          + " does the rest of the input, so this report cannot name the pack. Compare the rule ids"
          + " and versions with the pack's rule files.";

  /** The cover's line on the rules behind the alerts. */
  static String rules(ComplianceReport report) {
    List<ComplianceReport.RuleFired> fired = report.rulesFired();
    String rules =
        fired.isEmpty()
            ? "No rule fired in the period."
            : fired.size()
                + (fired.size() == 1 ? " rule" : " rules")
                + " fired (id and version of each in report.json and manifest.json).";
    return rules + " The rule pack is not known: the alerts do not record it.";
  }

  static final String NO_PRIVILEGED_ACTIVITY = "No privileged activity in the period.";

  /**
   * The line under section 3 that names the evidence file and, when it was cut, how many events it
   * leaves out and which it kept; null when the period has no privileged event.
   */
  static String privilegedEventsListed(ComplianceReport.PrivilegedActivity activity) {
    if (activity.eventsInAll() == 0) {
      return null;
    }
    if (activity.eventsNotListed() == 0) {
      return "privileged-events.csv lists these "
          + activity.eventsInAll()
          + (activity.eventsInAll() == 1 ? " privileged event" : " privileged events")
          + " one by one (id, time, source, actor, category, operation, target, outcome and why"
          + " each is privileged), to sample from.";
    }
    return privilegedEventsCut(activity);
  }

  /** The note that privileged-events.csv was cut; null when it lists every privileged event. */
  public static String privilegedEventsCut(ComplianceReport.PrivilegedActivity activity) {
    if (activity.eventsNotListed() <= 0) {
      return null;
    }
    return "privileged-events.csv lists "
        + activity.events().size()
        + " of the period's "
        + activity.eventsInAll()
        + " privileged events, at most "
        + PrivilegedEvent.AT_MOST
        + ": every root use first, then the earliest others; "
        + activity.eventsNotListed()
        + " are not listed there, and are counted in section 3 and found in the events index.";
  }

  /** The line under a capped table; null when every actor is listed. */
  static String moreActors(ComplianceReport.PrivilegedActivity activity) {
    if (activity.moreActors() == 0) {
      return null;
    }
    return "And "
        + activity.moreActors()
        + (activity.moreActors() == 1 ? " more actor" : " more actors")
        + " with "
        + activity.moreActorsEvents()
        + (activity.moreActorsEvents() == 1 ? " privileged event" : " privileged events")
        + " in all, not listed (none with root use: every actor with root use is listed).";
  }

  static final String COVERAGE_HEADING = "4 Logging coverage";
  static final String COVERAGE_ABOUT =
      "Events logged in the period by source and by category. AUDIT_CONFIG (audit devices,"
          + " trails, diagnostic settings) and POLICY_CHANGE (policies, roles, assignments) are"
          + " the changes to who may do what and to what is logged. "
          + EVENTS_COUNTED;
  static final String DAILY_ABOUT =
      "Each day of the period for every source that logged in it; a day marked 'none' had no"
          + " events of that source: a quiet day, or logging that stopped.";
  static final String NO_EVENTS = "No events in the period.";

  static final String COMPLETENESS_HEADING = "5 Completeness";
  static final String NO_DEAD_LETTERS = "No dead letters received in the period.";

  static final String NOTES_HEADING = "Notes";
  static final String NO_DATA =
      "No data was found for this period: the input holds no alerts and no events in it, and no"
          + " record that could not be read was received during it.";

  private ReportText() {}

  static String title(ComplianceReport report) {
    return "Compliance report " + report.period().label();
  }

  /** The cover's totals, as rows of a label and a count. */
  static List<List<String>> totals(ComplianceReport report) {
    ComplianceReport.Totals totals = report.totals();
    return List.of(
        List.of("Alerts", Long.toString(totals.alerts())),
        List.of(
            "Alerts not mapped to a compliance control",
            Long.toString(report.alertsWithoutControl())),
        List.of("Events logged", Long.toString(totals.events())),
        List.of("Events refused (denied access)", Long.toString(totals.deniedEvents())),
        List.of(
            "Records that could not be read (dead letters), received in the period",
            Long.toString(totals.deadLetters())),
        List.of(
            "Records that could not be read, received outside the period",
            Long.toString(report.deadLettersOutsidePeriod())));
  }

  /**
   * What a reader must know before trusting the numbers: that the period holds no data at all, that
   * it had not ended when the report was made, that its completeness cannot be judged from receipt
   * times, and that privileged-events.csv does not list every privileged event. Empty when none
   * applies.
   */
  static List<String> notes(ComplianceReport report) {
    List<String> notes = new ArrayList<>();
    if (report.noData()) {
      notes.add(NO_DATA);
    }
    if (report.madeBeforePeriodEnded()) {
      notes.add(madeBeforePeriodEnded(report));
    }
    if (report.endedBeforeFirstReceipt()) {
      notes.add(receiptsAfterPeriod(report));
    }
    String cut = privilegedEventsCut(report.privilegedActivity());
    if (cut != null) {
      notes.add(cut);
    }
    return notes;
  }

  static String madeBeforePeriodEnded(ComplianceReport report) {
    return "This report was made before its period ended: it counts what had been logged and read"
        + " by then, not the whole period. A report made after "
        + TIME.format(report.period().to())
        + " covers all of it.";
  }

  static String receiptsAfterPeriod(ComplianceReport report) {
    return "This period ended before Vigil received the input's first record that could not be"
        + " read (on "
        + TIME.format(report.firstDeadLetterReceivedAt())
        + "). Such records are counted by when they were received, so any of this period's"
        + " records that could not be read would be among the "
        + report.deadLettersOutsidePeriod()
        + " received outside it: the completeness of this period cannot be judged from receipt"
        + " times.";
  }

  static String period(ReportPeriod period) {
    return period.from() + " up to, not including, " + period.to();
  }

  static String completeness(ComplianceReport report) {
    return "Every record Vigil reads ends as an event or as a dead letter that keeps its raw bytes,"
        + " the reason and where it came from: nothing is dropped. Events in the period: "
        + report.totals().events()
        + ". Records that could not be read (dead letters) have no event time, so they are counted"
        + " by when Vigil received them: "
        + report.totals().deadLetters()
        + " in this period; "
        + report.deadLettersOutsidePeriod()
        + " received outside it. A dead letter delivered twice (the same reason, origin and raw"
        + " bytes: a replay, a file read twice) counts once, by its later receipt; the same bytes"
        + " from two origins (two audit devices) are two records that could not be read, and"
        + " count as two."
        + (InputDescription.OPENSEARCH.equals(report.input().kind()) ? DEAD_LETTERS_BY_MONTH : "");
  }

  /**
   * Why, from OpenSearch, a dead letter delivered twice can count twice: the index keeps one
   * document per dead letter only within one monthly index, which receipt time chooses, so a replay
   * in a later month adds a document where the file reader would count the record once.
   */
  static final String DEAD_LETTERS_BY_MONTH =
      " Read from OpenSearch, this holds within a month: dead letters are filed in monthly indices"
          + " by when they were received, so one delivered again in a later month is a second"
          + " document there and counts in each month it was received, twice in a period that"
          + " covers both.";

  private static String frameworkName(ComplianceReport.ControlEvidence control) {
    return control.frameworkName().isEmpty() ? "(unnamed)" : control.frameworkName();
  }

  private static String controlId(ComplianceReport.ControlEvidence control) {
    return control.controlId().toUpperCase(Locale.ROOT);
  }

  private static String controlTitle(ComplianceReport.ControlEvidence control) {
    return control.title().isEmpty() ? control.tag() : control.title();
  }

  /** The summary, led by the rule's title unless the summary already starts with it. */
  private static String withTitle(AlertEntry alert) {
    return alert.summary().startsWith(alert.ruleTitle())
        ? alert.summary()
        : alert.ruleTitle() + ": " + alert.summary();
  }

  private static String dayCount(long count) {
    return count == 0 ? "none" : Long.toString(count);
  }

  private static String sourceGuess(DeadLetterCount count) {
    return count.sourceGuess() == null ? "(unknown)" : count.sourceGuess();
  }

  // Rows of the report's tables, shared by the PDF and the HTML page so that both show the same.

  /** Framework, control, title, alerts, alerts by severity. */
  static List<List<String>> controlRows(ComplianceReport report) {
    return report.controls().stream()
        .map(
            control ->
                List.of(
                    frameworkName(control),
                    controlId(control),
                    controlTitle(control),
                    Long.toString(control.alerts()),
                    severities(control.bySeverity())))
        .toList();
  }

  /** Detection, alerts, alerts by severity. */
  static List<List<String>> detectionRows(ComplianceReport report) {
    return report.alertsByDetection().stream()
        .map(d -> List.of(d.detection(), Long.toString(d.alerts()), severities(d.bySeverity())))
        .toList();
  }

  /** Time, severity, detection, rule title and summary, events, alert id. */
  static List<List<String>> alertRows(ComplianceReport report) {
    return report.alerts().stream()
        .map(
            alert ->
                List.of(
                    TIME.format(alert.time()),
                    alert.severity(),
                    alert.detection(),
                    withTitle(alert),
                    Long.toString(alert.eventCount()),
                    alert.alertId()))
        .toList();
  }

  /**
   * Actor, type, source, account, events, root use, policy changes, audit configuration changes,
   * and the first and last time (one cell, a time a line in the PDF).
   */
  static List<List<String>> privilegedRows(ComplianceReport report) {
    return report.privilegedActivity().actors().stream()
        .map(
            row ->
                List.of(
                    row.actor(),
                    orNone(row.actorType()),
                    row.source(),
                    orNone(row.account()),
                    Long.toString(row.events()),
                    Long.toString(row.rootUse()),
                    Long.toString(row.policyChanges()),
                    Long.toString(row.auditConfigChanges()),
                    TIME.format(row.first()) + " " + TIME.format(row.last())))
        .toList();
  }

  private static String orNone(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }

  /** Source, category, events, denied. */
  static List<List<String>> sourceCategoryRows(ComplianceReport.Coverage coverage) {
    return coverage.bySourceAndCategory().stream()
        .map(
            c ->
                List.of(
                    c.source(), c.category(), Long.toString(c.events()), Long.toString(c.denied())))
        .toList();
  }

  /** The sources of the daily table's columns, in its order; empty when there were no events. */
  static List<String> dailySources(ComplianceReport.Coverage coverage) {
    return coverage.daily().isEmpty()
        ? List.of()
        : List.copyOf(coverage.daily().get(0).bySource().keySet());
  }

  /** The day, then its count for each of {@code sources}. */
  static List<List<String>> dailyRows(ComplianceReport.Coverage coverage, List<String> sources) {
    List<List<String>> rows = new ArrayList<>();
    for (ComplianceReport.DayCount day : coverage.daily()) {
      List<String> row = new ArrayList<>();
      row.add(day.day().toString());
      sources.forEach(source -> row.add(dayCount(day.bySource().get(source))));
      rows.add(row);
    }
    return rows;
  }

  /** Reason, likely source, records. */
  static List<List<String>> deadLetterRows(ComplianceReport report) {
    return report.deadLetters().stream()
        .map(d -> List.of(d.reason(), sourceGuess(d), Long.toString(d.count())))
        .toList();
  }

  /** A count per name, as rows of the name and the count. */
  static List<List<String>> counts(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> List.of(e.getKey(), Long.toString(e.getValue())))
        .toList();
  }

  private static String severities(Map<String, Long> bySeverity) {
    String text =
        bySeverity.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    return text.isEmpty() ? "-" : text;
  }
}
