package dev.vigil.detect.job;

import dev.vigil.event.AuditEvent;

/**
 * An event on its way to the subtask that owns its group in one route: {@code key} names the route
 * and the group (see {@link dev.vigil.detect.route.Routes}). A Flink POJO.
 */
public class RoutedEvent {

  public String key;
  public AuditEvent event;
  public long ingestedAt;

  public RoutedEvent() {}

  public RoutedEvent(String key, AuditEvent event, long ingestedAt) {
    this.key = key;
    this.event = event;
    this.ingestedAt = ingestedAt;
  }

  public String getKey() {
    return key;
  }
}
