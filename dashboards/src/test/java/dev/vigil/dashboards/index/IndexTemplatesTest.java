package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.IndexSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The shipped index templates, as files: what their real-OpenSearch tests rely on. */
class IndexTemplatesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode mappings(String template) {
    return TemplateInstaller.render(template, IndexSettings.DEFAULT)
        .path("template")
        .path("mappings");
  }

  /**
   * A group key that is a canonical field is a keyword from the index's creation, whatever order
   * alerts arrive in, so {@code group.actor.id} is in every alert index's field list (Dashboards,
   * {@code _field_caps}) before the first alert that has it.
   */
  @Test
  void theAlertGroupHasAKeywordForEveryCanonicalField() {
    Map<String, JsonNode> eventFields = new TreeMap<>();
    leaves("", mappings("vigil-events").path("properties"), false, eventFields);
    eventFields.remove("raw");
    Map<String, JsonNode> groupFields = new TreeMap<>();
    JsonNode group = mappings("vigil-alerts").path("properties").path("group");
    leaves("", group.path("properties"), false, groupFields);

    assertThat(groupFields.keySet()).isEqualTo(eventFields.keySet());
    assertThat(groupFields.values())
        .allSatisfy(field -> assertThat(field.path("type").asText()).isEqualTo("keyword"));
    assertThat(group.path("type").asText()).isEqualTo("object");
    assertThat(group.path("dynamic").asText()).isEqualTo("true");
  }

  /**
   * Any other group key is a keyword too (AlertJson writes strings; a number or a boolean from
   * another writer stays searchable beside them); nothing outside the group takes new fields.
   */
  @Test
  void onlyTheAlertGroupTakesNewFieldsAndTheyAreKeywords() {
    JsonNode alerts = mappings("vigil-alerts");
    assertThat(alerts.path("dynamic").asText()).isEqualTo("strict");
    List<String> types = new ArrayList<>();
    for (JsonNode entry : alerts.path("dynamic_templates")) {
      JsonNode template = entry.elements().next();
      assertThat(template.path("path_match").asText()).isEqualTo("group.*");
      assertThat(template.path("mapping").path("type").asText()).isEqualTo("keyword");
      types.add(template.path("match_mapping_type").asText());
    }
    // Not "*": it would take the objects that dotted keys (actor.id) expand into as keywords too.
    // Not "double": under coerce:false, OpenSearch 3.3 then fails the first document with a new
    // fractional group value on its next numeric field ("0.5 cannot be converted to Long").
    assertThat(types).containsExactlyInAnyOrder("string", "long", "boolean");
    for (String other : List.of("vigil-events", "vigil-deadletters")) {
      assertThat(mappings(other).path("dynamic").asText()).isEqualTo("strict");
      assertThat(mappings(other).has("dynamic_templates")).as(other).isFalse();
    }
  }

  @Test
  void alertsHaveAProcessingTimeAndANumericSeverity() {
    JsonNode properties = mappings("vigil-alerts").path("properties");
    assertThat(properties.path("indexed_at").path("type").asText()).isEqualTo("date");
    assertThat(properties.path("severity_rank").path("type").asText()).isEqualTo("integer");
  }

  /** Word search and case-insensitive match beside the exact keyword, which stays as it was. */
  @Test
  void eventsHaveWordAndLowerCaseSubFieldsOnANormalizerOfTheirOwn() {
    ObjectNode events = TemplateInstaller.render("vigil-events", IndexSettings.DEFAULT);
    JsonNode properties = events.path("template").path("mappings").path("properties");
    JsonNode normalizers =
        events.path("template").path("settings").path("index").path("analysis").path("normalizer");
    Map<String, JsonNode> fields = new TreeMap<>();
    leaves("", properties, true, fields);

    for (String parent : List.of("operation", "target.resource", "actor.name")) {
      assertThat(fields.get(parent).path("type").asText()).as(parent).isEqualTo("keyword");
      assertThat(fields.get(parent + ".text").path("type").asText()).isEqualTo("text");
      assertThat(fields.get(parent + ".text").path("analyzer").asText()).isEqualTo("standard");
    }
    for (String parent : List.of("operation", "target.resource")) {
      JsonNode lower = fields.get(parent + ".lower");
      assertThat(lower.path("type").asText()).as(parent).isEqualTo("keyword");
      String normalizer = lower.path("normalizer").asText();
      assertThat(normalizers.path(normalizer).path("filter"))
          .as("normalizer %s of %s.lower is defined in the template", normalizer, parent)
          .containsExactly(JSON.getNodeFactory().textNode("lowercase"));
    }
  }

  /** Every leaf of a mapping's properties, and with {@code subFields} its multi-fields, by path. */
  private static void leaves(
      String prefix, JsonNode properties, boolean subFields, Map<String, JsonNode> into) {
    properties
        .fields()
        .forEachRemaining(
            entry -> {
              String name = prefix + entry.getKey();
              if (entry.getValue().has("properties")) {
                leaves(name + ".", entry.getValue().path("properties"), subFields, into);
                return;
              }
              into.put(name, entry.getValue());
              if (!subFields) {
                return;
              }
              entry
                  .getValue()
                  .path("fields")
                  .fields()
                  .forEachRemaining(sub -> into.put(name + "." + sub.getKey(), sub.getValue()));
            });
  }
}
