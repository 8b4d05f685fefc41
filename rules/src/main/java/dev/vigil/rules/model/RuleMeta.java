package dev.vigil.rules.model;

import java.time.Duration;
import java.util.List;

/**
 * What every rule document has, base rule or correlation: identity, authorship, and Vigil's alert
 * attributes.
 *
 * @param file the rule file, as the author named it
 * @param line the line where the document starts
 * @param id the rule's UUID
 * @param name the rule's unique name (Sigma 2), or null
 * @param version Vigil's {@code version} (default 1); part of the alert id
 * @param detectionClass Vigil's {@code detection_class}: the built-in detection this rule
 *     implements, or null for the rule's own name
 * @param notifyRoutes Vigil's {@code notify}: the routes alerts of this rule go to (empty:
 *     defaults)
 * @param awaitResponse Vigil's {@code await_response}: how long a match on a Vault request entry
 *     waits for the request's response entry before it alerts alone (a response judged in time
 *     cancels it), or null for a rule that alerts on every match at once
 * @param standsFor Vigil's {@code stands_for} (with {@code await_response} only): the ids or names
 *     of the single-event rules whose alert on the request's response this rule's unanswered alert
 *     stands for: a response judged after that alert (too late to end the wait) raises theirs no
 *     more, while other rules still alert on it; empty for none
 */
public record RuleMeta(
    String file,
    int line,
    String id,
    String name,
    String title,
    String status,
    String description,
    String author,
    String date,
    String modified,
    List<String> references,
    List<String> tags,
    List<String> falsepositives,
    Level level,
    int version,
    String detectionClass,
    List<String> notifyRoutes,
    Suppress suppress,
    Duration awaitResponse,
    List<String> standsFor) {

  /** The alert's {@code detection}: the built-in class, else the rule's name, else its id. */
  public String detection() {
    return detectionClass != null ? detectionClass : handle();
  }

  /** How messages name the rule: its name, else its id. */
  public String handle() {
    return name != null ? name : id;
  }
}
