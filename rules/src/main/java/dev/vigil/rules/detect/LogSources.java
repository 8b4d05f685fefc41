package dev.vigil.rules.detect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.model.LogSource;
import dev.vigil.rules.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The logsources Vigil knows and each one's field dialects, read from {@code vigil/logsources.yml}
 * (data, so a new upstream dialect is a line of YAML, not code).
 */
public final class LogSources {

  private static final String RESOURCE = "vigil/logsources.yml";

  private final List<LogsourceMapping> mappings;
  private final RecordFields recordFields;

  private LogSources(List<LogsourceMapping> mappings, RecordFields recordFields) {
    this.mappings = mappings;
    this.recordFields = recordFields;
  }

  /** The built-in table. */
  public static LogSources builtIn() {
    try (InputStream in = LogSources.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return parse(RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (dev.vigil.rules.RuleException e) {
      throw new IllegalStateException(
          "the built-in " + RESOURCE + " is invalid: " + e.getMessage());
    }
  }

  static LogSources parse(String file, String text) throws dev.vigil.rules.RuleException {
    YamlDocument doc = YamlReader.read(file, text).get(0);
    List<LogsourceMapping> mappings = new ArrayList<>();
    for (JsonNode entry : doc.root().get("logsources")) {
      Map<String, List<String>> fields = new LinkedHashMap<>();
      JsonNode fieldNode = entry.path("fields");
      fieldNode
          .fields()
          .forEachRemaining(
              f -> {
                List<String> targets = new ArrayList<>();
                if (f.getValue().isArray()) {
                  f.getValue().forEach(t -> targets.add(t.asText()));
                } else {
                  targets.add(f.getValue().asText());
                }
                fields.put(f.getKey(), List.copyOf(targets));
              });
      Map<String, String> prefixes = new LinkedHashMap<>();
      entry
          .path("prefixes")
          .fields()
          .forEachRemaining(p -> prefixes.put(p.getKey(), p.getValue().asText()));
      List<String> searchUnder = new ArrayList<>();
      entry.path("search_under").forEach(p -> searchUnder.add(p.asText()));
      mappings.add(
          new LogsourceMapping(
              entry.get("product").asText(),
              entry.hasNonNull("service") ? entry.get("service").asText() : null,
              Source.valueOf(entry.get("source").asText()),
              fields,
              prefixes,
              List.copyOf(searchUnder),
              entry.get("where")));
    }
    return new LogSources(List.copyOf(mappings), RecordFields.builtIn());
  }

  /**
   * The mapping for a rule's logsource, or null for a logsource without product (every source,
   * canonical fields only).
   *
   * @throws UnknownLogsource naming what Vigil does not know
   */
  public LogsourceMapping resolve(LogSource logsource) {
    if (logsource.category() != null) {
      throw new UnknownLogsource(
          "category",
          "logsource category '"
              + logsource.category()
              + "' is not supported: Vigil selects events by product and service");
    }
    if (logsource.product() == null) {
      if (logsource.service() != null) {
        throw new UnknownLogsource(
            "service", "logsource service '" + logsource.service() + "' needs a product");
      }
      return null;
    }
    List<LogsourceMapping> ofProduct =
        mappings.stream().filter(m -> m.product().equals(logsource.product())).toList();
    if (ofProduct.isEmpty()) {
      TreeSet<String> products = new TreeSet<>();
      mappings.forEach(m -> products.add(m.product()));
      throw new UnknownLogsource(
          "product",
          "logsource product '"
              + logsource.product()
              + "' is not a Vigil source ("
              + String.join(", ", products)
              + ")"
              + NearNames.suggestion(logsource.product(), products));
    }
    if (logsource.service() == null) {
      // A product alone means its single audit service when it has one.
      if (ofProduct.size() == 1) {
        return ofProduct.get(0);
      }
      throw new UnknownLogsource(
          "product",
          "logsource product '"
              + logsource.product()
              + "' needs a service ("
              + services(ofProduct)
              + ")");
    }
    return ofProduct.stream()
        .filter(m -> Objects.equals(m.service(), logsource.service()))
        .findFirst()
        .orElseThrow(
            () ->
                new UnknownLogsource(
                    "service",
                    "logsource service '"
                        + logsource.service()
                        + "' of product '"
                        + logsource.product()
                        + "' is not supported ("
                        + services(ofProduct)
                        + ")"
                        + NearNames.suggestion(
                            logsource.service(),
                            ofProduct.stream().map(LogsourceMapping::service).toList())));
  }

  /**
   * A logsource Vigil cannot select events by, and the key at fault ({@code product}, {@code
   * service} or {@code category}), so that the error is on that key's line.
   */
  public static final class UnknownLogsource extends IllegalArgumentException {
    private final String key;

    UnknownLogsource(String key, String message) {
      super(message);
      this.key = key;
    }

    /** The key of {@code logsource} at fault. */
    public String key() {
      return key;
    }
  }

  public List<LogsourceMapping> mappings() {
    return mappings;
  }

  /**
   * A warning for a field a rule of the logsource names that no record of its source is known to
   * have, or null: a name that is not {@code raw.<path>} (the author's explicit form), not one of
   * the logsource's {@code fields} and not canonical is read as a raw path, and a misspelled one
   * would silently never match. Known paths are {@link RecordFields}'; the "did you mean" offers
   * them, the logsource's names and the canonical fields.
   */
  public String unknownField(LogsourceMapping mapping, String name) {
    if (mapping == null || name.startsWith("raw.") || !recordFields.describes(mapping.source())) {
      return null;
    }
    String rewritten = mapping.rewrite(name);
    if (mapping.fields().containsKey(rewritten)
        || !(mapping.field(name) instanceof FieldRef.Raw raw)) {
      return null;
    }
    for (String path : raw.alternatives()) {
      if (recordFields.known(mapping.source(), path)) {
        return null;
      }
    }
    List<String> known = new ArrayList<>(recordFields.paths(mapping.source()));
    known.addAll(mapping.fields().keySet());
    known.addAll(CanonicalFields.PATHS);
    return "warning: unknown field '"
        + name
        + "' for "
        + mapping.label()
        + " records"
        + NearNames.suggestion(rewritten, known)
        + " (write raw."
        + rewritten
        + " if it is right)";
  }

  private static String services(List<LogsourceMapping> mappings) {
    return String.join(", ", mappings.stream().map(LogsourceMapping::service).toList());
  }

  /**
   * One logsource: the source it selects, the extra selection its events must match, and how its
   * field names resolve.
   */
  public record LogsourceMapping(
      String product,
      String service,
      Source source,
      Map<String, List<String>> fields,
      Map<String, String> prefixes,
      List<String> searchUnder,
      JsonNode where) {

    /** Resolves a field name as the table's header comment describes. */
    public FieldRef field(String name) {
      if (name.startsWith("raw.")) {
        return raw(List.of(name.substring(4)));
      }
      String rewritten = rewrite(name);
      List<String> targets = fields.get(rewritten);
      if (targets != null) {
        if (targets.size() == 1 && CanonicalFields.isCanonical(targets.get(0))) {
          return new FieldRef.Canonical(targets.get(0));
        }
        List<String> paths = new ArrayList<>();
        for (String target : targets) {
          if (!target.startsWith("raw.")) {
            throw new IllegalStateException(
                "logsources.yml: "
                    + name
                    + " maps to '"
                    + target
                    + "', neither canonical nor raw.*");
          }
          paths.add(target.substring(4));
        }
        return raw(paths);
      }
      if (CanonicalFields.isCanonical(rewritten)) {
        return new FieldRef.Canonical(rewritten);
      }
      List<String> paths = new ArrayList<>();
      paths.add(rewritten);
      for (String prefix : searchUnder) {
        paths.add(prefix + "." + rewritten);
      }
      return raw(paths);
    }

    /** The name with the first of the table's {@code prefixes} it starts with rewritten. */
    String rewrite(String name) {
      for (Map.Entry<String, String> prefix : prefixes.entrySet()) {
        if (name.startsWith(prefix.getKey())) {
          return prefix.getValue() + name.substring(prefix.getKey().length());
        }
      }
      return name;
    }

    /** {@code aws/cloudtrail}, as the docs name a logsource. */
    public String label() {
      return service == null ? product : product + "/" + service;
    }

    private static FieldRef raw(List<String> paths) {
      return new FieldRef.Raw(List.copyOf(paths));
    }

    @Override
    public String toString() {
      return "product: " + product + (service != null ? ", service: " + service : "");
    }
  }
}
