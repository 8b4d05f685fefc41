package dev.vigil.dashboards.objects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.index.TemplateInstaller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped saved objects against the index templates: OpenSearch Dashboards cannot run here, so
 * what it would show as "field not found", "not aggregatable" or a broken reference is checked from
 * the files themselves.
 */
class SavedObjectsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> AGGREGATABLE_TYPES =
      Set.of("keyword", "ip", "boolean", "date", "integer", "long", "short", "byte", "double");

  /** A KQL field reference: {@code denied:true}, {@code actor.name : "x"}. */
  private static final Pattern KQL_FIELD = Pattern.compile("([A-Za-z_][\\w.]*)\\s*:");

  private static List<JsonNode> objects;
  private static Map<String, JsonNode> byId;

  @BeforeAll
  static void parse() throws IOException {
    objects = new ArrayList<>();
    byId = new HashMap<>();
    String text = new String(SavedObjectsImporter.savedObjects(), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      JsonNode object = JSON.readTree(line);
      objects.add(object);
      assertThat(byId.put(object.path("type").asText() + "/" + object.path("id").asText(), object))
          .as("duplicate saved object %s", object.path("id"))
          .isNull();
    }
  }

  @Test
  void shipsIndexPatternsVisualizationsASearchAndTheOverviewDashboard() {
    assertThat(byId)
        .containsKeys(
            "index-pattern/vigil-events",
            "index-pattern/vigil-alerts",
            "index-pattern/vigil-deadletters",
            "visualization/vigil-alerts-by-detection",
            "visualization/vigil-alerts-by-severity",
            "visualization/vigil-top-actors",
            "visualization/vigil-denied-by-source",
            "visualization/vigil-denied-by-source-ip",
            "search/vigil-recent-alerts",
            "dashboard/vigil-overview");
    assertThat(objects)
        .allSatisfy(object -> assertThat(object.path("migrationVersion")).isNotEmpty());
  }

  @Test
  void everyIndexPatternMatchesOneTemplateAndItsTimeFieldIsADate() {
    for (JsonNode pattern : ofType("index-pattern")) {
      Map<String, JsonNode> fields = fieldsOf(pattern);
      JsonNode time = fields.get(pattern.path("attributes").path("timeFieldName").asText());
      assertThat(time).as("time field of %s", pattern.path("id")).isNotNull();
      assertThat(time.path("type").asText()).isEqualTo("date");
    }
  }

  @Test
  void everyReferenceResolvesToAnObjectOfTheFile() {
    for (JsonNode object : objects) {
      for (JsonNode reference : object.path("references")) {
        assertThat(byId)
            .as("%s references %s", object.path("id"), reference)
            .containsKey(reference.path("type").asText() + "/" + reference.path("id").asText());
      }
    }
    JsonNode dashboard = byId.get("dashboard/vigil-overview");
    List<String> panelRefs = new ArrayList<>();
    for (JsonNode panel : embedded(dashboard.path("attributes").path("panelsJSON"))) {
      panelRefs.add(panel.path("panelRefName").asText());
    }
    List<String> referenceNames = new ArrayList<>();
    dashboard.path("references").forEach(r -> referenceNames.add(r.path("name").asText()));
    assertThat(panelRefs).hasSize(6).containsExactlyInAnyOrderElementsOf(referenceNames);
  }

  @Test
  void everyFieldAVisualizationOrSearchUsesIsMappedAndAggregationsUseAggregatableFields() {
    int checked = 0;
    for (JsonNode object : objects) {
      JsonNode attributes = object.path("attributes");
      JsonNode searchSource =
          embedded(attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON"));
      if (!searchSource.has("indexRefName")) {
        continue;
      }
      Map<String, JsonNode> fields = fieldsOf(indexPatternOf(object, searchSource));
      String query = searchSource.path("query").path("query").asText();
      Matcher kql = KQL_FIELD.matcher(query);
      while (kql.find()) {
        assertThat(fields).as("query of %s", object.path("id")).containsKey(kql.group(1));
        checked++;
      }
      for (JsonNode agg : embedded(attributes.path("visState")).path("aggs")) {
        if (agg.path("params").has("field")) {
          String field = agg.path("params").path("field").asText();
          assertThat(fields).as("aggregation of %s", object.path("id")).containsKey(field);
          assertThat(aggregatable(fields.get(field)))
              .as("%s in %s is aggregatable", field, object.path("id"))
              .isTrue();
          checked++;
        }
      }
      for (JsonNode column : attributes.path("columns")) {
        assertThat(fields).as("column of %s", object.path("id")).containsKey(column.asText());
        checked++;
      }
      for (JsonNode sort : attributes.path("sort")) {
        assertThat(aggregatable(fields.get(sort.path(0).asText())))
            .as("sort of %s", object.path("id"))
            .isTrue();
        checked++;
      }
    }
    assertThat(checked).as("field references checked").isGreaterThan(15);
  }

  /**
   * The checks above are only as good as the lookup: sub-fields count, objects and strays do not.
   */
  @Test
  void theFieldLookupSeesSubFieldsAndRejectsUnmappedNames() {
    Map<String, JsonNode> events = fieldsOf(byId.get("index-pattern/vigil-events"));
    assertThat(events).containsKeys("actor.name", "src.ip", "error_message.keyword", "time");
    assertThat(events).doesNotContainKeys("actor", "user.name");
    assertThat(aggregatable(events.get("raw"))).isFalse();
    assertThat(aggregatable(events.get("error_message"))).isFalse();
  }

  private static List<JsonNode> ofType(String type) {
    return objects.stream().filter(o -> o.path("type").asText().equals(type)).toList();
  }

  private static JsonNode indexPatternOf(JsonNode object, JsonNode searchSource) {
    String refName = searchSource.path("indexRefName").asText();
    for (JsonNode reference : object.path("references")) {
      if (reference.path("name").asText().equals(refName)) {
        return byId.get("index-pattern/" + reference.path("id").asText());
      }
    }
    throw new AssertionError(object.path("id") + " has no reference named " + refName);
  }

  /** Every field of the template whose index patterns the index pattern's title names. */
  private static Map<String, JsonNode> fieldsOf(JsonNode indexPattern) {
    String title = indexPattern.path("attributes").path("title").asText();
    List<String> matching = new ArrayList<>();
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (String name : TemplateInstaller.TEMPLATES) {
      JsonNode template = TemplateInstaller.render(name, IndexSettings.DEFAULT);
      for (JsonNode pattern : template.path("index_patterns")) {
        if (pattern.asText().equals(title)) {
          matching.add(name);
          flatten("", template.path("template").path("mappings").path("properties"), fields);
        }
      }
    }
    assertThat(matching).as("templates for index pattern %s", title).hasSize(1);
    return fields;
  }

  private static void flatten(String prefix, JsonNode properties, Map<String, JsonNode> into) {
    properties
        .fields()
        .forEachRemaining(
            entry -> {
              String name = prefix + entry.getKey();
              JsonNode mapping = entry.getValue();
              if (mapping.has("properties")) {
                flatten(name + ".", mapping.path("properties"), into);
                return;
              }
              into.put(name, mapping);
              mapping
                  .path("fields")
                  .fields()
                  .forEachRemaining(sub -> into.put(name + "." + sub.getKey(), sub.getValue()));
            });
  }

  private static boolean aggregatable(JsonNode mapping) {
    return mapping != null
        && AGGREGATABLE_TYPES.contains(mapping.path("type").asText())
        && mapping.path("doc_values").asBoolean(true);
  }

  /** Dashboards keeps nested JSON as strings ({@code visState}, {@code panelsJSON}). */
  private static JsonNode embedded(JsonNode text) {
    try {
      return text.isTextual() ? JSON.readTree(text.asText()) : JSON.createObjectNode();
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
