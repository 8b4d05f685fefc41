package dev.vigil.detect.notify;

import dev.vigil.rules.Alert;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a destination is asked to deliver: the first alert of a group ({@link Kind#TRIGGER}), or a
 * later count for the same group ({@link Kind#GROUP_UPDATE}). Both carry the group's first alert,
 * whose {@code alert_id} is the PagerDuty {@code dedup_key}, so every message of a group lands on
 * one incident. An update's headline is the group's <em>latest</em> act with the count: the first
 * is already what the incident (or the first chat message) shows, so the update says what is new.
 *
 * @param alertCount alerts folded into the group so far, the first included
 * @param eventCount events behind those alerts, summed
 * @param lastTime event time of the group's latest alert
 * @param lastSummary summary of the group's latest alert (by event time; of the first for a
 *     trigger)
 */
record Notification(
    Kind kind, Alert alert, int alertCount, long eventCount, Instant lastTime, String lastSummary) {

  enum Kind {
    TRIGGER,
    GROUP_UPDATE
  }

  static Notification trigger(Alert alert) {
    return new Notification(
        Kind.TRIGGER, alert, 1, alert.eventCount(), alert.time(), alert.summary());
  }

  /**
   * {@code actor.id=alice, src.ip=192.0.2.1}: the group key as a person reads it, keys sorted, but
   * the actor's name first when the group holds it ({@code actor.name=Alice Smith,
   * actor.id=AIDA…}): on-call knows a person by name, not by an ARN, a UUID or a Vault accessor.
   */
  String groupText() {
    return groupText(alert.group());
  }

  static String groupText(Map<String, String> group) {
    return new TreeMap<>(group)
        .entrySet().stream()
            .sorted(Comparator.comparing(e -> !e.getKey().equals(ACTOR_NAME)))
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  private static final String ACTOR_NAME = "actor.name";

  /**
   * The latest alert's summary, with the group's count appended once more than one alert folded in.
   */
  String headline() {
    if (alertCount == 1) {
      return lastSummary;
    }
    return lastSummary + " (" + alertCount + " alerts for this group, " + eventCount + " events)";
  }
}
