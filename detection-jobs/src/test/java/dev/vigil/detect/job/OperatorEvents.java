package dev.vigil.detect.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.AuditEvent;
import dev.vigil.rules.testing.InlineEvents;
import java.time.Instant;

/** The events the detection operator's harness tests feed, at seconds after one instant. */
final class OperatorEvents {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

  private static int serial;

  private OperatorEvents() {}

  /** Epoch milliseconds {@code seconds} after the tests' instant (a watermark or record time). */
  static long at(int seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  /** A denied CloudTrail call by {@code actor}. */
  static AuditEvent denied(String actor, int second) {
    ObjectNode event = JSON.createObjectNode();
    event.put("source", "AWS_CLOUDTRAIL");
    event.put("denied", true);
    event.put("time", T0.plusSeconds(second).toString());
    event.putObject("actor").put("id", actor);
    return InlineEvents.build(event, serial++, 0, 0, 0, "test");
  }

  /** A Vault request by a root token of {@code actor}. */
  static AuditEvent root(String actor, int second) {
    ObjectNode event = JSON.createObjectNode();
    event.put("source", "VAULT");
    event.put("time", T0.plusSeconds(second).toString());
    event.putObject("actor").put("id", actor).put("root", true);
    return InlineEvents.build(event, serial++, 0, 0, 0, "test");
  }

  /**
   * The {@code entry} ("request" or "response") Vault writes for request {@code requestId} of a
   * root token, {@code millis} after the tests' instant.
   */
  static AuditEvent rootEntry(String requestId, String entry, long millis) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", requestId + ":" + entry);
    event.put("source", "VAULT");
    event.put("time", T0.plusMillis(millis).toString());
    event.putObject("actor").put("id", "root-token").put("root", true);
    return InlineEvents.build(event, serial++, 0, 0, 0, "test");
  }
}
