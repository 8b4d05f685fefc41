package dev.vigil.dashboards.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;

/** Canonical events for tests, built from the JSON form with only the fields a test cares about. */
final class Events {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Events() {}

  /**
   * An event with defaults for the required fields, then {@code fields} as "path=value" pairs
   * ({@code "actor.root=true"}).
   */
  static AuditEvent event(String time, String... fields) {
    ObjectNode node = JSON.createObjectNode();
    node.put("event_id", "test-" + time);
    node.put("time", time);
    node.put("source", "VAULT");
    node.put("category", "OTHER");
    node.put("ocsf_class_uid", 6003);
    node.put("action", "read");
    node.put("operation", "read");
    node.put("outcome", "SUCCESS");
    node.put("denied", false);
    node.putObject("actor").put("type", "UNKNOWN");
    node.putObject("src");
    node.putObject("target");
    node.put("raw", "{}");
    node.put("origin", "test:1");
    for (String field : fields) {
      int eq = field.indexOf('=');
      String path = field.substring(0, eq);
      String value = field.substring(eq + 1);
      ObjectNode parent = node;
      String[] names = path.split("\\.");
      for (int i = 0; i < names.length - 1; i++) {
        parent = (ObjectNode) parent.get(names[i]);
      }
      String leaf = names[names.length - 1];
      if (value.equals("true") || value.equals("false")) {
        parent.put(leaf, Boolean.parseBoolean(value));
      } else {
        parent.put(leaf, value);
      }
    }
    return EventJson.readEvent(node);
  }
}
