package dev.vigil.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.Rules;
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
}
