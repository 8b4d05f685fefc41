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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Request;
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
 *
 * <p>An upgrade still writes into indices the old template made (this month's, this day's): a field
 * the new build writes that such an index lacks would be refused by its strict mapping. So every
 * install also adds to each open index of a template's patterns the fields the template has and the
 * index does not have at all ({@link #newFields}). A field the index has keeps its mapping, since
 * OpenSearch cannot change a type, sub-fields on analysis the index lacks, or an object's kind in
 * place: those changes take effect with the next index.
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

  /**
   * @param extendedIndices existing indices of the template's patterns that were given fields they
   *     lacked, by name
   */
  public record Installed(String name, Status status, List<String> extendedIndices) {}

  /**
   * Puts every template whose installed version differs from this build's, and adds its new fields
   * to the existing indices of its patterns.
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
      Status status = Status.UNCHANGED;
      if (!digest.equals(installed)) {
        put(name, template);
        status = installed == null ? Status.CREATED : Status.UPDATED;
      }
      // Also when unchanged: an install interrupted after the template was put finishes here.
      results.add(new Installed(name, status, addNewFieldsToExistingIndices(template)));
    }
    return results;
  }

  private void put(String name, ObjectNode template) throws IOException {
    call(
        Requests.builder()
            .method("PUT")
            .endpoint("/_index_template/" + name)
            .json(JSON.writeValueAsString(template))
            .build(),
        "put index template " + name);
  }

  /**
   * Gives every open index of the template's patterns the fields of the template it does not have.
   *
   * @return the names of the indices that were given any
   */
  private List<String> addNewFieldsToExistingIndices(ObjectNode template) throws IOException {
    List<String> patterns = new ArrayList<>();
    template.path("index_patterns").forEach(pattern -> patterns.add(pattern.asText()));
    JsonNode wanted = template.path("template").path("mappings").path("properties");
    JsonNode indices =
        call(
            Requests.builder()
                .method("GET")
                .endpoint("/" + String.join(",", patterns) + "/_mapping")
                .query(Map.of("allow_no_indices", "true", "ignore_unavailable", "true"))
                .build(),
            "read the mappings of " + String.join(",", patterns));
    List<String> extended = new ArrayList<>();
    for (Map.Entry<String, JsonNode> index : iterable(indices.fields())) {
      ObjectNode fields = newFields(wanted, index.getValue().path("mappings").path("properties"));
      if (fields.isEmpty()) {
        continue;
      }
      ObjectNode body = JSON.createObjectNode();
      body.set("properties", fields);
      call(
          Requests.builder()
              .method("PUT")
              .endpoint("/" + index.getKey() + "/_mapping")
              .json(JSON.writeValueAsString(body))
              .build(),
          "add new fields to index " + index.getKey());
      extended.add(index.getKey());
    }
    extended.sort(null);
    return extended;
  }

  /**
   * The fields of {@code wanted} (a mapping's {@code properties}) that {@code existing} does not
   * have, descending into objects both have; a field both have is left out whatever its mapping.
   */
  static ObjectNode newFields(JsonNode wanted, JsonNode existing) {
    ObjectNode missing = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> field : iterable(wanted.fields())) {
      JsonNode present = existing.get(field.getKey());
      if (present == null) {
        missing.set(field.getKey(), field.getValue());
      } else if (field.getValue().has("properties") && present.has("properties")) {
        ObjectNode inner =
            newFields(field.getValue().path("properties"), present.path("properties"));
        if (!inner.isEmpty()) {
          missing.putObject(field.getKey()).set("properties", inner);
        }
      }
    }
    return missing;
  }

  private JsonNode call(Request request, String what) throws IOException {
    try (Response response = client.generic().execute(request)) {
      String body = response.getBody().map(Body::bodyAsString).orElse("");
      if (response.getStatus() >= 300) {
        throw new IOException(
            "OpenSearch refused to " + what + " (HTTP " + response.getStatus() + "): " + body);
      }
      return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
    }
  }

  private static <T> Iterable<T> iterable(Iterator<T> iterator) {
    return () -> iterator;
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

  /** The digest {@link #render} puts in {@code _meta}, of the template without it. */
  static String sha256(JsonNode node) {
    try {
      byte[] canonical = JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest an index template", e);
    }
  }
}
