package dev.vigil.dashboards.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shipped saved objects, read the way Dashboards reads them, for the tests. */
final class ShippedObjects {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every object of the file, in file order. */
  final List<JsonNode> objects = new ArrayList<>();

  /** Every object by {@code type/id}; a duplicate is an error. */
  final Map<String, JsonNode> byId = new LinkedHashMap<>();

  ShippedObjects() {
    String text = new String(SavedObjectsImporter.savedObjects(), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      JsonNode object = parse(line);
      objects.add(object);
      String key = object.path("type").asText() + "/" + object.path("id").asText();
      if (byId.put(key, object) != null) {
        throw new AssertionError("duplicate saved object " + key);
      }
    }
  }

  /** The object of {@code type/id}; its absence is an error. */
  JsonNode object(String key) {
    JsonNode object = byId.get(key);
    if (object == null) {
      throw new AssertionError("the file has no saved object " + key);
    }
    return object;
  }

  List<JsonNode> ofType(String type) {
    return objects.stream().filter(o -> o.path("type").asText().equals(type)).toList();
  }

  /** The parsed {@code searchSourceJSON} of a visualization or search (empty for others). */
  static JsonNode searchSource(JsonNode object) {
    return embedded(
        object.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON"));
  }

  /** The index pattern the object reads, through the reference its search source names. */
  JsonNode indexPatternOf(JsonNode object) {
    return referenced(object, searchSource(object).path("indexRefName").asText());
  }

  /** The object a reference of {@code object} named {@code name} points at. */
  JsonNode referenced(JsonNode object, String name) {
    for (JsonNode reference : object.path("references")) {
      if (reference.path("name").asText().equals(name)) {
        return byId.get(reference.path("type").asText() + "/" + reference.path("id").asText());
      }
    }
    throw new AssertionError(object.path("id") + " has no reference named " + name);
  }

  /** Dashboards keeps nested JSON as strings ({@code visState}, {@code panelsJSON}). */
  static JsonNode embedded(JsonNode text) {
    return text.isTextual() ? parse(text.asText()) : JSON.createObjectNode();
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }
}
