package dev.vigil.dashboards.index;

import dev.vigil.event.AuditEvent;
import java.io.Serializable;
import java.util.List;

/**
 * One retention class of events: its index family ({@code events-<name>}) and the match entries
 * that put an event in it. The default class may have none.
 */
public record RetentionClass(
    String name, String description, IndexFamily family, List<EventMatcher> matchers)
    implements Serializable {

  public RetentionClass {
    matchers = List.copyOf(matchers);
  }

  public Retention retention() {
    return family.retention();
  }

  boolean matches(AuditEvent event) {
    for (EventMatcher matcher : matchers) {
      if (matcher.matches(event)) {
        return true;
      }
    }
    return false;
  }
}
