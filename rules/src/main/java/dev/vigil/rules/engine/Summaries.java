package dev.vigil.rules.engine;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.rules.model.CorrelationRule;
import dev.vigil.rules.model.CorrelationType;
import dev.vigil.rules.model.Durations;
import dev.vigil.rules.model.RuleMeta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The alert's one-line summary: who did what, where, how many times (for a correlation, its group
 * led by the actor's name and the event that completed it, so the page names a person and an act
 * rather than only an id and a count). Built from canonical fields only (names, ids, the operation
 * and, for a failure, the source's error text; never request or response values), each shortened,
 * so no secret can reach a page or a chat message through it.
 */
final class Summaries {

  private static final int MAX_VALUE = 120;
  // A failure's reason is an aside to the act: a source's short message or its error code.
  private static final int MAX_REASON = 60;

  private Summaries() {}

  static String single(RuleMeta meta, AuditEvent event) {
    StringBuilder line = new StringBuilder(meta.title()).append(": ");
    appendAct(line, event);
    line.append(" (").append(event.getSource().name());
    if (event.getTarget().getAccount() != null) {
      // Vault's top namespace is called "root": said to be a namespace, so that it never reads as
      // a root token on a page about someone else's act.
      if (event.getSource() == Source.VAULT) {
        line.append(" namespace");
      }
      line.append(' ').append(shorten(event.getTarget().getAccount()));
    }
    return line.append(')').toString();
  }

  /**
   * Who did what on what, from where, and whether it failed: {@code alice was denied read on
   * secret/x from 10.0.0.1}, {@code root (root) failed ConsoleLogin (Failed authentication) on
   * signin.amazonaws.com from 192.0.2.0}. An outcome not known yet (a Vault request entry) reads as
   * a success would: the act was attempted.
   */
  private static void appendAct(StringBuilder line, AuditEvent event) {
    String actor =
        event.getActor().getName() != null ? event.getActor().getName() : event.getActor().getId();
    line.append(actor == null ? "an unknown actor" : shortenIdentifier(actor));
    if (event.getActor().getRoot()) {
      line.append(" (root)");
    }
    // A refusal is always a failure too; its wording says why already.
    boolean failed = !event.getDenied() && event.getOutcome() == Outcome.FAILURE;
    line.append(event.getDenied() ? " was denied " : failed ? " failed " : " ");
    // Inline test events and a few parsers' edge cases have no operation; the verb still reads.
    String operation = event.getOperation();
    line.append(shorten(operation == null || operation.isEmpty() ? event.getAction() : operation));
    String reason = failed ? failureReason(event) : null;
    if (reason != null) {
      line.append(" (").append(reason).append(')');
    }
    if (event.getTarget().getResource() != null) {
      line.append(" on ").append(shortenIdentifier(event.getTarget().getResource()));
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
      List<VigilEvent> window) {
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
                  .map(e -> groupValue(e.getKey(), e.getValue(), group, window))
                  .collect(Collectors.joining(", ")));
    }
    line.append(" within ")
        .append(Durations.format(rule.timespan()))
        .append(" (")
        .append(Instant.ofEpochMilli(start))
        .append(" to ")
        .append(Instant.ofEpochMilli(end))
        .append("); last: ");
    appendAct(line, window.get(window.size() - 1).event());
    return line.toString();
  }

  /**
   * One group-by value as the page says it: {@code src.ip=192.0.2.1}, and an actor id led by the
   * actor's name, {@code token-ci-runner (actor.id=9a1d…)}, so that the page names a person rather
   * than an ARN, a UUID or a Vault accessor. Without a name, or when the group names the actor
   * already, the id alone.
   */
  private static String groupValue(
      String field, String value, Map<String, String> group, List<VigilEvent> window) {
    String pair = field + "=" + shortenIdentifier(value);
    if (!field.equals("actor.id") || group.containsKey("actor.name")) {
      return pair;
    }
    String name = actorName(value, window);
    return name == null ? pair : shortenIdentifier(name) + " (" + pair + ")";
  }

  /**
   * The name of the actor whose id is {@code actorId}, from the window (sorted by event time): the
   * name on its latest event that carries one, and of several such events at that time the name
   * that sorts first, so that the order in which they arrived does not change the alert. Null when
   * no event names the actor, or the name only repeats the id ({@code alice}, a GCP principal).
   */
  private static String actorName(String actorId, List<VigilEvent> window) {
    String name = null;
    long nameTime = 0;
    for (int i = window.size() - 1; i >= 0; i--) {
      VigilEvent event = window.get(i);
      if (name != null && event.getTime() < nameTime) {
        break;
      }
      // A group-by name may be an alias of another field in some rule: only this actor's events.
      AuditEvent audit = event.event();
      String candidate = audit.getActor().getName();
      if (candidate != null
          && !candidate.isBlank()
          && actorId.equals(audit.getActor().getId())
          && (name == null || candidate.compareTo(name) < 0)) {
        name = candidate;
        nameTime = event.getTime();
      }
    }
    return name == null || name.equals(actorId) ? null : name;
  }

  /**
   * Why an act failed, in a few words: the source's error message when it is short ({@code Failed
   * authentication}, {@code Cannot exceed quota for AccessKeysPerUser: 2}), else its error code
   * ({@code EntityTemporarilyUnmodifiableException}), else the message shortened; null when the
   * event gives neither.
   */
  private static String failureReason(AuditEvent event) {
    String message = blankToNull(event.getErrorMessage());
    String code = blankToNull(event.getErrorCode());
    if (message != null && (message.length() <= MAX_REASON || code == null)) {
      return shorten(message, MAX_REASON);
    }
    return code == null ? null : shorten(code, MAX_REASON);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String shorten(String value) {
    return shorten(value, MAX_VALUE);
  }

  /**
   * An identifier (a resource id, an ARN, a path, a role session) cut in its middle: its end names
   * the thing itself (the diagnostic setting, the session, the secret) and its start the scope,
   * where cutting the end kept an Azure scope and lost which setting was deleted.
   */
  private static String shortenIdentifier(String value) {
    return value == null ? "?" : OneLine.cutMiddle(value, MAX_VALUE);
  }

  private static String shorten(String value, int max) {
    return value == null ? "?" : OneLine.cutEnd(value, max);
  }
}
