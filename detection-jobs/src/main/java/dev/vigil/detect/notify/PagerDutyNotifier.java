package dev.vigil.detect.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.rules.Alert;
import dev.vigil.rules.model.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * PagerDuty Events API v2: one {@code trigger} event per notification, {@code dedup_key} = the
 * group's first {@code alert_id}. A group update is a second {@code trigger} with the same key,
 * which PagerDuty appends to the open incident's alert log as another trigger entry rather than
 * opening another incident: the incident keeps the first act as its title, the entry says the
 * latest act and the count; a replay of the same alerts produces the same key, hence still one
 * incident.
 *
 * <p>The payload carries only what the alert document already holds (summary, group, counts, rule
 * identity, capped event ids, link) and the firing rule's own guidance from the job's pack
 * (description, known false positives, references; bounded by {@link RuleGuidance}): never a raw
 * record, never a credential.
 */
final class PagerDutyNotifier implements Notifier {

  /** The Events API's limit on {@code payload.summary}. */
  static final int MAX_SUMMARY_CHARS = 1024;

  /** The Events API's limit on {@code dedup_key}. */
  static final int MAX_DEDUP_KEY_CHARS = 255;

  /** Event ids listed in {@code custom_details}; the alert link leads to all of them. */
  static final int MAX_EVENT_IDS = 20;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI url;
  private final Secret routingKey;
  private final String source;
  private final UnaryOperator<String> alertUrl;
  private final Function<String, RuleGuidance> ruleGuidance;
  private final Duration timeout;

  /**
   * @param source {@code payload.source}; null uses the alert's sources
   * @param alertUrl the link to an alert given its id, or null when none is configured
   * @param ruleGuidance a rule id's guidance, or null when the rule has none
   */
  PagerDutyNotifier(
      URI url,
      Secret routingKey,
      String source,
      UnaryOperator<String> alertUrl,
      Function<String, RuleGuidance> ruleGuidance,
      Duration timeout) {
    this.url = url;
    this.routingKey = routingKey;
    this.source = source;
    this.alertUrl = alertUrl;
    this.ruleGuidance = ruleGuidance;
    this.timeout = timeout;
  }

  static String severity(Level level) {
    return switch (level) {
      case CRITICAL -> "critical";
      case HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFORMATIONAL -> "info";
    };
  }

  @Override
  public byte[] body(Notification notification) {
    Alert alert = notification.alert();
    String link = alertUrl.apply(alert.alertId());
    ObjectNode event = MAPPER.createObjectNode();
    event.put("routing_key", routingKey.reveal());
    event.put("event_action", "trigger");
    event.put("dedup_key", dedupKey(alert.alertId()));

    ObjectNode payload = event.putObject("payload");
    payload.put("summary", truncate(notification.headline(), MAX_SUMMARY_CHARS));
    payload.put(
        "source",
        source != null
            ? source
            : alert.sources().isEmpty()
                ? "vigil"
                : String.join(",", alert.sources()).toLowerCase(Locale.ROOT));
    payload.put("severity", severity(Routing.level(alert)));
    payload.put("timestamp", notification.lastTime().toString());
    payload.put("component", alert.ruleName() != null ? alert.ruleName() : alert.ruleId());
    // The API takes no empty strings; a single-event rule's alert has no group.
    String groupText = notification.groupText();
    if (!groupText.isEmpty()) {
      payload.put("group", groupText);
    }
    payload.put("class", alert.detection());

    ObjectNode details = payload.putObject("custom_details");
    details.put("summary", alert.summary());
    details.put("detection", alert.detection());
    details.put("severity", alert.severity());
    ObjectNode group = details.putObject("group");
    alert.group().forEach(group::put);
    details.put("alert_count", notification.alertCount());
    details.put("event_count", notification.eventCount());
    details.put("first_alert_time", alert.time().toString());
    details.put("last_alert_time", notification.lastTime().toString());
    details.put("window_start", alert.windowStart().toString());
    details.put("window_end", alert.windowEnd().toString());
    ArrayNode sources = details.putArray("sources");
    alert.sources().forEach(sources::add);
    details.put("rule_id", alert.ruleId());
    details.put("rule_title", alert.ruleTitle());
    details.put("rule_version", alert.ruleVersion());
    if (alert.ruleAuthor() != null) {
      details.put("rule_author", alert.ruleAuthor());
    }
    RuleGuidance guidance = ruleGuidance.apply(alert.ruleId());
    if (guidance != null) {
      if (guidance.description() != null) {
        details.put("rule_description", guidance.description());
      }
      putNonEmpty(details, "rule_falsepositives", guidance.falsePositives());
      putNonEmpty(details, "rule_references", guidance.references());
    }
    details.put("alert_id", alert.alertId());
    ArrayNode eventIds = details.putArray("event_ids");
    alert.eventIds().stream().limit(MAX_EVENT_IDS).forEach(eventIds::add);
    ArrayNode tags = details.putArray("tags");
    alert.tags().forEach(tags::add);
    if (link != null) {
      details.put("alert_url", link);
    }

    event.put("client", "Vigil");
    if (link != null) {
      event.put("client_url", link);
      ArrayNode links = event.putArray("links");
      links.addObject().put("href", link).put("text", "Vigil alert " + alert.alertId());
    }
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      // A tree of strings and numbers always serializes.
      throw new IllegalStateException(e);
    }
  }

  private static void putNonEmpty(ObjectNode details, String field, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode array = details.putArray(field);
      values.forEach(array::add);
    }
  }

  @Override
  public HttpRequest request(Notification notification, byte[] body, Instant now) {
    return Notifier.jsonPost(url, body, timeout).build();
  }

  /**
   * Vigil's alert ids are SHA-256 hex (64 characters). Should one exceed PagerDuty's limit, its own
   * SHA-256 stands in: still a pure function of the alert id, so a replay keeps its incident.
   */
  static String dedupKey(String alertId) {
    return alertId.length() <= MAX_DEDUP_KEY_CHARS ? alertId : EventIds.ofRaw(alertId);
  }

  /** At most {@code max} characters, ending in an ellipsis when cut, never halving a pair. */
  static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }

  @Override
  public String toString() {
    return "PagerDuty[" + url + ", routing key " + routingKey + "]";
  }
}
