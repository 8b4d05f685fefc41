package dev.vigil.reports;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an alert (DESIGN.md, "The alert") a report shows. Alerts carry no raw record; the
 * summary is written by the rule engine to be safe to show (never a secret value). The group values
 * are left out of the report (they are in the alerts index for analysts); the event ids are kept,
 * so an auditor can sample the events behind an alert without access to the index.
 *
 * @param eventIds the ids of the events behind it as the alert lists them, in time order: at most
 *     {@link #EVENT_IDS_AT_MOST}, and audit entries (a Vault request has two) where {@code
 *     eventCount} counts requests
 * @param eventCount how many events (distinct requests) are behind it, exactly
 */
public record AlertEntry(
    String alertId,
    Instant time,
    String severity,
    String detection,
    String ruleId,
    String ruleTitle,
    int ruleVersion,
    String summary,
    long eventCount,
    List<String> eventIds,
    List<String> sources,
    List<String> tags) {

  /** The prefix of the tags that name a compliance control ({@code compliance.soc2.cc7.2}). */
  public static final String COMPLIANCE_PREFIX = "compliance.";

  /**
   * The most event ids an alert lists (the rule engine's {@code Alert.MAX_EVENT_IDS}, which the
   * report reads through the index contract, not the rules module).
   */
  public static final int EVENT_IDS_AT_MOST = 100;

  public AlertEntry {
    eventIds = List.copyOf(eventIds);
    sources = List.copyOf(sources);
    tags = List.copyOf(tags);
  }

  /**
   * Reads the JSON form of an alert (the same in {@code vigil detect}'s output and the alerts
   * index).
   *
   * @throws IllegalArgumentException naming the field that is missing or invalid
   */
  public static AlertEntry fromJson(JsonNode alert) {
    return new AlertEntry(
        required(alert, "alert_id"),
        time(alert),
        required(alert, "severity"),
        required(alert, "detection"),
        alert.path("rule_id").asText(""),
        alert.path("rule_title").asText(""),
        alert.path("rule_version").asInt(0),
        alert.path("summary").asText(""),
        alert.path("event_count").asLong(0),
        strings(alert.path("event_ids")),
        strings(alert.path("sources")),
        strings(alert.path("tags")));
  }

  /** The compliance controls this alert is evidence for, as tags ({@code compliance.…}). */
  public List<String> controls() {
    return tags.stream()
        .filter(tag -> tag.startsWith(COMPLIANCE_PREFIX))
        .sorted()
        .distinct()
        .toList();
  }

  /**
   * Whether the listed ids may not be all the events behind the alert: fewer ids than {@code
   * event_count}, or as many as an alert lists at most (the alert does not say otherwise whether it
   * was cut; a Vault request is two entries and one count, so more ids than the count is whole).
   */
  public boolean eventIdsMayBeCut() {
    return eventIds.size() < eventCount || eventIds.size() >= EVENT_IDS_AT_MOST;
  }

  private static Instant time(JsonNode alert) {
    String text = required(alert, "time");
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("alert field 'time' is not an ISO-8601 instant");
    }
  }

  private static String required(JsonNode alert, String field) {
    JsonNode value = alert.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new IllegalArgumentException("alert has no '" + field + "'");
    }
    return value.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
