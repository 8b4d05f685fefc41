package dev.vigil.detect.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.rules.model.Level;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code notify:} section of vigil.yaml: where alerts go and how they are delivered. Read from
 * a Jackson tree or a plain map ({@link #fromTree}, {@link #fromMap}) so the vigil.yaml loader only
 * hands over its {@code notify} node. Secrets are held as references ({@link SecretRef}), resolved
 * when the {@link AlertDispatcher} starts. docs/notify.md is the reference for every key.
 *
 * @param alertUrlTemplate where a person opens the alert, with {@code {alert_id}} in it; null for
 *     no link
 * @param grouping how a storm of alerts for one group key becomes one page
 * @param replayMemory how many recently delivered alert ids are remembered so that a replay in the
 *     same process sends nothing again
 * @param destinations by name, in configuration order
 */
public record NotifyConfig(
    String alertUrlTemplate,
    Grouping grouping,
    int replayMemory,
    Map<String, Destination> destinations)
    implements Serializable {

  public static final URI PAGERDUTY_EVENTS_URL =
      URI.create("https://events.pagerduty.com/v2/enqueue");
  static final String ALERT_ID = "alert_id";
  static final String ALERT_ID_PLACEHOLDER = "{" + ALERT_ID + "}";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  /**
   * {@code /vigil-alerts/_doc/}, {@code /vigil-alerts-*\/_doc/}, {@code
   * /vigil-alerts-2024.05/_doc/}.
   */
  private static final Pattern ALERTS_DOC_READ =
      Pattern.compile("/" + Pattern.quote(IndexContract.ALERTS_ALIAS) + "[^/]*/_doc(/|$)");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public enum DestinationType {
    PAGERDUTY,
    WEBHOOK,
    SLACK;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param enabled false sends every alert on its own
   * @param window alerts of one (rule id, group) whose event times lie within this span of the
   *     group's first alert fold into its page
   * @param maxOpenGroups the most groups held at once; beyond it the oldest is closed early
   */
  public record Grouping(boolean enabled, Duration window, int maxOpenGroups)
      implements Serializable {}

  /**
   * Which alerts a destination receives: it is a candidate when {@code defaultRoute} is true or the
   * alert's rule names it in {@code notify}; a candidate receives the alert when the severity is at
   * least {@code minSeverity} and the detection passes {@code include} (empty: all) and {@code
   * exclude}.
   */
  public record Route(
      Level minSeverity, Set<String> include, Set<String> exclude, boolean defaultRoute)
      implements Serializable {}

  /**
   * @param queueCapacity notifications waiting for this destination, at most
   * @param enqueueTimeout how long a submit waits for room in a full queue before dropping
   * @param perMinute sustained sends per minute
   * @param burst sends allowed back to back
   */
  public record Delivery(
      int queueCapacity, Duration enqueueTimeout, int perMinute, int burst, RetryPolicy retry)
      implements Serializable {}

  /**
   * @param url the endpoint; for Slack null, since the webhook URL is itself the {@code secret}
   * @param secret the routing key (PagerDuty), HMAC key (webhook) or webhook URL (Slack)
   * @param source PagerDuty's {@code payload.source}; null: the alert's sources
   */
  public record Destination(
      String name,
      DestinationType type,
      URI url,
      SecretRef secret,
      String source,
      Route route,
      Delivery delivery)
      implements Serializable {}

  public static NotifyConfig fromMap(Map<String, ?> notifySection) {
    return fromTree(MAPPER.valueToTree(notifySection));
  }

  /** Reads and validates the section; errors name the key by its full path from {@code notify}. */
  public static NotifyConfig fromTree(JsonNode notifySection) {
    ConfigNode root = new ConfigNode(notifySection, "notify");
    String alertUrl = root.text("alert_url", null);
    if (alertUrl != null) {
      checkAlertUrl(alertUrl, root.key("alert_url"));
    }
    Grouping grouping = new Grouping(true, Duration.ofMinutes(5), 10_000);
    ConfigNode groupingNode = root.child("grouping");
    if (groupingNode != null) {
      grouping =
          new Grouping(
              groupingNode.bool("enabled", true),
              groupingNode.duration("window", grouping.window()),
              groupingNode.integer("max_open_groups", grouping.maxOpenGroups(), 1, 10_000_000));
      groupingNode.rejectUnknown();
    }
    int replayMemory = root.integer("replay_memory", 100_000, 0, 10_000_000);
    Map<String, Destination> destinations = new LinkedHashMap<>();
    ConfigNode destinationsNode = root.child("destinations");
    if (destinationsNode != null) {
      for (Iterator<String> names = destinationsNode.names(); names.hasNext(); ) {
        String name = names.next();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
          throw new NotifyConfigException(
              destinationsNode.key(name),
              "destination names use letters, digits, '_', '.', '-' and start with a letter or"
                  + " digit");
        }
        destinations.put(name, destination(name, destinationsNode.child(name)));
      }
    }
    root.rejectUnknown();
    return new NotifyConfig(
        alertUrl, grouping, replayMemory, Collections.unmodifiableMap(destinations));
  }

  private static Destination destination(String name, ConfigNode node) {
    String typeText = node.text("type", null);
    if (typeText == null) {
      throw new NotifyConfigException(node.key("type"), "is required (" + typeLabels() + ")");
    }
    DestinationType type =
        Arrays.stream(DestinationType.values())
            .filter(t -> t.label().equals(typeText.toLowerCase(Locale.ROOT)))
            .findFirst()
            .orElseThrow(
                () ->
                    new NotifyConfigException(
                        node.key("type"),
                        "must be one of " + typeLabels() + ", got '" + typeText + "'"));
    URI url;
    SecretRef secret;
    switch (type) {
      case PAGERDUTY -> {
        url = httpUri(node.text("url", PAGERDUTY_EVENTS_URL.toString()), node.key("url"));
        secret = secretRef(node, "routing_key");
      }
      case WEBHOOK -> {
        String text = node.text("url", null);
        if (text == null) {
          throw new NotifyConfigException(node.key("url"), "is required for a webhook");
        }
        url = httpUri(text, node.key("url"));
        secret = secretRef(node, "hmac_key");
      }
      case SLACK -> {
        url = null;
        secret = secretRef(node, "webhook_url");
      }
      default -> throw new IllegalStateException(type.name());
    }
    String source = type == DestinationType.PAGERDUTY ? node.text("source", null) : null;
    Route route = route(node);
    Delivery delivery = delivery(node);
    node.rejectUnknown();
    return new Destination(name, type, url, secret, source, route, delivery);
  }

  /**
   * A secret is named by {@code <key>_env} or {@code <key>_file}, exactly one. A literal {@code
   * <key>} is refused without echoing it: values in vigil.yaml end up in repositories and tickets.
   */
  private static SecretRef secretRef(ConfigNode node, String key) {
    String env = node.text(key + "_env", null);
    String file = node.text(key + "_file", null);
    if (node.holds(key)) {
      throw new NotifyConfigException(
          node.key(key),
          "secrets are not accepted inline; name an environment variable with "
              + key
              + "_env or a file with "
              + key
              + "_file");
    }
    if ((env == null) == (file == null)) {
      throw new NotifyConfigException(
          node.key(key + "_env"),
          "exactly one of " + key + "_env and " + key + "_file is required");
    }
    return env != null
        ? new SecretRef(node.key(key + "_env"), env, null)
        : new SecretRef(node.key(key + "_file"), null, file);
  }

  private static Route route(ConfigNode node) {
    Level minSeverity = Level.INFORMATIONAL;
    String severityText = node.text("min_severity", null);
    if (severityText != null) {
      try {
        minSeverity = Level.parse(severityText);
      } catch (IllegalArgumentException e) {
        throw new NotifyConfigException(
            node.key("min_severity"),
            "must be one of "
                + Arrays.stream(Level.values()).map(Level::label).collect(Collectors.joining(", "))
                + ", got '"
                + severityText
                + "'");
      }
    }
    Set<String> include = Set.of();
    Set<String> exclude = Set.of();
    ConfigNode detections = node.child("detections");
    if (detections != null) {
      include = Set.copyOf(new LinkedHashSet<>(detections.strings("include")));
      exclude = Set.copyOf(new LinkedHashSet<>(detections.strings("exclude")));
      detections.rejectUnknown();
    }
    return new Route(minSeverity, include, exclude, node.bool("default_route", true));
  }

  private static Delivery delivery(ConfigNode node) {
    int queueCapacity = node.integer("queue_capacity", 1_000, 1, 1_000_000);
    Duration enqueueTimeout = node.duration("enqueue_timeout", Duration.ofSeconds(2));
    int perMinute = 60;
    int burst = 10;
    ConfigNode rate = node.child("rate_limit");
    if (rate != null) {
      perMinute = rate.integer("per_minute", perMinute, 1, 1_000_000);
      burst = rate.integer("burst", burst, 1, 1_000_000);
      rate.rejectUnknown();
    }
    RetryPolicy retry = RetryPolicy.DEFAULT;
    ConfigNode retryNode = node.child("retry");
    if (retryNode != null) {
      retry =
          new RetryPolicy(
              retryNode.duration("initial_backoff", retry.initialBackoff()),
              retryNode.duration("max_backoff", retry.maxBackoff()),
              retryNode.duration("give_up_after", retry.giveUpAfter()),
              retryNode.duration("request_timeout", retry.requestTimeout()));
      if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
        throw new NotifyConfigException(
            retryNode.key("max_backoff"), "must not be shorter than initial_backoff");
      }
      retryNode.rejectUnknown();
    }
    return new Delivery(queueCapacity, enqueueTimeout, perMinute, burst, retry);
  }

  private static URI httpUri(String text, String key) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
        throw new NotifyConfigException(key, "must be an absolute http(s) URL");
      }
      // As for opensearch.url: a user:password@ travels into logs and tickets with the URL. A
      // token in the path or query is how Slack and many receivers authenticate, and stays.
      if (uri.getRawUserInfo() != null) {
        throw new NotifyConfigException(
            key,
            "credentials (user:password@) do not go in the URL; a webhook is authenticated by its"
                + " hmac_key_env or hmac_key_file, a token the receiver wants goes in the path or"
                + " query");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new NotifyConfigException(key, "is not a valid URL (" + e.getReason() + ")");
    }
  }

  /**
   * What can be known about the link without a network: its placeholders, that it is an http(s)
   * URL, and that it does not read one document through the alerts alias. Alerts are written to
   * monthly indices ({@code vigil-alerts-<yyyy.MM>}) behind that alias, and OpenSearch refuses a
   * {@code _doc} read through an alias with more than one index: such a link breaks from the second
   * month on, on every page.
   */
  private static void checkAlertUrl(String template, String key) {
    Matcher placeholders = PLACEHOLDER.matcher(template);
    while (placeholders.find()) {
      String name = placeholders.group(1);
      if (!name.equals(ALERT_ID)) {
        boolean near = new NearNames(name).rank(ALERT_ID).isPresent();
        throw new NotifyConfigException(
            key,
            "unknown placeholder {"
                + name
                + "}; "
                + (near
                    ? NearNames.didYouMean(List.of(ALERT_ID_PLACEHOLDER))
                    : "the only one is " + ALERT_ID_PLACEHOLDER));
      }
    }
    if (!template.contains(ALERT_ID_PLACEHOLDER)) {
      throw new NotifyConfigException(key, "must contain " + ALERT_ID_PLACEHOLDER);
    }
    URI uri = httpUri(template.replace(ALERT_ID_PLACEHOLDER, "id"), key);
    String path = uri.getPath() == null ? "" : uri.getPath();
    Matcher docRead = ALERTS_DOC_READ.matcher(path);
    if (docRead.find()) {
      String search =
          uri.getScheme()
              + "://"
              + uri.getRawAuthority()
              + path.substring(0, docRead.start())
              + "/"
              + IndexContract.ALERTS_ALIAS
              + "/_search?q=alert_id:"
              + ALERT_ID_PLACEHOLDER;
      throw new NotifyConfigException(
          key,
          "_doc cannot open every alert: alerts go to one index per month ("
              + IndexContract.ALERTS_ALIAS
              + "-<yyyy.MM>) and _doc reads one index (through the alias "
              + IndexContract.ALERTS_ALIAS
              + " it fails once there are two); use \""
              + search
              + "\"");
    }
  }

  private static String typeLabels() {
    return Arrays.stream(DestinationType.values())
        .map(DestinationType::label)
        .collect(Collectors.joining(", "));
  }

  /** The link to an alert, or null when {@code alert_url} is not configured. */
  public String alertUrl(String alertId) {
    if (alertUrlTemplate == null) {
      return null;
    }
    return alertUrlTemplate.replace(
        ALERT_ID_PLACEHOLDER, URLEncoder.encode(alertId, StandardCharsets.UTF_8));
  }

  /** Validates a Slack webhook URL once resolved; the message never includes the URL. */
  static URI slackUri(Secret webhookUrl, String key) {
    try {
      return httpUri(webhookUrl.reveal(), key);
    } catch (NotifyConfigException e) {
      throw new NotifyConfigException(
          key, "the Slack webhook URL from " + webhookUrl.origin() + " is not an http(s) URL");
    }
  }
}
