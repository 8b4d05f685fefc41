package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.Rules;
import dev.vigil.rules.model.RuleFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Esper's shared filter index, not a scan, decides which rules' matchers run for an event. */
class FilterIndexTest {

  @Test
  void onlyTheRulesWhoseIndexedFieldMatchesRunTheirMatcher() throws Exception {
    StringBuilder yaml = new StringBuilder();
    int rules = 300;
    for (int i = 0; i < rules; i++) {
      yaml.append(i == 0 ? "" : "---\n")
          .append("title: rule ")
          .append(i)
          .append("\nid: 00000000-0000-4000-8000-")
          .append(String.format("%012d", i))
          .append("\nlogsource: {product: aws, service: cloudtrail}\n")
          .append("detection:\n  selection:\n    eventName: Operation")
          .append(i)
          .append("\n    userIdentity.type|contains: user\n  condition: selection\n");
    }
    CompiledPack pack = Rules.compile(yaml.toString());
    List<String> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, a -> alerts.add(a.ruleTitle()))) {
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Operation7\","
                  + "\"raw\":{\"eventName\":\"Operation7\",\"userIdentity\":{\"type\":\"IAMUser\"}}}"));
      engine.accept(Rules.event("{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Unrelated\"}"));
      engine.accept(Rules.event("{\"source\":\"VAULT\",\"operation\":\"operation7\"}"));
      engine.flush();
      assertThat(alerts).containsExactly("rule 7");
      assertThat(engine.judged()).isEqualTo(3);
      // One matcher run in all: the index skipped 299 rules for the first event and every rule
      // for the other two.
      assertThat(engine.matcherRuns()).isEqualTo(1);
    }
  }

  @Test
  void inListsAndRawFieldsAreIndexedToo() throws Exception {
    StringBuilder yaml = new StringBuilder();
    int rules = 100;
    for (int i = 0; i < rules; i++) {
      // Even rules: two operations (an in-list); odd rules: a raw field with no canonical twin.
      String selection =
          i % 2 == 0 ? "eventName: [Create" + i + ", Delete" + i + "]" : "userAgent: agent-" + i;
      yaml.append(i == 0 ? "" : "---\n")
          .append("title: rule ")
          .append(i)
          .append("\nid: 00000000-0000-4000-8000-")
          .append(String.format("%012d", i))
          .append("\nlogsource: {product: aws, service: cloudtrail}\n")
          .append("detection:\n  selection:\n    ")
          .append(selection)
          .append("\n  condition: selection\n");
    }
    CompiledPack pack = Rules.compile(yaml.toString());
    List<String> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, a -> alerts.add(a.ruleTitle()))) {
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Delete4\","
                  + "\"raw\":{\"eventName\":\"Delete4\",\"userAgent\":\"Agent-7\"}}"));
      // A list where a scalar is expected still reaches the rules on that field, in full.
      engine.accept(
          Rules.event(
              "{\"source\":\"AWS_CLOUDTRAIL\",\"operation\":\"Other\","
                  + "\"raw\":{\"userAgent\":[\"agent-9\"]}}"));
      engine.flush();
      assertThat(alerts).containsExactly("rule 4", "rule 7", "rule 9");
      // First event: rule 4 (operation) and rule 7 (userAgent); second: the 50 userAgent rules.
      assertThat(engine.matcherRuns()).isEqualTo(2 + rules / 2);
    }
  }

  /**
   * The built-in pack and the upstream rules over the corpus: a rule's full detection runs exactly
   * for the events that its source and its index key admit, so the cost per event follows the rules
   * that could match, not the size of the pack.
   */
  @Test
  void overTheCorpusOnlyTheRulesTheIndexAdmitsRunTheirDetection() throws Exception {
    List<RuleFile> files = new ArrayList<>(RulePack.builtIn().files());
    files.addAll(RulePack.load(List.of(Rules.upstreamSigmaDir())).files());
    CompiledPack pack = PackCompiler.compile(new RulePack(files, RulePack.builtIn().lists()));
    Normalizer normalizer = Normalizer.create();
    List<AuditEvent> events = new ArrayList<>();
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      for (Path file : CorpusRun.files(folder)) {
        events.addAll(CorpusRun.normalize(file, normalizer).events());
      }
    }
    long admitted = 0;
    for (AuditEvent event : events) {
      VigilEvent probe = new VigilEvent(event, pack, null, 0);
      for (CompiledRule rule : pack.rules()) {
        boolean source =
            rule.mapping() == null
                || rule.mapping().source().name().equals(event.getSource().name());
        boolean key =
            rule.indexKey() == null
                || rule.indexKey()
                    .lookupValues()
                    .contains(probe.lookup(rule.indexKey().field().key()));
        if (source && key) {
          admitted++;
        }
      }
    }
    try (DetectionEngine engine = DetectionEngine.start(pack, alert -> {})) {
      events.forEach(engine::accept);
      engine.flush();
      assertThat(engine.matcherRuns()).isEqualTo(admitted);
    }
    // Most rules name an operation or another exact value: an event reaches few of them.
    assertThat((double) admitted / events.size()).isLessThan(pack.rules().size() / 10.0);
  }
}
