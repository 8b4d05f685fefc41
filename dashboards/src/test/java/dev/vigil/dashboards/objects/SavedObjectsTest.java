package dev.vigil.dashboards.objects;

import static dev.vigil.dashboards.objects.ShippedObjects.embedded;
import static dev.vigil.dashboards.objects.ShippedObjects.searchSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.index.TemplateInstaller;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.Source;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped saved objects against the index templates: OpenSearch Dashboards cannot run here, so
 * what it would show as "field not found", "not aggregatable" or a broken reference is checked from
 * the files themselves. (What the panels' queries return is {@code SavedObjectsQueriesITCase}'s.)
 */
class SavedObjectsTest {

  private static final Set<String> AGGREGATABLE_TYPES =
      Set.of("keyword", "ip", "boolean", "date", "integer", "long", "short", "byte", "double");

  /** A KQL field reference: {@code denied:true}, {@code actor.name : "x"}. */
  private static final Pattern KQL_FIELD = Pattern.compile("([A-Za-z_][\\w.]*)\\s*:");

  /** Query DSL clauses whose keys are field names; {@code exists} names its field as a value. */
  private static final Set<String> FIELD_KEYED_QUERIES =
      Set.of("term", "terms", "wildcard", "prefix", "regexp", "range", "match", "match_phrase");

  /** Aggregation parameters that name a field: the field itself, and a top hit's sort. */
  private static final List<String> FIELD_PARAMS = List.of("field", "sortField");

  private static ShippedObjects shipped;

  @BeforeAll
  static void parse() {
    shipped = new ShippedObjects();
  }

  @Test
  void shipsIndexPatternsVisualizationsSearchesAndTheOverviewDashboard() {
    assertThat(shipped.byId)
        .containsKeys(
            "index-pattern/vigil-events",
            "index-pattern/vigil-alerts",
            "index-pattern/vigil-deadletters",
            "index-pattern/vigil-alerts-by-arrival",
            "visualization/vigil-alerts-by-detection",
            "visualization/vigil-alerts-by-severity",
            "visualization/vigil-alerts-by-actor",
            "visualization/vigil-top-actors",
            "visualization/vigil-denied-by-source",
            "visualization/vigil-denied-by-source-ip",
            "visualization/vigil-failed-sign-ins",
            "visualization/vigil-deadletters-by-reason",
            "search/vigil-recent-alerts",
            "search/vigil-recent-alerts-by-arrival",
            "search/vigil-root-use",
            "search/vigil-policy-changes",
            "dashboard/vigil-overview");
    assertThat(shipped.objects)
        .allSatisfy(object -> assertThat(object.path("migrationVersion")).isNotEmpty());
  }

  @Test
  void everyIndexPatternMatchesOneTemplateAndItsTimeFieldIsADate() {
    for (JsonNode pattern : shipped.ofType("index-pattern")) {
      Map<String, JsonNode> fields = fieldsOf(pattern);
      JsonNode time = fields.get(pattern.path("attributes").path("timeFieldName").asText());
      assertThat(time).as("time field of %s", pattern.path("id")).isNotNull();
      assertThat(time.path("type").asText()).isEqualTo("date");
    }
  }

  @Test
  void everyReferenceResolvesToAnObjectOfTheFile() {
    for (JsonNode object : shipped.objects) {
      for (JsonNode reference : object.path("references")) {
        assertThat(shipped.byId)
            .as("%s references %s", object.path("id"), reference)
            .containsKey(reference.path("type").asText() + "/" + reference.path("id").asText());
      }
      for (JsonNode filter : searchSource(object).path("filter")) {
        String refName = filter.path("meta").path("indexRefName").asText();
        assertThat(shipped.referenced(object, refName))
            .as("the index pattern of a filter of %s", object.path("id"))
            .isEqualTo(shipped.indexPatternOf(object));
      }
    }
    JsonNode dashboard = shipped.byId.get("dashboard/vigil-overview");
    List<String> panelRefs = new ArrayList<>();
    for (JsonNode panel : embedded(dashboard.path("attributes").path("panelsJSON"))) {
      panelRefs.add(panel.path("panelRefName").asText());
    }
    List<String> referenceNames = new ArrayList<>();
    dashboard.path("references").forEach(r -> referenceNames.add(r.path("name").asText()));
    assertThat(panelRefs).containsExactlyInAnyOrderElementsOf(referenceNames);
  }

