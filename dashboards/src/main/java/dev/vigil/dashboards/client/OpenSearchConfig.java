package dev.vigil.dashboards.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code opensearch:} section of vigil.yaml: where the cluster is, how to trust and log in to
 * it, how indices are set up and how the sinks batch. It holds references to credentials ({@link
 * PasswordSource}), never their values, so it is safe to print, log and ship to Flink task
 * managers; {@link OpenSearchConnection#open} reads the password where the connection is made.
 *
 * <pre>
 * opensearch:
 *   urls: [https://search-1.example:9200, https://search-2.example:9200]   # or url: one
 *   username: vigil
 *   password_env: VIGIL_OPENSEARCH_PASSWORD      # or password_file: /run/secrets/opensearch
 *   tls: {ca_pem: /etc/vigil/opensearch-ca.pem, verify_hostname: true}
 *   connect_timeout: 5s
 *   response_timeout: 60s
 *   retention_file: /etc/vigil/retention.yaml   # default: the built-in classes
 *   index: {shards: 1, replicas: 1, refresh_interval: 1s}
 *   bulk: {max_actions: 1000, max_bytes: 5mb, flush_interval: 1s, give_up_after: 10m}
 * </pre>
 *
 * @param urls one or more nodes; all {@code http} or all {@code https}, the same path prefix
 * @param username basic-auth user, or null for none
 * @param password where the basic-auth password is; required with a username
 * @param retentionFile a retention file replacing the built-in one, or null
 */
public record OpenSearchConfig(
    List<URI> urls,
    String username,
    PasswordSource password,
    TlsConfig tls,
    Duration connectTimeout,
    Duration responseTimeout,
    String retentionFile,
    IndexSettings index,
    BulkConfig bulk)
    implements Serializable {

  private static final String WHERE = "opensearch";
  private static final Set<String> KEYS =
      Set.of(
          "url",
          "urls",
          "username",
          "password_env",
          "password_file",
          "tls",
          "connect_timeout",
          "response_timeout",
          "retention_file",
          "index",
          "bulk");

  public OpenSearchConfig {
    urls = List.copyOf(urls);
  }

  /** A cluster on this machine (the local stack's default address), no credentials. */
  public static OpenSearchConfig local(URI url) {
    return new OpenSearchConfig(
        List.of(url),
        null,
        null,
        TlsConfig.DEFAULT,
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        null,
        IndexSettings.DEFAULT,
        BulkConfig.DEFAULT);
  }

  /**
   * Reads the {@code opensearch:} section (a Jackson tree of vigil.yaml's YAML).
   *
   * @throws IllegalArgumentException naming the key ({@code opensearch.tls.ca_pem}) and what is
   *     wrong with it
   */
  public static OpenSearchConfig fromTree(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new IllegalArgumentException(WHERE + ": section missing; it needs at least a url");
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(WHERE + " must be a map");
    }
    ConfigValues.checkKeys(node, KEYS, WHERE);
    List<URI> urls = urls(node);
    String username = ConfigValues.text(node, "username", WHERE);
    PasswordSource password = passwordSource(node, "password", WHERE);
    if (username != null && password == null) {
      throw new IllegalArgumentException(
          WHERE + ": username is set but neither password_env nor password_file is");
    }
    if (username == null && password != null) {
      throw new IllegalArgumentException(WHERE + ": a password needs a username");
    }
    boolean https = urls.get(0).getScheme().equals("https");
    if (username != null && !https) {
      throw new IllegalArgumentException(
          WHERE + ": basic auth over plain http would send the password in clear; use https urls");
    }
    TlsConfig tls = TlsConfig.fromTree(ConfigValues.section(node, "tls", WHERE), WHERE + ".tls");
    if (tls.customized() && !https) {
      throw new IllegalArgumentException(WHERE + ": tls is configured but the urls are http");
    }
    String retentionFile = ConfigValues.text(node, "retention_file", WHERE);
    return new OpenSearchConfig(
        urls,
        username,
        password,
        tls,
        ConfigValues.duration(node, "connect_timeout", Duration.ofSeconds(5), WHERE),
        ConfigValues.duration(node, "response_timeout", Duration.ofSeconds(60), WHERE),
        retentionFile == null ? null : Path.of(retentionFile).toString(),
        IndexSettings.fromTree(ConfigValues.section(node, "index", WHERE), WHERE + ".index"),
        BulkConfig.fromTree(ConfigValues.section(node, "bulk", WHERE), WHERE + ".bulk"));
  }

  /** {@code <prefix>_env} or {@code <prefix>_file}, at most one of them. */
  static PasswordSource passwordSource(JsonNode node, String prefix, String where) {
    String env = ConfigValues.text(node, prefix + "_env", where);
    String file = ConfigValues.text(node, prefix + "_file", where);
    if (env != null && file != null) {
      throw new IllegalArgumentException(
          where + ": set either " + prefix + "_env or " + prefix + "_file, not both");
    }
    if (env != null) {
      return PasswordSource.fromEnv(where + "." + prefix + "_env", env);
    }
    return file == null
        ? null
        : PasswordSource.fromFile(where + "." + prefix + "_file", Path.of(file));
  }

  private static List<URI> urls(JsonNode node) {
    JsonNode one = node.get("url");
    JsonNode many = node.get("urls");
    if ((one == null) == (many == null)) {
      throw new IllegalArgumentException(WHERE + ": set exactly one of url or urls");
    }
    // Errors name the key the URLs came from, so a configuration file's error points at its line.
    String where = WHERE + (one != null ? ".url" : ".urls");
    List<String> texts = new ArrayList<>();
    if (one != null) {
      texts.add(ConfigValues.text(node, "url", WHERE));
    } else if (many.isArray() && !many.isEmpty()) {
      many.forEach(url -> texts.add(url.asText()));
    } else {
      throw new IllegalArgumentException(WHERE + ".urls must be a non-empty list");
    }
    List<URI> urls = new ArrayList<>();
    for (String text : texts) {
      URI url;
      try {
        url = new URI(text);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            where + ": " + shown(text) + " is not a URL (" + e.getReason() + ")");
      }
      if (url.getScheme() == null
          || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
          || url.getHost() == null) {
        throw new IllegalArgumentException(
            where + ": " + shown(text) + " is not an http(s)://host[:port] URL");
      }
      if (url.getUserInfo() != null) {
        throw new IllegalArgumentException(
            where + ": put credentials in username and password_env/password_file, not the URL");
      }
      if (!urls.isEmpty()) {
        URI first = urls.get(0);
        if (!first.getScheme().equals(url.getScheme()) || !pathOf(first).equals(pathOf(url))) {
          throw new IllegalArgumentException(
              where + ": all urls must share one scheme and path prefix");
        }
      }
      urls.add(url);
    }
    return urls;
  }

  /** The URL as written, unless it may carry credentials ({@code user:password@}). */
  private static String shown(String url) {
    return url.contains("@") ? "the URL" : "'" + url + "'";
  }

  static String pathOf(URI url) {
    String path = url.getPath();
    return path == null || path.equals("/") ? "" : path;
  }
}
