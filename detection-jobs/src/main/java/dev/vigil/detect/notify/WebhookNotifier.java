package dev.vigil.detect.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.rules.AlertJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A generic JSON webhook. The body is an envelope around the alert document exactly as {@link
 * AlertJson} writes it (the same document as the alerts topic and index):
 *
 * <pre>{@code
 * {"type": "alert" | "alert_group_update",
 *  "alert": { ...the group's first alert... },
 *  "grouping": {"alert_count": 10, "event_count": 130, "last_alert_time": "...",
 *               "last_alert_summary": "...the latest alert's summary..."},
 *  "rule": {"description": "...", "falsepositives": ["..."], "references": ["..."]},
 *  "alert_url": "..."}            // when notify.alert_url is configured
 * }</pre>
 *
 * <p>The alert stays the contract's document, unchanged; the firing rule's guidance ({@link
 * RuleGuidance}) goes beside it in {@code rule}, for a receiver that opens a ticket for a person
 * (the same triage help a page gives), only with what the rule has.
 *
 * <p>Every attempt is signed ({@link WebhookSignature}) with the time it is sent; {@code
 * X-Vigil-Alert-Id} lets a receiver make its handling idempotent.
 */
final class WebhookNotifier implements Notifier {

  private static final JsonFactory JSON = new JsonFactory();

  private final URI url;
  private final Secret hmacKey;
  private final UnaryOperator<String> alertUrl;
  private final Function<String, RuleGuidance> ruleGuidance;
  private final Duration timeout;

  /**
   * @param ruleGuidance a rule id's guidance, or null when the rule has none
   */
  WebhookNotifier(
      URI url,
      Secret hmacKey,
      UnaryOperator<String> alertUrl,
      Function<String, RuleGuidance> ruleGuidance,
      Duration timeout) {
    this.url = url;
    this.hmacKey = hmacKey;
    this.alertUrl = alertUrl;
    this.ruleGuidance = ruleGuidance;
    this.timeout = timeout;
  }

  static String type(Notification notification) {
    return notification.kind() == Notification.Kind.TRIGGER ? "alert" : "alert_group_update";
  }

  @Override
  public byte[] body(Notification notification) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("type", type(notification));
      json.writeFieldName("alert");
      json.writeRawValue(AlertJson.toJson(notification.alert()));
      json.writeObjectFieldStart("grouping");
      json.writeNumberField("alert_count", notification.alertCount());
      json.writeNumberField("event_count", notification.eventCount());
      json.writeStringField("last_alert_time", notification.lastTime().toString());
      json.writeStringField("last_alert_summary", notification.lastSummary());
      json.writeEndObject();
      RuleGuidance guidance = ruleGuidance.apply(notification.alert().ruleId());
      if (guidance != null) {
        json.writeObjectFieldStart("rule");
        if (guidance.description() != null) {
          json.writeStringField("description", guidance.description());
        }
        writeNonEmpty(json, "falsepositives", guidance.falsePositives());
        writeNonEmpty(json, "references", guidance.references());
        json.writeEndObject();
      }
      String link = alertUrl.apply(notification.alert().alertId());
      if (link != null) {
        json.writeStringField("alert_url", link);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeNonEmpty(JsonGenerator json, String field, List<String> values)
      throws IOException {
    if (!values.isEmpty()) {
      json.writeArrayFieldStart(field);
      for (String value : values) {
        json.writeString(value);
      }
      json.writeEndArray();
    }
  }

  @Override
  public HttpRequest request(Notification notification, byte[] body, Instant now) {
    long epochSeconds = now.getEpochSecond();
    return Notifier.jsonPost(url, body, timeout)
        .header("X-Vigil-Event", type(notification))
        .header("X-Vigil-Alert-Id", notification.alert().alertId())
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(epochSeconds))
        .header(
            WebhookSignature.SIGNATURE_HEADER,
            WebhookSignature.sign(
                hmacKey.reveal().getBytes(StandardCharsets.UTF_8), epochSeconds, body))
        .build();
  }

  @Override
  public String toString() {
    return "Webhook[" + url + ", key " + hmacKey + "]";
  }
}
