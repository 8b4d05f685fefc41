package dev.vigil.detect.notify;

import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.ingest.yaml.ConfigMapping;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.SecretSource;
import dev.vigil.rules.model.Level;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code notify:} section of vigil.yaml: where alerts go and how they are delivered, read from
 * the mapping vigil.yaml's loader hands down ({@link #read}). Secrets are held as references
 * ({@link SecretSource}), resolved when the {@link AlertDispatcher} starts. docs/notify.md is the
 * reference for every key.
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
      SecretSource secret,
      String source,
      Route route,
      Delivery delivery)
      implements Serializable {

    /**
     * Reads the secret as the destination's notifier will where it runs, and checks what the
     * notifier would refuse (a Slack webhook URL that is not an http(s) URL): the check at start
     * that turns a failing task into one line naming the key.
     *
     * @throws InvalidConfigException naming the secret's key, never its value
     */
    public void checkSecret(Function<String, String> environment) {
      Secret value = Secret.read(secret, environment);
      if (type == DestinationType.SLACK) {
        slackUri(value, secret.key());
      }
    }
  }

  /**
   * Reads and validates the section as vigil.yaml's loader hands it down: errors carry the file,
   * line and key; relative secret files are resolved against the file's directory.
   */
  public static NotifyConfig read(ConfigMapping root) {
    String alertUrl = root.text("alert_url", null);
    if (alertUrl != null) {
      checkAlertUrl(root, alertUrl);
    }
    ConfigMapping groupingNode = root.section("grouping");
    Grouping grouping =
        new Grouping(
            groupingNode.bool("enabled", true),
            groupingNode.duration("window", Duration.ofMinutes(5), false),
            groupingNode.integer("max_open_groups", 10_000, 1, 10_000_000));
    groupingNode.rejectUnknown();
    int replayMemory = root.integer("replay_memory", 100_000, 0, 10_000_000);
    Map<String, Destination> destinations = new LinkedHashMap<>();
    ConfigMapping destinationsNode = root.section("destinations");
    for (String name : destinationsNode.keys()) {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        throw destinationsNode.error(
            name,
            "destination names use letters, digits, '_', '.', '-' and start with a letter or"
                + " digit");
      }
      destinations.put(name, destination(name, destinationsNode.section(name)));
    }
    root.rejectUnknown();
    return new NotifyConfig(
        alertUrl, grouping, replayMemory, Collections.unmodifiableMap(destinations));
  }

  private static Destination destination(String name, ConfigMapping node) {
    List<String> types =
        Arrays.stream(DestinationType.values()).map(DestinationType::label).toList();
    String typeText = node.choice("type", null, types);
    if (typeText == null) {
      throw node.error("type", "is required (" + String.join(", ", types) + ")");
    }
    DestinationType type = DestinationType.valueOf(typeText.toUpperCase(Locale.ROOT));
    URI url;
    SecretSource secret;
    switch (type) {
      case PAGERDUTY -> {
        url = url(node, PAGERDUTY_EVENTS_URL);
        secret = requiredSecret(node, "routing_key");
      }
      case WEBHOOK -> {
        if (!node.has("url")) {
          throw node.error("url", "is required for a webhook");
        }
        url = url(node, null);
        secret = requiredSecret(node, "hmac_key");
      }
      case SLACK -> {
        url = null;
        secret = requiredSecret(node, "webhook_url");
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
   * A secret is named by {@code <key>_env} or {@code <key>_file}, exactly one; a literal {@code
   * <key>} is refused without echoing it (values in vigil.yaml end up in repositories and tickets).
   */
  private static SecretSource requiredSecret(ConfigMapping node, String key) {
    SecretSource source = node.secret(key);
    if (source == null) {
      throw node.error(
          key + "_env", "exactly one of " + key + "_env and " + key + "_file is required");
    }
    return source;
  }

  private static Route route(ConfigMapping node) {
    Level minSeverity = Level.INFORMATIONAL;
    String severityText = node.text("min_severity", null);
    if (severityText != null) {
      try {
        minSeverity = Level.parse(severityText);
      } catch (IllegalArgumentException e) {
        throw node.error(
            "min_severity",
            "must be one of "
                + Arrays.stream(Level.values()).map(Level::label).collect(Collectors.joining(", "))
                + ", got '"
                + severityText
                + "'");
      }
    }
    ConfigMapping detections = node.section("detections");
    Set<String> include = Set.copyOf(new LinkedHashSet<>(detections.strings("include", List.of())));
    Set<String> exclude = Set.copyOf(new LinkedHashSet<>(detections.strings("exclude", List.of())));
    detections.rejectUnknown();
    return new Route(minSeverity, include, exclude, node.bool("default_route", true));
  }

  private static Delivery delivery(ConfigMapping node) {
    int queueCapacity = node.integer("queue_capacity", 1_000, 1, 1_000_000);
    Duration enqueueTimeout = node.duration("enqueue_timeout", Duration.ofSeconds(2), false);
    ConfigMapping rate = node.section("rate_limit");
    int perMinute = rate.integer("per_minute", 60, 1, 1_000_000);
    int burst = rate.integer("burst", 10, 1, 1_000_000);
    rate.rejectUnknown();
    ConfigMapping retryNode = node.section("retry");
    RetryPolicy defaults = RetryPolicy.DEFAULT;
    RetryPolicy retry =
        new RetryPolicy(
            retryNode.duration("initial_backoff", defaults.initialBackoff(), false),
            retryNode.duration("max_backoff", defaults.maxBackoff(), false),
            retryNode.duration("give_up_after", defaults.giveUpAfter(), false),
            retryNode.duration("request_timeout", defaults.requestTimeout(), false));
    if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
      throw retryNode.error("max_backoff", "must not be shorter than initial_backoff");
    }
    retryNode.rejectUnknown();
    return new Delivery(queueCapacity, enqueueTimeout, perMinute, burst, retry);
  }

  /** The destination's {@code url}, an http(s) URL, or {@code fallback} when absent. */
  private static URI url(ConfigMapping node, URI fallback) {
    String text = node.text("url", null);
    if (text == null) {
      return fallback;
    }
    try {
      return httpUri(text);
    } catch (IllegalArgumentException e) {
      throw node.error("url", e.getMessage());
    }
  }

  /**
   * An absolute http(s) URL without credentials.
   *
   * @throws IllegalArgumentException saying what is wrong, never quoting the URL
   */
  private static URI httpUri(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw new IllegalArgumentException("must be an absolute http(s) URL");
    }
    // As for opensearch.url: a user:password@ travels into logs and tickets with the URL. A
    // token in the path or query is how Slack and many receivers authenticate, and stays.
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "credentials (user:password@) do not go in the URL; a webhook is authenticated by its"
              + " hmac_key_env or hmac_key_file, a token the receiver wants goes in the path or"
              + " query");
    }
    return uri;
  }

  /**
   * What can be known about the link without a network: its placeholders, that it is an http(s)
   * URL, and that it does not read one document through the alerts alias. Alerts are written to
   * monthly indices ({@code vigil-alerts-<yyyy.MM>}) behind that alias, and OpenSearch refuses a
   * {@code _doc} read through an alias with more than one index: such a link breaks from the second
   * month on, on every page.
   */
  private static void checkAlertUrl(ConfigMapping root, String template) {
    String key = "alert_url";
    Matcher placeholders = PLACEHOLDER.matcher(template);
    while (placeholders.find()) {
      String name = placeholders.group(1);
      if (!name.equals(ALERT_ID)) {
        boolean near = new NearNames(name).rank(ALERT_ID).isPresent();
        throw root.error(
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
      throw root.error(key, "must contain " + ALERT_ID_PLACEHOLDER);
    }
    URI uri;
    try {
      uri = httpUri(template.replace(ALERT_ID_PLACEHOLDER, "id"));
    } catch (IllegalArgumentException e) {
      throw root.error(key, e.getMessage());
    }
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
      throw root.error(
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
      return httpUri(webhookUrl.reveal());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          null,
          0,
          key,
          "the Slack webhook URL from " + webhookUrl.origin() + " is not an http(s) URL");
    }
  }
}
