package dev.vigil.dashboards.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.IndexSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * Installs Vigil's index templates ({@code opensearch/templates/*.json}): explicit, strict mappings
 * of the canonical event, the alert and the dead letter, the aliases readers use ({@code
 * vigil-events}, {@code vigil-alerts}, {@code vigil-deadletters}), and the configured shard,
 * replica and refresh settings. Every index a writer creates by name picks them up.
 *
 * <p>Idempotent: each rendered template carries a digest of itself in {@code _meta}; a template
 * whose installed digest matches is left alone and reported {@code UNCHANGED}. A changed template
 * applies to indices created after it, not to existing ones (OpenSearch semantics), which is why
 * the templates are installed before the first document is written.
 */
public final class TemplateInstaller {

  /** The templates, by name; each is the resource {@code opensearch/templates/<name>.json}. */
  public static final List<String> TEMPLATES =
      List.of("vigil-events", "vigil-alerts", "vigil-deadletters");

  static final String DIGEST_KEY = "vigil_content_sha256";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenSearchClient client;
  private final IndexSettings settings;

  public TemplateInstaller(OpenSearchClient client, IndexSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** What happened to one template. */
  public enum Status {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  public record Installed(String name, Status status) {}

  /**
   * Puts every template whose installed version differs from this build's.
   *
   * @throws IOException when OpenSearch cannot be reached or refuses a template (the message
   *     carries OpenSearch's error)
   */
  public List<Installed> install() throws IOException {
    List<Installed> results = new ArrayList<>();
    for (String resourceName : TEMPLATES) {
      String name = installedName(resourceName, settings);
      ObjectNode template = render(resourceName, settings);
      String digest = template.path("_meta").path(DIGEST_KEY).asText();
      String installed = installedDigest(name);
      if (digest.equals(installed)) {
        results.add(new Installed(name, Status.UNCHANGED));
        continue;
      }
      try (Response response =
          client
              .generic()
              .execute(
                  Requests.builder()
                      .method("PUT")
                      .endpoint("/_index_template/" + name)
                      .json(JSON.writeValueAsString(template))
                      .build())) {
        if (response.getStatus() >= 300) {
          throw new IOException(
              "OpenSearch refused index template "
                  + name
                  + " (HTTP "
                  + response.getStatus()
                  + "): "
                  + response.getBody().map(Body::bodyAsString).orElse(""));
        }
      }
      results.add(new Installed(name, installed == null ? Status.CREATED : Status.UPDATED));
    }
    return results;
  }

  /**
   * The name a template is installed under: the resource's, with the settings' index prefix in
   * place of {@code vigil-} ({@code vigil-demo-alerts} for the demo).
   */
  public static String installedName(String name, IndexSettings settings) {
    return renamed(name, settings.prefix());
  }

  /**
   * The template as it is installed: the resource with the index settings and the index prefix (its
   * pattern and alias) filled in, and its digest in {@code _meta}.
   */
  public static ObjectNode render(String name, IndexSettings settings) {
    if (!TEMPLATES.contains(name)) {
      throw new IllegalArgumentException("no index template named " + name);
    }
    String resource = "opensearch/templates/" + name + ".json";
    ObjectNode template;
    try (InputStream in = TemplateInstaller.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("index template missing from the build: " + resource);
      }
      template = (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    if (!settings.prefix().equals(IndexContract.PREFIX)) {
      withPrefix(template, settings.prefix());
    }
    ObjectNode index = ((ObjectNode) template.path("template").path("settings")).with("index");
    index.put("number_of_shards", settings.shards());
    index.put("number_of_replicas", settings.replicas());
    index.put("refresh_interval", settings.refreshInterval().toMillis() + "ms");
    ObjectNode meta = (ObjectNode) template.path("_meta");
    meta.remove(DIGEST_KEY);
    meta.put(DIGEST_KEY, sha256(template));
    return template;
  }

  /** The resource's {@code vigil-} patterns and aliases under another prefix. */
  private static void withPrefix(ObjectNode template, String prefix) {
    List<String> patterns = new ArrayList<>();
    template.path("index_patterns").forEach(pattern -> patterns.add(pattern.asText()));
    ArrayNode renamedPatterns = template.putArray("index_patterns");
    patterns.forEach(pattern -> renamedPatterns.add(renamed(pattern, prefix)));
    ObjectNode aliases = (ObjectNode) template.path("template").path("aliases");
    List<String> names = new ArrayList<>();
    aliases.fieldNames().forEachRemaining(names::add);
    for (String alias : names) {
      aliases.set(renamed(alias, prefix), aliases.remove(alias));
    }
  }

  private static String renamed(String name, String prefix) {
    if (!name.startsWith(IndexContract.PREFIX)) {
      throw new IllegalStateException("index template name outside " + IndexContract.PREFIX);
    }
    return prefix + name.substring(IndexContract.PREFIX.length());
  }

  private String installedDigest(String name) throws IOException {
    try (Response response =
        client
            .generic()
            .execute(
                Requests.builder().method("GET").endpoint("/_index_template/" + name).build())) {
      if (response.getStatus() == 404) {
        return null;
      }
      String body = response.getBody().map(Body::bodyAsString).orElse("");
      if (response.getStatus() >= 300) {
        throw new IOException(
            "cannot read index template " + name + " (HTTP " + response.getStatus() + "): " + body);
      }
      for (JsonNode entry : JSON.readTree(body).path("index_templates")) {
        if (name.equals(entry.path("name").asText())) {
          JsonNode digest = entry.path("index_template").path("_meta").path(DIGEST_KEY);
          return digest.isTextual() ? digest.asText() : "";
        }
      }
      return null;
    }
  }

  private static String sha256(JsonNode node) {
    try {
      byte[] canonical = JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest an index template", e);
    }
  }
}
