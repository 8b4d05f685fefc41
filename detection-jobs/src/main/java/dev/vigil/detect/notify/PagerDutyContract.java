package dev.vigil.detect.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The PagerDuty Events API v2 contract for an enqueued event, field by field, as its reference
 * documents it: what a receiver standing in for PagerDuty checks on every request. One home for
 * both stand-ins, the tests' receiver and the one {@code vigil demo --stack} pages, so that the
 * demo refuses exactly what the tests prove Vigil never sends.
 */
public final class PagerDutyContract {

  private static final Set<String> TOP_LEVEL =
      Set.of(
          "routing_key",
          "event_action",
          "dedup_key",
          "payload",
          "images",
          "links",
          "client",
          "client_url");
  private static final Set<String> PAYLOAD =
      Set.of(
          "summary",
          "source",
          "severity",
          "timestamp",
          "component",
          "group",
          "class",
          "custom_details");
  private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
  private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

  private PagerDutyContract() {}

  /** Every violation of the contract; empty when the event is valid. */
  public static List<String> violations(JsonNode event) {
    List<String> out = new ArrayList<>();
    if (!event.isObject()) {
      out.add("event is not a JSON object");
      return out;
    }
    unknownFields(event, TOP_LEVEL, "", out);
    requiredString(event, "routing_key", Integer.MAX_VALUE, out);
    requiredString(event, "event_action", Integer.MAX_VALUE, out);
    if (event.path("event_action").isTextual()
        && !ACTIONS.contains(event.path("event_action").asText())) {
      out.add("event_action not one of " + ACTIONS);
    }
    boolean trigger = "trigger".equals(event.path("event_action").asText());
    if (trigger) {
      optionalString(event, "dedup_key", 255, out);
    } else {
      requiredString(event, "dedup_key", 255, out);
    }
    optionalString(event, "client", Integer.MAX_VALUE, out);
    optionalString(event, "client_url", Integer.MAX_VALUE, out);
    if (event.has("links")) {
      JsonNode links = event.get("links");
      if (!links.isArray()) {
        out.add("links is not an array");
      } else {
        for (JsonNode link : links) {
          unknownFields(link, Set.of("href", "text"), "links[].", out);
          requiredString(link, "href", Integer.MAX_VALUE, out);
          optionalString(link, "text", Integer.MAX_VALUE, out);
        }
      }
    }
    if (event.has("images") && !event.get("images").isArray()) {
      out.add("images is not an array");
    }
    JsonNode payload = event.get("payload");
    if (payload == null) {
      if (trigger) {
        out.add("payload is required for trigger");
      }
      return out;
    }
    if (!payload.isObject()) {
      out.add("payload is not an object");
      return out;
    }
    unknownFields(payload, PAYLOAD, "payload.", out);
    requiredString(payload, "summary", 1024, out);
    requiredString(payload, "source", Integer.MAX_VALUE, out);
    requiredString(payload, "severity", Integer.MAX_VALUE, out);
    if (payload.path("severity").isTextual()
        && !SEVERITIES.contains(payload.path("severity").asText())) {
      out.add("payload.severity not one of " + SEVERITIES);
    }
    if (payload.has("timestamp")) {
      try {
        OffsetDateTime.parse(payload.get("timestamp").asText());
      } catch (DateTimeParseException e) {
        out.add("payload.timestamp is not ISO 8601");
      }
    }
    optionalString(payload, "component", Integer.MAX_VALUE, out);
    optionalString(payload, "group", Integer.MAX_VALUE, out);
    optionalString(payload, "class", Integer.MAX_VALUE, out);
    if (payload.has("custom_details") && !payload.get("custom_details").isObject()) {
      out.add("payload.custom_details is not an object");
    }
    return out;
  }

  private static void unknownFields(
      JsonNode node, Set<String> known, String prefix, List<String> out) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        out.add("unknown field " + prefix + name);
      }
    }
  }

  private static void requiredString(JsonNode node, String field, int max, List<String> out) {
    if (!node.has(field)) {
      out.add(field + " is required");
      return;
    }
    lengthCheck(node, field, max, out);
  }

  private static void optionalString(JsonNode node, String field, int max, List<String> out) {
    if (node.has(field)) {
      lengthCheck(node, field, max, out);
    }
  }

  /** Every string the contract names, when given, is non-empty and at most {@code max} long. */
  private static void lengthCheck(JsonNode node, String field, int max, List<String> out) {
    JsonNode value = node.get(field);
    if (!value.isTextual()) {
      out.add(field + " is not a string");
      return;
    }
    int length = value.asText().length();
    if (length < 1 || length > max) {
      out.add(field + " length " + length + " outside [1, " + max + "]");
    }
  }
}
