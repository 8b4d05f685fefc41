package dev.vigil.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON form of an alert: the field names of DESIGN.md, times as ISO-8601 UTC. */
public final class AlertJson {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  public static String toJson(Alert alert) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("alert_id", alert.alertId());
      json.writeStringField("rule_id", alert.ruleId());
      json.writeStringField("rule_name", alert.ruleName());
      json.writeStringField("rule_title", alert.ruleTitle());
      json.writeNumberField("rule_version", alert.ruleVersion());
      json.writeStringField("rule_author", alert.ruleAuthor());
      json.writeStringField("detection", alert.detection());
      json.writeStringField("severity", alert.severity());
      json.writeStringField("time", alert.time().toString());
      json.writeStringField("window_start", alert.windowStart().toString());
      json.writeStringField("window_end", alert.windowEnd().toString());
      json.writeObjectFieldStart("group");
      for (Map.Entry<String, String> entry : alert.group().entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
      writeStrings(json, "sources", alert.sources());
      writeStrings(json, "event_ids", alert.eventIds());
      json.writeNumberField("event_count", alert.eventCount());
      json.writeStringField("summary", alert.summary());
      writeStrings(json, "tags", alert.tags());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Reads an alert back from its JSON form. */
  public static Alert read(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      Map<String, String> group = new LinkedHashMap<>();
      node.path("group")
          .fields()
          .forEachRemaining(e -> group.put(e.getKey(), e.getValue().asText()));
      return new Alert(
          node.path("alert_id").asText(),
          node.path("rule_id").asText(),
          node.path("rule_name").isNull() ? null : node.path("rule_name").asText(),
          node.path("rule_title").asText(),
          node.path("rule_version").asInt(),
          node.path("rule_author").isNull() ? null : node.path("rule_author").asText(),
          node.path("detection").asText(),
          node.path("severity").asText(),
          Instant.parse(node.path("time").asText()),
          Instant.parse(node.path("window_start").asText()),
          Instant.parse(node.path("window_end").asText()),
          group,
          strings(node.path("sources")),
          strings(node.path("event_ids")),
          node.path("event_count").asLong(),
          node.path("summary").asText(),
          strings(node.path("tags")));
    } catch (IOException e) {
      throw new IllegalArgumentException("not an alert in JSON form: malformed JSON", e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return List.copyOf(out);
  }

  private static void writeStrings(JsonGenerator json, String name, List<String> values)
      throws IOException {
    json.writeArrayFieldStart(name);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }
}
