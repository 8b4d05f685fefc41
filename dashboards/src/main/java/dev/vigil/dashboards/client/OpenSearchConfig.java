package dev.vigil.dashboards.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.yaml.ConfigMapping;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.SecretSource;
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
 * SecretSource}), never their values, so it is safe to print, log and ship to Flink task managers;
 * {@link OpenSearchConnection#open} reads the password where the connection is made.
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
    SecretSource password,
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
   * Reads the {@code opensearch:} section from a tree that is no file's (the CLI's connection flags
   * make one).
   *
   * @throws InvalidConfigException naming the key ({@code opensearch.tls.ca_pem}) and what is wrong
   *     with it
   */
  public static OpenSearchConfig fromTree(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new InvalidConfigException(null, 0, WHERE, "section missing; it needs at least a url");
    }
    return read(ConfigMapping.of(node, WHERE));
  }

  /**
   * Reads the {@code opensearch:} section as vigil.yaml's loader hands it down: errors carry the
   * file, line and key, and relative files are resolved against the file's directory.
   *
   * @throws InvalidConfigException naming the key and what is wrong with it
   */
  public static OpenSearchConfig read(ConfigMapping node) {
    // Before the keys: an inline password is refused as such, not as an unknown key.
    SecretSource password = node.secret("password");
    node.onlyKeys(KEYS);
    List<URI> urls = urls(node);
    String username = node.text("username", null);
    if (username != null && password == null) {
      throw node.error("", "username is set but neither password_env nor password_file is");
    }
    if (username == null && password != null) {
      throw node.error("", "a password needs a username");
    }
    boolean https = urls.get(0).getScheme().equals("https");
    if (username != null && !https) {
      throw node.error(
          "", "basic auth over plain http would send the password in clear; use https urls");
    }
    TlsConfig tls = TlsConfig.read(node.section("tls"));
    if (tls.customized() && !https) {
      throw node.error("", "tls is configured but the urls are http");
    }
    String retentionFile = node.path("retention_file");
    return new OpenSearchConfig(
        urls,
        username,
        password,
        tls,
        node.duration("connect_timeout", Duration.ofSeconds(5), true),
        node.duration("response_timeout", Duration.ofSeconds(60), true),
        retentionFile == null ? null : Path.of(retentionFile).toString(),
        IndexSettings.read(node.section("index")),
        BulkConfig.read(node.section("bulk")));
  }

  private static List<URI> urls(ConfigMapping node) {
    if (node.has("url") == node.has("urls")) {
      throw node.error("", "set exactly one of url or urls");
    }
    // Errors name the key the URLs came from, so a configuration file's error points at its line.
    String key = node.has("url") ? "url" : "urls";
    List<String> texts =
        key.equals("url") ? List.of(node.text("url", null)) : node.strings("urls", List.of());
    if (texts.isEmpty()) {
      throw node.error(key, "must be a non-empty list");
    }
    List<URI> urls = new ArrayList<>();
    for (String text : texts) {
      URI url;
      try {
        url = new URI(text);
      } catch (URISyntaxException e) {
        throw node.error(key, shown(text) + " is not a URL (" + e.getReason() + ")");
      }
      if (url.getScheme() == null
          || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
          || url.getHost() == null) {
        throw node.error(key, shown(text) + " is not an http(s)://host[:port] URL");
      }
      if (url.getUserInfo() != null) {
        throw node.error(
            key, "put credentials in username and password_env/password_file, not the URL");
      }
      if (!urls.isEmpty()) {
        URI first = urls.get(0);
        if (!first.getScheme().equals(url.getScheme()) || !pathOf(first).equals(pathOf(url))) {
          throw node.error(key, "all urls must share one scheme and path prefix");
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
