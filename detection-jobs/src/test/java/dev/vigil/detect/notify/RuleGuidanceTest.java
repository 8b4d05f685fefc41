package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.model.Level;
import dev.vigil.rules.model.RuleMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class RuleGuidanceTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A rule with only the attributes guidance reads. */
  static RuleMeta rule(String description, List<String> falsePositives, List<String> references) {
    return new RuleMeta(
        "rules/r.yml",
        1,
        "0d3c9e41-7b2a-4f6e-8c15-93a4e7b1d2f8",
        "r",
        "R",
        "stable",
        description,
        "Vigil",
        null,
        null,
        references,
        List.of(),
        falsePositives,
        Level.HIGH,
        1,
        null,
        List.of(),
        null,
        null,
        List.of());
  }

  @Test
  void aRuleWithoutDescriptionFalsePositivesOrReferencesHasNone() {
    assertThat(RuleGuidance.of(rule(null, List.of(), List.of()))).isNull();
    assertThat(RuleGuidance.of(rule("  \n", List.of(" ", ""), List.of("\t")))).isNull();
  }

  @Test
  void textIsTrimmedAndBlankEntriesDropped() {
    RuleGuidance guidance =
        RuleGuidance.of(
            rule(
                "A folded description.\n",
                List.of("  Terraform applies \n", " "),
                List.of("", " https://runbooks.example/vigil ")));
    assertThat(guidance)
        .isEqualTo(
            new RuleGuidance(
                "A folded description.",
                List.of("Terraform applies"),
                List.of("https://runbooks.example/vigil")));
  }

  @Test
  void eachStringAndEachListIsCappedAndALongReferenceLeftOut() {
    List<String> falsePositives = new ArrayList<>();
    List<String> references = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      falsePositives.add("benign cause " + i);
      references.add("https://docs.example/" + i);
    }
    falsePositives.set(1, "x".repeat(RuleGuidance.MAX_ENTRY_CHARS + 1));
    // A cut URL leads nowhere: it is left out, and the next one takes its place.
    references.set(0, "https://docs.example/" + "y".repeat(RuleGuidance.MAX_ENTRY_CHARS));

    RuleGuidance guidance =
        RuleGuidance.of(
            rule("d".repeat(RuleGuidance.MAX_DESCRIPTION_CHARS + 50), falsePositives, references));

    assertThat(guidance.description()).hasSize(RuleGuidance.MAX_DESCRIPTION_CHARS).endsWith("d…");
    assertThat(guidance.falsePositives())
        .hasSize(RuleGuidance.MAX_ENTRIES)
        .containsExactly(
            "benign cause 0",
            "x".repeat(RuleGuidance.MAX_ENTRY_CHARS - 1) + "…",
            "benign cause 2",
            "benign cause 3",
            "benign cause 4");
    assertThat(guidance.references())
        .containsExactly(
            "https://docs.example/1",
            "https://docs.example/2",
            "https://docs.example/3",
            "https://docs.example/4",
            "https://docs.example/5");
  }

  @Test
  void aCutNeverHalvesASurrogatePair() {
    // "🔑" is two chars; placed so that the cut would fall between them.
    String description = "k".repeat(RuleGuidance.MAX_DESCRIPTION_CHARS - 2) + "🔑 and more";
    String falsePositive = "k".repeat(RuleGuidance.MAX_ENTRY_CHARS - 2) + "🔑 and more";

    RuleGuidance guidance = RuleGuidance.of(rule(description, List.of(falsePositive), List.of()));

    assertThat(guidance.description())
        .isEqualTo("k".repeat(RuleGuidance.MAX_DESCRIPTION_CHARS - 2) + "…");
    assertThat(guidance.falsePositives())
        .containsExactly("k".repeat(RuleGuidance.MAX_ENTRY_CHARS - 2) + "…");
  }

  @Test
  void aPageCarriesOnlyTheGuidanceTheRuleHas() throws Exception {
    RuleGuidance onlyFalsePositives =
        RuleGuidance.of(rule(null, List.of("Terraform applies"), List.of()));
    PagerDutyNotifier notifier =
        new PagerDutyNotifier(
            NotifyConfig.PAGERDUTY_EVENTS_URL,
            Secret.of("routing-key-123", "env PD"),
            null,
            id -> null,
            Map.of(Alerts.spike(Alerts.id(1), "alice", 0).ruleId(), onlyFalsePositives)::get,
            Duration.ofSeconds(10));

    JsonNode details =
        MAPPER
            .readTree(notifier.body(Notification.trigger(Alerts.spike(Alerts.id(1), "alice", 0))))
            .at("/payload/custom_details");

    assertThat(details.get("rule_falsepositives"))
        .isEqualTo(MAPPER.readTree("[\"Terraform applies\"]"));
    assertThat(details.has("rule_description")).isFalse();
    assertThat(details.has("rule_references")).isFalse();
  }

  /**
   * The built-in pack: every rule has guidance (a description at least), within the bounds, and the
   * map travels with the job graph.
   */
  @Test
  void theBuiltInPacksGuidanceIsBoundedAndSerializable() throws Exception {
    RulePack pack = RulePack.builtIn();
    HashMap<String, RuleGuidance> byRuleId = RuleGuidance.byRuleId(pack);

    long rules = pack.files().stream().mapToLong(f -> f.documents().size()).sum();
    assertThat(byRuleId).hasSize((int) rules);
    for (RuleGuidance guidance : byRuleId.values()) {
      assertThat(guidance.description()).hasSizeBetween(1, RuleGuidance.MAX_DESCRIPTION_CHARS);
      assertThat(guidance.falsePositives()).hasSizeLessThanOrEqualTo(RuleGuidance.MAX_ENTRIES);
      assertThat(guidance.references()).hasSizeLessThanOrEqualTo(RuleGuidance.MAX_ENTRIES);
    }
    RuleGuidance spike = byRuleId.get("afd1b446-ce0e-4d35-8b73-13c62c1c9120");
    assertThat(spike.description()).startsWith("One identity was refused 10 times or more");
    assertThat(spike.falsePositives()).hasSize(2);
    assertThat(
            InstantiationUtil.<HashMap<String, RuleGuidance>>deserializeObject(
                InstantiationUtil.serializeObject(byRuleId), getClass().getClassLoader()))
        .isEqualTo(byRuleId);
  }
}
