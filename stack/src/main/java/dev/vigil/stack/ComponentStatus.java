package dev.vigil.stack;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One component as {@link LocalStack} last saw it.
 *
 * @param component which one
 * @param running whether its recorded process runs
 * @param pid the recorded process, when running
 * @param endpoints what it serves, by name ({@code bootstrap.servers} and {@code controller} for
 *     Kafka, {@code url} and {@code transport} for OpenSearch); empty when not running
 * @param logDir where its logs are
 * @param change what the last call did or found, e.g. "started", "already running", "stopped";
 *     {@code status} finds "running", "not started" (no data yet), "stopped; its data is kept in
 *     DIR for the next up" or "stale PID file: process gone"
 */
public record ComponentStatus(
    Component component,
    boolean running,
    OptionalLong pid,
    Map<String, String> endpoints,
    Path logDir,
    String change) {

  public ComponentStatus {
    endpoints = Map.copyOf(endpoints);
  }

  /** One line for a terminal. */
  public String describe() {
    StringBuilder line = new StringBuilder(String.format("%-11s", component.displayName()));
    if (running) {
      line.append("running  pid ").append(pid.getAsLong());
      new java.util.TreeMap<>(endpoints)
          .forEach((name, value) -> line.append("  ").append(name).append(' ').append(value));
    } else {
      // Not "stopped": the change says whether it was stopped or never started.
      line.append("not running");
    }
    line.append("  (").append(change).append(")");
    return line.toString();
  }
}
