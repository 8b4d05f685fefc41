package dev.vigil.rules.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.ingest.spi.NearNames;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Canonical events written inline in rule tests: the JSON form of {@link EventJson} where only what
 * the rule looks at needs writing. Missing fields get neutral defaults: {@code event_id} {@code
 * test-<serial>}, {@code time} {@code 2024-01-01T00:00:00Z} plus the entry's position in seconds,
 * {@code category} {@code OTHER}, {@code outcome} and {@code actor.type} {@code UNKNOWN}, {@code
 * action} {@code other}, {@code operation} empty, {@code denied} false, {@code ocsf_class_uid}
 * 6003, {@code raw} {@code {}}, {@code origin} the rule file and line. {@code raw} may be written
 * as a YAML map: it becomes its JSON text, so rules reading raw fields can be tested inline.
 */
public final class InlineEvents {

  /** The default time of the first event of a test. */
  public static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  private InlineEvents() {}

  /**
   * Builds the event; {@code serial} numbers it within the test, {@code entry} is the position of
   * its entry in the test's list, {@code copy} is the repeat index ({@code {i}} in string values
   * becomes it) and {@code offsetMillis} is added to its time.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static AuditEvent build(
      JsonNode inline, int serial, int entry, int copy, long offsetMillis, String origin) {
    if (!inline.isObject()) {
      throw new IllegalArgumentException("an inline event must be a map of canonical fields");
    }
    checkFields(inline, AuditEvent.getClassSchema(), "");
    ObjectNode event = (ObjectNode) substitute(inline.deepCopy(), copy);
    putIfMissing(event, "event_id", "test-" + serial);
    putIfMissing(event, "time", EPOCH.plusSeconds(entry).toString());
    putIfMissing(event, "action", "other");
    putIfMissing(event, "operation", "");
    putIfMissing(event, "origin", origin);
    putIfMissing(event, "category", "OTHER");
    putIfMissing(event, "outcome", "UNKNOWN");
    if (!event.hasNonNull("denied")) {
      event.put("denied", false);
    }
    if (!event.hasNonNull("ocsf_class_uid")) {
      event.put("ocsf_class_uid", 6003);
    }
    JsonNode raw = event.get("raw");
    if (raw == null || raw.isNull()) {
      event.put("raw", "{}");
    } else if (raw.isContainerNode()) {
      event.put("raw", raw.toString());
    }
    if (!event.has("actor")) {
      event.putObject("actor");
    }
    if (event.get("actor").isObject()) {
      putIfMissing((ObjectNode) event.get("actor"), "type", "UNKNOWN");
    }
    if (!event.has("src")) {
      event.putObject("src");
    }
    if (!event.has("target")) {
      event.putObject("target");
    }
    AuditEvent built = EventJson.readEvent(event);
    if (offsetMillis != 0) {
      built.setTime(built.getTime().plusMillis(offsetMillis));
    }
    return built;
  }

  /** A misspelled field would not be set, and the test would pass or fail for the wrong reason. */
  private static void checkFields(JsonNode node, Schema schema, String path) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Schema.Field field = schema.getField(entry.getKey());
      if (field == null) {
        List<String> names = schema.getFields().stream().map(f -> path + f.name()).toList();
        throw new IllegalArgumentException(
            "an inline event has no field '"
                + path
                + entry.getKey()
                + "' (fields: "
                + names
                + ")"
                + NearNames.suggestion(path + entry.getKey(), names));
      }
      Schema record = recordOf(field.schema());
      if (record != null && entry.getValue().isObject()) {
        checkFields(entry.getValue(), record, path + entry.getKey() + ".");
      }
    }
  }

  private static Schema recordOf(Schema schema) {
    if (schema.getType() == Schema.Type.RECORD) {
      return schema;
    }
    if (schema.getType() == Schema.Type.UNION) {
      return schema.getTypes().stream()
          .filter(branch -> branch.getType() == Schema.Type.RECORD)
          .findFirst()
          .orElse(null);
    }
    return null;
  }

  private static void putIfMissing(ObjectNode event, String field, String value) {
    if (!event.hasNonNull(field)) {
      event.put(field, value);
    }
  }

  /**
   * Replaces {@code {i}} in every string value of a (copied) tree with the repeat index; raw test
   * records use it too, so that repeated records get their own ids, paths and names.
   */
  static JsonNode substitute(JsonNode node, int copy) {
    if (node.isTextual()) {
      return node.asText().contains("{i}")
          ? TextNode.valueOf(node.asText().replace("{i}", Integer.toString(copy)))
          : node;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        entry.setValue(substitute(entry.getValue(), copy));
      }
      return object;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) node)
            .set(i, substitute(node.get(i), copy));
      }
    }
    return node;
  }
}
