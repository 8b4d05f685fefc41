package dev.vigil.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One alert, as DESIGN.md "The alert" defines it; {@link AlertJson} writes it with exactly those
 * field names.
 *
 * @param alertId deterministic: SHA-256 of rule id, rule version, group key and the window (for a
 *     correlation) or the triggering request (for a single-event rule)
 * @param detection the built-in detection class, or the rule's own name
 * @param severity the rule's level
 * @param time event time of the firing
 * @param group group-by fields (or {@code suppress.by} fields) and their values
 * @param sources the sources of the events behind it
 * @param eventIds the events behind it, in time order, at most {@link #MAX_EVENT_IDS}
 * @param eventCount how many events (distinct requests) are behind it, exactly
 * @param summary one line a person can act on; canonical fields only, never a secret value
 */
public record Alert(
    String alertId,
    String ruleId,
    String ruleName,
    String ruleTitle,
    int ruleVersion,
    String ruleAuthor,
    String detection,
    String severity,
    Instant time,
    Instant windowStart,
    Instant windowEnd,
    Map<String, String> group,
    List<String> sources,
    List<String> eventIds,
    long eventCount,
    String summary,
    List<String> tags) {

  /** The most event ids an alert lists; {@code event_count} stays exact beyond it. */
  public static final int MAX_EVENT_IDS = 100;
}
