package dev.vigil.rules.engine;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.model.CorrelationRule;
import dev.vigil.rules.model.CorrelationType;
import dev.vigil.rules.model.Durations;
import dev.vigil.rules.model.RuleMeta;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The alert's one-line summary: who did what, where, how many times (for a correlation, also the
 * event that completed it, so the page names a person and an act rather than only a count). Built
 * from canonical fields only (which never hold request or response values), each shortened, so no
 * secret can reach a page or a chat message through it.
 */
final class Summaries {

  private static final int MAX_VALUE = 120;

  private Summaries() {}

  static String single(RuleMeta meta, AuditEvent event) {
    StringBuilder line = new StringBuilder(meta.title()).append(": ");
    appendAct(line, event);
    line.append(" (").append(event.getSource().name());
    if (event.getTarget().getAccount() != null) {
      line.append(' ').append(shorten(event.getTarget().getAccount()));
    }
    return line.append(')').toString();
  }

  /** Who did what on what, from where: {@code alice was denied read on secret/x from 10.0.0.1}. */
  private static void appendAct(StringBuilder line, AuditEvent event) {
    String actor =
        event.getActor().getName() != null ? event.getActor().getName() : event.getActor().getId();
    line.append(actor == null ? "an unknown actor" : shorten(actor));
    if (event.getActor().getRoot()) {
      line.append(" (root)");
    }
    line.append(event.getDenied() ? " was denied " : " ");
    // Inline test events and a few parsers' edge cases have no operation; the verb still reads.
    String operation = event.getOperation();
    line.append(shorten(operation == null || operation.isEmpty() ? event.getAction() : operation));
    if (event.getTarget().getResource() != null) {
      line.append(" on ").append(shorten(event.getTarget().getResource()));
    }
    if (event.getSrc().getIp() != null) {
      line.append(" from ").append(event.getSrc().getIp());
    }
  }

  static String correlation(
      CorrelationRule rule,
      Map<String, String> group,
      long events,
      long counted,
      long start,
      long end,
      AuditEvent last) {
    StringBuilder line = new StringBuilder(rule.meta().title()).append(": ");
    if (rule.type() == CorrelationType.VALUE_COUNT) {
      line.append(counted)
          .append(" distinct ")
          .append(rule.conditionField())
          .append(" in ")
          .append(events)
          .append(" events");
    } else if (rule.type() == CorrelationType.EVENT_COUNT) {
      line.append(events).append(events == 1 ? " event" : " events");
    } else {
      line.append(rule.rules().size())
          .append(" related detections (")
          .append(String.join(", ", rule.rules()))
          .append(')');
    }
    if (!group.isEmpty()) {
      line.append(" by ")
          .append(
              group.entrySet().stream()
                  .map(e -> e.getKey() + "=" + shorten(e.getValue()))
                  .collect(Collectors.joining(", ")));
    }
    line.append(" within ")
        .append(Durations.format(rule.timespan()))
        .append(" (")
        .append(Instant.ofEpochMilli(start))
        .append(" to ")
        .append(Instant.ofEpochMilli(end))
        .append("); last: ");
    appendAct(line, last);
    return line.toString();
  }

  private static String shorten(String value) {
    if (value == null) {
      return "?";
    }
    String flat = value.replace('\n', ' ').replace('\r', ' ');
    return flat.length() <= MAX_VALUE ? flat : flat.substring(0, MAX_VALUE - 1) + "…";
  }
}
