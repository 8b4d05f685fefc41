package dev.vigil.rules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RuleValidator;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleLoaderTest {

  @Test
  void readsSigmaAttributesAndVigilExtensions() throws Exception {
    RuleFile file =
        RuleLoader.load(
            "r.yml",
            """
            title: Policy change
            id: 33333333-3333-4333-8333-333333333333
            name: policy_change_vault
            author: Jane Doe
            level: high
            version: 3
            detection_class: policy_change
            notify: [pagerduty-secops]
            suppress: {period: 1h, by: [actor.id]}
            tags: [attack.t1098]
            logsource: {product: hashicorp, service: vault}
            detection:
              sel:
                action: update
              condition: sel
            """);
    SigmaRule rule = (SigmaRule) file.documents().get(0);
    assertThat(rule.meta().version()).isEqualTo(3);
    assertThat(rule.meta().level()).isEqualTo(Level.HIGH);
    assertThat(rule.meta().detection()).isEqualTo("policy_change");
    assertThat(rule.meta().notifyRoutes()).containsExactly("pagerduty-secops");
    assertThat(rule.meta().suppress().period()).isEqualTo(Duration.ofHours(1));
    assertThat(rule.meta().suppress().by()).containsExactly("actor.id");
    assertThat(rule.logsource().product()).isEqualTo("hashicorp");
    assertThat(rule.condition()).containsExactly("sel");
  }

  @Test
  void awaitResponseIsATimeSpanOnASingleEventRuleWithoutSuppress() throws Exception {
    String rule =
        """
        title: t
        id: 33333333-3333-4333-8333-333333333333
        await_response: 2m
        detection:
          sel:
            actor.root: true
          condition: sel
        """;
    SigmaRule loaded = (SigmaRule) RuleLoader.load("ok.yml", rule).documents().get(0);
    assertThat(loaded.meta().awaitResponse()).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> RuleLoader.load("bad.yml", rule.replace("2m", "soon")))
        .hasMessageContaining("bad.yml:3: 'await_response' must be a time span such as 2m");
    assertThatThrownBy(
            () -> RuleLoader.load("both.yml", rule + "suppress: {period: 1h, by: [actor.id]}\n"))
        .hasMessageContaining("both.yml:3: 'await_response' cannot be combined with 'suppress'");
  }

  @Test
  void standsForNamesRulesBesideAwaitResponseOnly() throws Exception {
    String rule =
        """
        title: t
        id: 33333333-3333-4333-8333-333333333333
        await_response: 2m
        stands_for: [use, 44444444-4444-4444-8444-444444444444]
        detection:
          sel:
            actor.root: true
          condition: sel
        """;
    SigmaRule loaded = (SigmaRule) RuleLoader.load("ok.yml", rule).documents().get(0);
    assertThat(loaded.meta().standsFor())
        .containsExactly("use", "44444444-4444-4444-8444-444444444444");
    assertThatThrownBy(() -> RuleLoader.load("alone.yml", rule.replace("await_response: 2m\n", "")))
        .hasMessageContaining("alone.yml:3: 'stands_for' needs 'await_response'");
  }

  @Test
  void aTimespanIsANumberAndALowerCaseSigmaUnitElseAnErrorThatSaysWhy() throws Exception {
    String correlation =
        """
        title: t
        id: 33333333-3333-4333-8333-333333333333
        correlation:
          type: event_count
          rules: [a]
          timespan: %s
          condition: {gte: 2}
        """;
    for (String unit : java.util.List.of("500ms", "30s", "5m", "2h", "1d", "1w")) {
      CorrelationRule loaded =
          (CorrelationRule)
              RuleLoader.load("ok.yml", correlation.formatted(unit)).documents().get(0);
      assertThat(Durations.format(loaded.timespan())).isEqualTo(unit);
    }
    // 1M is a month to other Sigma tools, and was read here as a minute; 1H and 10min ran in
    // `test` and `detect` while `validate` (the schema) refused them.
    java.util.Map<String, String> refused =
        java.util.Map.of(
            "1M",
                ": '1M' is no unit of a rule: minutes are m, and months (M) and years (y) are not",
            "1y", ": '1y' is no unit of a rule",
            "1H", ": units are lower case, as Sigma writes them (1h)",
            "10min", ": write 10m (minutes are m in a rule, as Sigma writes them)",
            "1h30m", ": one number and one unit; write 90m for 1h30m",
            "90", ": '90' has no unit; add one, e.g. 90s or 90m",
            "0m", ": a span is longer than zero");
    refused.forEach(
        (text, why) ->
            assertThatThrownBy(() -> RuleLoader.load("bad.yml", correlation.formatted(text)))
                .as(text)
                .hasMessageContaining(
                    "bad.yml:6: 'timespan' must be a time span such as 5m, 1h, 1d" + why));
  }

  @Test
  void aCountingCorrelationWithoutAConditionSaysSoInEnglish() {
    String correlation =
        """
        title: t
        id: 33333333-3333-4333-8333-333333333333
        correlation:
          type: %s
          rules: [a]
          timespan: 5m
        """;
    assertThatThrownBy(() -> RuleLoader.load("e.yml", correlation.formatted("event_count")))
        .hasMessageContaining("e.yml:3: an event_count correlation needs a 'condition'");
    assertThatThrownBy(() -> RuleLoader.load("v.yml", correlation.formatted("value_count")))
        .hasMessageContaining("v.yml:3: a value_count correlation needs a 'condition'");
  }

  @Test
  void errorsNameTheFileAndLine() {
    assertThatThrownBy(
            () ->
                RuleLoader.load(
                    "bad.yml",
                    """
                    title: t
                    id: not-a-uuid
                    level: severe
                    detection:
                      sel:
                        a: 1
                    """))
        .isInstanceOf(RuleException.class)
        .hasMessageContaining("bad.yml:2: 'id' must be a UUID")
        .hasMessageContaining("bad.yml:3: unknown level 'severe'")
        .hasMessageContaining("bad.yml:4: 'detection' needs a 'condition'");
  }

  /**
   * Sigma's {@code date} (creation) and {@code modified} (last change) are dates written
   * YYYY-MM-DD, and a rule cannot have changed before it was written.
   */
  @Test
  void dateAndModifiedAreSigmaDatesAndModifiedIsNotBeforeDate() throws Exception {
    String rule =
        """
        title: t
        id: 11111111-1111-4111-8111-111111111111
        date: %s
        modified: %s
        detection:
          sel:
            a: 1
          condition: sel
        """;
    SigmaRule loaded =
        (SigmaRule)
            RuleLoader.load("r.yml", rule.formatted("2025-01-15", "2025-03-01")).documents().get(0);
    assertThat(loaded.meta().date()).isEqualTo("2025-01-15");
    assertThat(loaded.meta().modified()).isEqualTo("2025-03-01");
    assertThat(RuleLoader.load("r.yml", rule.formatted("2025-01-15", "2025-01-15")).documents())
        .hasSize(1);

    assertThatThrownBy(() -> RuleLoader.load("r.yml", rule.formatted("2025-03-01", "2025-01-15")))
        .isInstanceOf(RuleException.class)
        .hasMessage(
            "r.yml:4: 'modified' (2025-01-15) is before 'date' (2025-03-01): 'date' is when the"
                + " rule was written, 'modified' its last change");
    assertThatThrownBy(() -> RuleLoader.load("r.yml", rule.formatted("2019/10/23", "2025-02-30")))
        .isInstanceOf(RuleException.class)
        .hasMessage(
            "r.yml:3: 'date' must be a date written YYYY-MM-DD, such as 2025-03-01 (got"
                + " '2019/10/23'): write 2019-10-23\n"
                + "r.yml:4: 'modified' must be a date written YYYY-MM-DD, such as 2025-03-01 (got"
                + " '2025-02-30')");
  }

  @Test
  void aMisspelledAttributeIsAnErrorNotACustomOne() {
    // 'test' would be kept as a custom attribute, and the rule's tests would never run.
    assertThatThrownBy(
            () ->
                RuleLoader.load(
                    "typo.yml",
                    """
                    title: t
                    id: 33333333-3333-4333-8333-333333333333
                    detection:
                      sel:
                        action: read
                      condition: sel
                    supress: 1h
                    Detection_Class: policy_change
                    falsepositive: [none]
                    test:
                      - name: a read
                        events: [{event: {action: read}}]
                        expect: {alerts: 1}
                    """))
        .isInstanceOf(RuleException.class)
        .hasMessageContaining("typo.yml:7: unknown attribute 'supress': did you mean 'suppress'?")
        .hasMessageContaining(
            "typo.yml:8: unknown attribute 'Detection_Class': did you mean 'detection_class'?")
        .hasMessageContaining(
            "typo.yml:9: unknown attribute 'falsepositive': did you mean 'falsepositives'?")
        .hasMessageContaining("typo.yml:10: unknown attribute 'test': did you mean 'tests'?");
  }

  @Test
  void customAttributesFarFromKnownOnesAreAllowed() throws Exception {
    RuleFile file =
        RuleLoader.load(
            "custom.yml",
            """
            title: t
            id: 33333333-3333-4333-8333-333333333333
            uid: 42
            owner: secops
            runbook: https://wiki.example.com/runbooks/t
            detection:
              sel:
                action: read
              condition: sel
            """);
    assertThat(file.documents()).hasSize(1);
  }

  @Test
  void editDistanceCountsASwapOfNeighboursAsOneEdit() {
    assertThat(NearNames.distance("detcetion", "detection")).isEqualTo(1);
    assertThat(NearNames.distance("tests", "test")).isEqualTo(1);
    assertThat(NearNames.distance("corelation", "correlation")).isEqualTo(1);
    assertThat(NearNames.distance("owner", "author")).isGreaterThan(2);
  }

  @Test
  void duplicateKeysAndYamlSyntaxErrorsAreReported() {
    assertThatThrownBy(
            () ->
                RuleLoader.load(
                    "dup.yml",
                    "title: t\nid: 33333333-3333-4333-8333-333333333333\ndetection:\n  sel: {a: 1}\n  sel: {a: 2}\n  condition: sel\n"))
        .hasMessageContaining("dup.yml:5: duplicate key 'sel'");
    assertThatThrownBy(() -> RuleLoader.load("syntax.yml", "title: [unclosed\n"))
        .hasMessageContaining("syntax.yml:")
        .hasMessageContaining("invalid YAML");
    // Noticed at the next key, two lines below the '[' that was never closed.
    assertThatThrownBy(
            () ->
                RuleLoader.load(
                    "flow.yml",
                    "title: t\nid: 33333333-3333-4333-8333-333333333333\ntags: [a.b, c.d\n\n"
                        + "level: low\n"))
        .hasMessageContaining("flow.yml:5: invalid YAML: expected ',' or ']'")
        .hasMessageContaining("(while parsing a flow sequence started at line 3)");
  }

  @Test
  void readsCorrelationsAndTimeframeIsRefused() throws Exception {
    RuleFile file =
        RuleLoader.load(
            "c.yml",
            """
            title: c
            id: 33333333-3333-4333-8333-333333333334
            correlation:
              type: value_count
              rules: [a]
              group-by: [actor.id]
              timespan: 10m
              condition: {field: target.resource, gte: 50}
            """);
    CorrelationRule correlation = (CorrelationRule) file.documents().get(0);
    assertThat(correlation.type()).isEqualTo(CorrelationType.VALUE_COUNT);
    assertThat(correlation.timespan()).isEqualTo(Duration.ofMinutes(10));
    assertThat(correlation.conditions()).containsEntry("gte", 50L);
    assertThat(correlation.conditionField()).isEqualTo("target.resource");
    assertThatThrownBy(
            () ->
                RuleLoader.load(
                    "t.yml",
                    "title: t\nid: 33333333-3333-4333-8333-333333333333\ndetection:\n  sel: {a: 1}\n  timeframe: 5m\n  condition: sel\n"))
        .hasMessageContaining("t.yml:5: 'timeframe' belongs to Sigma 1");
  }

  @Test
  void aMisspelledCorrelationTypeOrConditionGetsTheNearName() {
    assertThatThrownBy(
            () ->
                RuleLoader.load(
                    "c.yml",
                    """
                    title: c
                    id: 33333333-3333-4333-8333-333333333334
                    correlation:
                      type: event_cuont
                      rules: [a]
                      timespan: 10m
                      condition: {gtee: 5}
                    """))
        .hasMessageContaining(
            "c.yml:4: unsupported correlation type 'event_cuont' (event_count, value_count,"
                + " temporal, temporal_ordered); did you mean 'event_count'?")
        .hasMessageContaining(
            "c.yml:7: unknown correlation condition 'gtee' (gt, gte, lt, lte, eq, neq, field);"
                + " did you mean 'gte'?");
  }

  @Test
  void theLoaderAndTheSchemaKnowTheSameWords() throws Exception {
    JsonNode schema;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(RuleValidator.SCHEMA_RESOURCE)) {
      schema = new ObjectMapper().readTree(in).path("properties");
    }
    assertThat(words(schema.at("/level/enum"))).isEqualTo(RuleLoader.LEVELS);
    assertThat(words(schema.at("/status/enum"))).isEqualTo(RuleLoader.STATUSES);
    assertThat(words(schema.at("/detection_class/enum"))).isEqualTo(RuleLoader.DETECTION_CLASSES);
    assertThat(words(schema.at("/correlation/properties/type/enum")))
        .isEqualTo(RuleLoader.CORRELATION_TYPES);
  }

  private static List<String> words(JsonNode array) {
    List<String> words = new ArrayList<>();
    array.forEach(word -> words.add(word.asText()));
    return words;
  }
}
