package dev.vigil.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compliance frameworks and controls a report names, as data ({@code
 * vigil/reports/controls.yml}, replaceable by the user): the title of each control tag and the name
 * of each framework. A tag is {@code compliance.<framework>.<control>}; the catalog only names
 * them, the rules' tags decide what is evidence for what.
 */
public final class ControlCatalog {

  private static final String BUILT_IN = "vigil/reports/controls.yml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, String> frameworks;
  private final Map<String, String> controls;

  ControlCatalog(Map<String, String> frameworks, Map<String, String> controls) {
    this.frameworks = Map.copyOf(frameworks);
    this.controls = Map.copyOf(controls);
  }

  /** The built-in catalog. */
  public static ControlCatalog builtIn() {
    try (InputStream in = ControlCatalog.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("built-in control catalog missing: " + BUILT_IN);
      }
      return read(in, BUILT_IN);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUILT_IN, e);
    }
  }

  /**
   * A user's catalog, or the built-in one when {@code file} is null.
   *
   * @throws IllegalArgumentException naming the file and what is wrong in it
   */
  public static ControlCatalog load(Path file) {
    if (file == null) {
      return builtIn();
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("control catalog " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read control catalog " + file + ": " + IoProblems.readProblem(file, e));
    }
  }

  static ControlCatalog read(InputStream in, String name) throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("control catalog " + name + " is not YAML");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "control catalog " + name + " must be a mapping with 'frameworks' and 'controls'");
    }
    for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.equals("frameworks") && !key.equals("controls")) {
        throw new IllegalArgumentException(
            "control catalog " + name + ": unknown key '" + key + "' (frameworks, controls)");
      }
    }
    Map<String, String> frameworks = strings(root.path("frameworks"), name, "frameworks");
    Map<String, String> controls = strings(root.path("controls"), name, "controls");
    for (String tag : controls.keySet()) {
      Control control = Control.parse(tag);
      if (control == null) {
        throw new IllegalArgumentException(
            "control catalog "
                + name
                + ": '"
                + tag
                + "' is not a control tag (compliance.<framework>.<control>)");
      }
      if (!frameworks.containsKey(control.framework())) {
        throw new IllegalArgumentException(
            "control catalog "
                + name
                + ": '"
                + tag
                + "' names framework '"
                + control.framework()
                + "', which 'frameworks' does not list");
      }
    }
    return new ControlCatalog(frameworks, controls);
  }

  private static Map<String, String> strings(JsonNode node, String name, String key) {
    if (node.isMissingNode() || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "control catalog " + name + ": '" + key + "' must be a mapping of names to titles");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual() || entry.getValue().asText().isBlank()) {
        throw new IllegalArgumentException(
            "control catalog " + name + ": " + key + "." + entry.getKey() + " must be a title");
      }
      values.put(entry.getKey(), entry.getValue().asText().strip());
    }
    return values;
  }

  /** Every control the catalog lists, by tag. */
  public Map<String, String> controls() {
    return controls;
  }

  /** The title of a control tag; empty when the catalog does not list it. */
  public String title(String tag) {
    return controls.getOrDefault(tag, "");
  }

  /** The name of a framework; its key when the catalog does not list it. */
  public String frameworkName(String framework) {
    return frameworks.getOrDefault(framework, framework);
  }

  /**
   * A control tag split into its framework and the control's own id ({@code compliance.soc2.cc7.2}
   * is framework {@code soc2}, control {@code cc7.2}); null when the tag has no such parts.
   */
  public record Control(String tag, String framework, String id) {
    public static Control parse(String tag) {
      if (!tag.startsWith(AlertEntry.COMPLIANCE_PREFIX)) {
        return null;
      }
      String rest = tag.substring(AlertEntry.COMPLIANCE_PREFIX.length());
      int dot = rest.indexOf('.');
      if (dot <= 0 || dot == rest.length() - 1) {
        return null;
      }
      return new Control(tag, rest.substring(0, dot), rest.substring(dot + 1));
    }
  }
}