  @Test
  void theOverviewShowsEveryVisualizationAndSearchWithoutOverlaps() {
    JsonNode dashboard = shipped.byId.get("dashboard/vigil-overview");
    List<String> panels = new ArrayList<>();
    dashboard
        .path("references")
        .forEach(r -> panels.add(r.path("type").asText() + "/" + r.path("id").asText()));
    List<String> shown = new ArrayList<>();
    for (JsonNode object : shipped.objects) {
      String type = object.path("type").asText();
      if (type.equals("visualization") || type.equals("search")) {
        shown.add(type + "/" + object.path("id").asText());
      }
    }
    assertThat(panels).containsExactlyInAnyOrderElementsOf(shown);

    Set<String> cells = new HashSet<>();
    for (JsonNode panel : embedded(dashboard.path("attributes").path("panelsJSON"))) {
      JsonNode grid = panel.path("gridData");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(48);
      for (int x = grid.path("x").asInt();
          x < grid.path("x").asInt() + grid.path("w").asInt();
          x++) {
        for (int y = grid.path("y").asInt();
            y < grid.path("y").asInt() + grid.path("h").asInt();
            y++) {
          assertThat(cells.add(x + "," + y)).as("panel %s overlaps another", grid).isTrue();
        }
      }
    }
  }

  @Test
  void everyFieldAVisualizationOrSearchUsesIsMappedAndAggregationsUseAggregatableFields() {
    int checked = 0;
    for (JsonNode object : shipped.objects) {
      JsonNode attributes = object.path("attributes");
      JsonNode searchSource = searchSource(object);
      if (!searchSource.has("indexRefName")) {
        continue;
      }
      Map<String, JsonNode> fields = fieldsOf(shipped.indexPatternOf(object));
      String query = searchSource.path("query").path("query").asText();
      Matcher kql = KQL_FIELD.matcher(query);
      while (kql.find()) {
        assertThat(fields).as("query of %s", object.path("id")).containsKey(kql.group(1));
        checked++;
      }
      for (JsonNode filter : searchSource.path("filter")) {
        List<String> named = new ArrayList<>();
        dslFields(filter.path("query"), named);
        assertThat(named).as("fields of a filter of %s", object.path("id")).isNotEmpty();
        for (String field : named) {
          assertThat(fields).as("filter of %s", object.path("id")).containsKey(field);
          assertThat(fields.get(field).path("index").asBoolean(true))
              .as("%s in a filter of %s is indexed", field, object.path("id"))
              .isTrue();
          checked++;
        }
      }
      for (JsonNode agg : embedded(attributes.path("visState")).path("aggs")) {
        for (String param : FIELD_PARAMS) {
          if (agg.path("params").has(param)) {
            String field = agg.path("params").path(param).asText();
            assertThat(fields).as("aggregation of %s", object.path("id")).containsKey(field);
            assertThat(aggregatable(fields.get(field)))
                .as("%s in %s is aggregatable", field, object.path("id"))
                .isTrue();
            checked++;
          }
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
    assertThat(checked).as("field references checked").isGreaterThan(40);
  }

  /**
   * Dashboards asks for a missing bucket with the value {@code __missing__}, which only a keyword
   * field can take: on an {@code ip}, number or date field the whole panel fails.
   */
  @Test
  void missingBucketsAreOnlyOnKeywordFields() {
    int missingBuckets = 0;
    for (JsonNode object : shipped.ofType("visualization")) {
      Map<String, JsonNode> fields = fieldsOf(shipped.indexPatternOf(object));
      for (JsonNode agg : embedded(object.path("attributes").path("visState")).path("aggs")) {
        if (agg.path("params").path("missingBucket").asBoolean()) {
          String field = agg.path("params").path("field").asText();
          assertThat(fields.get(field).path("type").asText())
              .as("%s with a missing bucket in %s", field, object.path("id"))
              .isEqualTo("keyword");
          missingBuckets++;
        }
      }
    }
    assertThat(missingBuckets).isPositive();
  }

  /**
   * A table makes its rows from the innermost buckets, so a bucket whose split below has no bucket
   * makes no row at all: an address whose denied requests carry no actor name vanished from "denied
   * access by source IP". Below the first split of an event panel, a field an event may lack
   * (nullable in the Avro schema, or an array) therefore needs a missing bucket.
   */
  @Test
  void splitsBelowTheFirstOnAFieldAnEventMayLackKeepItsRowsWithAMissingBucket() {
    Set<String> mayLack = new HashSet<>();
    optionalFields("", AuditEvent.getClassSchema(), mayLack);
    assertThat(mayLack).contains("actor.name", "src.ip").doesNotContain("source", "time");
    int splitsChecked = 0;
    for (JsonNode object : shipped.ofType("visualization")) {
      if (!shipped.indexPatternOf(object).path("id").asText().equals("vigil-events")) {
        continue;
      }
      boolean first = true;
      for (JsonNode agg : embedded(object.path("attributes").path("visState")).path("aggs")) {
        if (agg.path("schema").asText().equals("metric")) {
          continue;
        }
        if (!first) {
          String field = agg.path("params").path("field").asText();
          assertThat(
                  !mayLack.contains(field) || agg.path("params").path("missingBucket").asBoolean())
              .as("the %s split of %s keeps events without it", field, object.path("id"))
              .isTrue();
          splitsChecked++;
        }
        first = false;
      }
    }
    assertThat(splitsChecked).isGreaterThanOrEqualTo(4);
  }

  /**
   * A Vault request is two events, its request and response entries (docs/schema.md "Event ids and
   * requests"), where detections count it once: every event panel leaves the request entry out with
   * the same filter, and the filter matches exactly the request entries the Vault parser writes.
   */
  @Test
  void everyEventPanelCountsAVaultRequestOnce() {
    JsonNode vaultRequestEntries = null;
    int panels = 0;
    for (JsonNode object : shipped.objects) {
      if (!searchSource(object).has("indexRefName")
          || !shipped.indexPatternOf(object).path("id").asText().equals("vigil-events")) {
        continue;
      }
      List<JsonNode> negated = new ArrayList<>();
      for (JsonNode filter : searchSource(object).path("filter")) {
        if (filter.path("meta").path("negate").asBoolean()
            && !filter.path("meta").path("disabled").asBoolean()) {
          negated.add(filter.path("query"));
        }
      }
      assertThat(negated).as("filters of %s", object.path("id")).hasSize(1);
      if (vaultRequestEntries == null) {
        vaultRequestEntries = negated.get(0);
      }
      assertThat(negated.get(0))
          .as("filter of %s", object.path("id"))
          .isEqualTo(vaultRequestEntries);
      panels++;
    }
    assertThat(panels).isGreaterThanOrEqualTo(6);

    Map<String, AuditEvent> entries = vaultEntries();
    assertThat(entries.keySet())
        .containsExactlyInAnyOrder(
            "11111111-2222-3333-4444-555555555555:request",
            "11111111-2222-3333-4444-555555555555:response");
    for (AuditEvent entry : entries.values()) {
      assertThat(matches(vaultRequestEntries, entry))
          .as(entry.getEventId())
          .isEqualTo(entry.getEventId().endsWith(":request"));
    }
    for (String id : List.of("x:kmip-request", "x:kmip-response", "sha256:0a1b", "x:request")) {
      AuditEvent vault = event(Source.VAULT, id);
      assertThat(matches(vaultRequestEntries, vault)).as(id).isEqualTo(id.endsWith("request"));
      assertThat(matches(vaultRequestEntries, event(Source.AWS_CLOUDTRAIL, id))).as(id).isFalse();
    }
  }

  /**
   * The checks above are only as good as the lookup: sub-fields count, objects and strays do not.
   */
  @Test
  void theFieldLookupSeesSubFieldsAndRejectsUnmappedNames() {
    Map<String, JsonNode> events = fieldsOf(shipped.byId.get("index-pattern/vigil-events"));
    assertThat(events).containsKeys("actor.name", "src.ip", "error_message.keyword", "time");
    assertThat(events).doesNotContainKeys("actor", "user.name");
    assertThat(aggregatable(events.get("raw"))).isFalse();
    assertThat(aggregatable(events.get("error_message"))).isFalse();
    List<String> named = new ArrayList<>();
    dslFields(
        ShippedObjects.parse(
            "{\"bool\":{\"filter\":[{\"term\":{\"a\":\"x\"}},{\"exists\":{\"field\":\"b\"}}],"
                + "\"should\":[{\"wildcard\":{\"c\":\"*\"}}],\"minimum_should_match\":1}}"),
        named);
    assertThat(named).containsExactlyInAnyOrder("a", "b", "c");
  }

  /** A request and its response, as Vault's file audit device writes them. */
  private static Map<String, AuditEvent> vaultEntries() {
    String request =
        "{\"time\":\"2026-11-20T10:00:00.1Z\",\"type\":\"%s\",\"auth\":{\"client_token\":"
            + "\"hmac-sha256:c1\",\"accessor\":\"hmac-sha256:a1\",\"display_name\":\"token-ci\","
            + "\"policies\":[\"default\"],\"token_type\":\"service\"},\"request\":{\"id\":"
            + "\"11111111-2222-3333-4444-555555555555\",\"operation\":\"read\",\"mount_type\":"
            + "\"kv\",\"namespace\":{\"id\":\"root\"},\"path\":\"secret/data/db\","
            + "\"remote_address\":\"10.0.0.7\"}%s}";
    Map<String, AuditEvent> events = new LinkedHashMap<>();
    NormalizeOutput out =
        new NormalizeOutput() {
          @Override
          public void event(AuditEvent event) {
            events.put(event.getEventId(), event);
          }

          @Override
          public void deadLetter(DeadLetter deadLetter) {
            throw new AssertionError("dead letter: " + deadLetter.getMessage());
          }
        };
    Normalizer normalizer = Normalizer.create();
    normalizer.normalize(RawRecord.of(request.formatted("request", ""), "test:1"), out);
    normalizer.normalize(
        RawRecord.of(request.formatted("response", ",\"response\":{}"), "test:2"), out);
    return events;
  }

  private static AuditEvent event(Source source, String eventId) {
    AuditEvent event = vaultEntries().values().iterator().next();
    event.setSource(source);
    event.setEventId(eventId);
    return event;
  }

  /**
   * Whether {@code event} matches {@code query}, for the clauses the filter is made of: {@code
   * bool} (filter, must, should, must_not), {@code term} and {@code wildcard} on top-level fields.
   */
  private static boolean matches(JsonNode query, AuditEvent event) {
    if (query.has("bool")) {
      JsonNode bool = query.path("bool");
      for (JsonNode clause : concat(bool.path("filter"), bool.path("must"))) {
        if (!matches(clause, event)) {
          return false;
        }
      }
      for (JsonNode clause : bool.path("must_not")) {
        if (matches(clause, event)) {
          return false;
        }
      }
      int should = 0;
      for (JsonNode clause : bool.path("should")) {
        should += matches(clause, event) ? 1 : 0;
      }
      return should >= bool.path("minimum_should_match").asInt(bool.has("should") ? 1 : 0);
    }
    String type = query.fieldNames().next();
    Map.Entry<String, JsonNode> clause = query.path(type).fields().next();
    String value = String.valueOf(event.get(clause.getKey()));
    String wanted =
        clause.getValue().isObject()
            ? clause.getValue().path("value").asText()
            : clause.getValue().asText();
    return switch (type) {
      case "term" -> value.equals(wanted);
      case "wildcard" ->
          value.matches(("\\Q" + wanted + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
      default -> throw new AssertionError("not a clause the test evaluates: " + query);
    };
  }

  private static List<JsonNode> concat(JsonNode first, JsonNode second) {
    List<JsonNode> all = new ArrayList<>();
    first.forEach(all::add);
    second.forEach(all::add);
    return all;
  }

  /** The fields a query DSL names. */
  private static void dslFields(JsonNode query, List<String> into) {
    query
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode value = entry.getValue();
              if (FIELD_KEYED_QUERIES.contains(entry.getKey())) {
                value.fieldNames().forEachRemaining(into::add);
              } else if (entry.getKey().equals("exists")) {
                into.add(value.path("field").asText());
              } else if (value.isObject()) {
                dslFields(value, into);
              } else if (value.isArray()) {
                value.forEach(clause -> dslFields(clause, into));
              }
            });
  }

  /** The dotted names of the fields an event may lack: nullable ones and arrays. */
  private static void optionalFields(String prefix, Schema record, Set<String> into) {
    for (Schema.Field field : record.getFields()) {
      String name = prefix + field.name();
      Schema type = field.schema();
      if (type.getType() == Schema.Type.RECORD) {
        optionalFields(name + ".", type, into);
      } else if (type.getType() == Schema.Type.ARRAY
          || (type.getType() == Schema.Type.UNION
              && type.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL))) {
        into.add(name);
      }
    }
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
}
