package dev.vigil.detect.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.rules.Alert;
import dev.vigil.rules.model.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Slack incoming webhook: a short Block Kit message (severity and rule title as header, the act,
 * then who/what/where as fields, the rule's guidance as small print, and the link), with {@code
 * text} as the notification fallback. Summaries start with the rule title; the header already shows
 * it, so the section and the fallback name it once. Alert values and the rule's guidance are
 * escaped for Slack's mrkdwn, so an actor named {@code <!channel>} cannot ping a channel or forge a
 * link; only a reference that is a plain http(s) URL becomes a link. The webhook URL is the
 * credential and is never logged.
 */
final class SlackNotifier implements Notifier {

  /** Block Kit limits: header text 150, section text 3000, field text 2000 characters. */
  static final int MAX_HEADER = 150;

  static final int MAX_SECTION = 3000;
  static final int MAX_FIELD = 2000;

  /**
   * A reference shown as a link: an http(s) URL without white space or the characters that would
   * end Slack's {@code <url>} markup early.
   */
  private static final Pattern LINK = Pattern.compile("https?://[^\\s<>|]+");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Secret webhookUrl;
  private final URI uri;
  private final UnaryOperator<String> alertUrl;
  private final Function<String, RuleGuidance> ruleGuidance;
  private final Duration timeout;

  /**
   * @param ruleGuidance a rule id's guidance, or null when the rule has none
   */
  SlackNotifier(
      Secret webhookUrl,
      URI uri,
      UnaryOperator<String> alertUrl,
      Function<String, RuleGuidance> ruleGuidance,
      Duration timeout) {
    this.webhookUrl = webhookUrl;
    this.uri = uri;
    this.alertUrl = alertUrl;
    this.ruleGuidance = ruleGuidance;
    this.timeout = timeout;
  }

  @Override
  public byte[] body(Notification notification) {
    Alert alert = notification.alert();
    Level level = Routing.level(alert);
    String severity = level.label().toUpperCase(Locale.ROOT);
    String link = alertUrl.apply(alert.alertId());

    ObjectNode message = MAPPER.createObjectNode();
    String act = escape(act(notification));
    message.put(
        "text",
        PagerDutyNotifier.truncate(
            "[" + severity + "] " + escape(alert.ruleTitle()) + ": " + act, MAX_SECTION));
    ArrayNode blocks = message.putArray("blocks");

    ObjectNode header = blocks.addObject().put("type", "header");
    header
        .putObject("text")
        .put("type", "plain_text")
        .put("text", PagerDutyNotifier.truncate(severity + " · " + alert.ruleTitle(), MAX_HEADER));

    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", PagerDutyNotifier.truncate(act, MAX_SECTION));

    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    field(fields, "Severity", level.label());
    field(fields, "Detection", alert.detection());
    field(
        fields, "Who / what", notification.groupText().isEmpty() ? "-" : notification.groupText());
    field(fields, "Where", alert.sources().isEmpty() ? "-" : String.join(", ", alert.sources()));
    field(
        fields,
        "Count",
        notification.alertCount() == 1
            ? events(notification.eventCount())
            : notification.alertCount() + " alerts, " + events(notification.eventCount()));
    field(fields, "When", alert.windowStart() + " – " + notification.lastTime());

    RuleGuidance guidance = ruleGuidance.apply(alert.ruleId());
    if (guidance != null) {
      if (guidance.description() != null) {
        context(blocks, escape(guidance.description()));
      }
      if (!guidance.falsePositives().isEmpty()) {
        context(
            blocks,
            "*Known false positives:* "
                + guidance.falsePositives().stream()
                    .map(SlackNotifier::escape)
                    .collect(Collectors.joining("; ")));
      }
      if (!guidance.references().isEmpty()) {
        context(blocks, references(guidance));
      }
    }

    // The rule's name is what `vigil rules explain` and the rule files use; its id is a UUID.
    String rule = alert.ruleName() != null ? alert.ruleName() : alert.ruleId();
    String context = "Rule " + escape(rule) + " · alert " + escape(alert.alertId());
    if (link != null) {
      context += " · <" + link + "|Open alert>";
    }
    context(blocks, context);
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The headline without the rule title it starts with (a custom summary may not). */
  static String act(Notification notification) {
    String headline = notification.headline();
    String title = notification.alert().ruleTitle() + ": ";
    return headline.startsWith(title) ? headline.substring(title.length()) : headline;
  }

  /** A block of small print: one mrkdwn element. */
  private static void context(ArrayNode blocks, String mrkdwn) {
    blocks
        .addObject()
        .put("type", "context")
        .putArray("elements")
        .addObject()
        .put("type", "mrkdwn")
        .put("text", PagerDutyNotifier.truncate(mrkdwn, MAX_FIELD));
  }

  /**
   * {@code *References:* <url> · text}: whole entries only, as many as fit in one element, so that
   * no link is cut in its markup (the bounds of {@link RuleGuidance} let all of them fit unless
   * escaping lengthens a text one).
   */
  static String references(RuleGuidance guidance) {
    StringBuilder line = new StringBuilder("*References:*");
    String separator = " ";
    for (String reference : guidance.references()) {
      String shown = LINK.matcher(reference).matches() ? "<" + reference + ">" : escape(reference);
      if (line.length() + separator.length() + shown.length() > MAX_FIELD) {
        break;
      }
      line.append(separator).append(shown);
      separator = " · ";
    }
    return line.toString();
  }

  private static void field(ArrayNode fields, String title, String value) {
    fields
        .addObject()
        .put("type", "mrkdwn")
        .put("text", PagerDutyNotifier.truncate("*" + title + "*\n" + escape(value), MAX_FIELD));
  }

  /** Slack's three control characters in mrkdwn: {@code &}, {@code <}, {@code >}. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public HttpRequest request(Notification notification, byte[] body, Instant now) {
    return Notifier.jsonPost(uri, body, timeout).build();
  }

  @Override
  public String toString() {
    return "Slack[webhook " + webhookUrl + "]";
  }

  private static String events(long count) {
    return count + (count == 1 ? " event" : " events");
  }
}
