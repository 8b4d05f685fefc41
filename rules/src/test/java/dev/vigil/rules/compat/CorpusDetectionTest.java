package dev.vigil.rules.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.rules.Alert;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.Rules;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The upstream SigmaHQ cloud rules and the built-in pack, together in one engine, over every record
 * of the shared corpus: nothing throws, every event is judged, and rules whose logsource matches
 * corpus records find what the corpus is known to hold.
 */
class CorpusDetectionTest {

  @Test
  void upstreamAndBuiltInRulesRunOverTheWholeCorpus() throws Exception {
    CompiledPack pack = Rules.builtInAndUpstream();

    List<AuditEvent> events = Rules.corpusEvents();
    assertThat(events).hasSizeGreaterThan(1000);

    Map<String, Integer> alertsByRule = new TreeMap<>();
    long judged;
    try (DetectionEngine engine =
        DetectionEngine.start(
            pack, alert -> alertsByRule.merge(alert.ruleTitle(), 1, Integer::sum))) {
      events.forEach(engine::accept);
      engine.flush();
      judged = engine.judged();
      System.out.printf(
          "corpus: %d events judged by %d rules, %d matcher runs, alerts per rule: %s%n",
          judged,
          pack.rules().size() + pack.correlations().size(),
          engine.matcherRuns(),
          alertsByRule);
    }
    assertThat(judged).isEqualTo(events.size());
    // The corpus holds root activity on Vault and AWS, StopLogging/DeleteTrail, and denial bursts.
    assertThat(alertsByRule).containsKey("Root credential used");
    assertThat(alertsByRule).containsKey("AWS CloudTrail Important Change");
    assertThat(alertsByRule.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(20);
  }

  @Test
  void alertsOfTheCorpusAreTheSameOnEveryRun() throws Exception {
    CompiledPack pack = PackCompiler.compile(RulePack.builtIn());
    Normalizer normalizer = Normalizer.create();
    List<AuditEvent> events = new ArrayList<>();
    for (Path file : CorpusRun.files("cloudtrail")) {
      events.addAll(CorpusRun.normalize(file, normalizer).events());
    }
    List<Alert> first = run(pack, events);
    assertThat(run(pack, events)).isEqualTo(first);
  }

  private static List<Alert> run(CompiledPack pack, List<AuditEvent> events) {
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      events.forEach(engine::accept);
      engine.flush();
    }
    return alerts;
  }
}
