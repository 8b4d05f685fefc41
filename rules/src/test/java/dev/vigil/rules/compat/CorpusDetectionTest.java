package dev.vigil.rules.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.rules.Alert;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.Rules;
import dev.vigil.rules.engine.CompiledCorrelation;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.CompiledRule;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The upstream SigmaHQ cloud rules and the built-in pack, together in one engine, over every record
 * of the shared corpus: nothing throws, every event is judged, and every built-in rule raises the
 * alerts pinned in {@code src/test/resources/corpus/built-in-alerts.txt} (so a rule that goes quiet
 * or noisy on real records fails here with its name), the upstream rules their pinned total.
 */
class CorpusDetectionTest {

  private static final Path EXPECTED =
      Path.of("src", "test", "resources", "corpus", "built-in-alerts.txt");
  private static final Path ACTUAL = Path.of("target", "corpus", "built-in-alerts.txt");

  @Test
  void upstreamAndBuiltInRulesRunOverTheWholeCorpus() throws Exception {
    CompiledPack pack = Rules.builtInAndUpstream();

    List<AuditEvent> events = Rules.corpusEvents();
    assertThat(events).hasSizeGreaterThan(1000);

    List<Alert> alerts = new ArrayList<>();
    long judged;
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      events.forEach(engine::accept);
      engine.flush();
      judged = engine.judged();
      System.out.printf(
          "corpus: %d events judged by %d rules, %d matcher runs, %d alerts%n",
          judged,
          pack.rules().size() + pack.correlations().size(),
          engine.matcherRuns(),
          alerts.size());
    }
    assertThat(judged).isEqualTo(events.size());

    // Every built-in rule that can alert is listed, silent ones too: base rules that only feed
    // correlations never alert.
    CompiledPack builtIn = PackCompiler.compile(RulePack.builtIn());
    Set<String> builtInIds = new HashSet<>();
    Set<String> alertingNames = new TreeSet<>();
    for (CompiledRule rule : builtIn.rules()) {
      builtInIds.add(rule.rule().id());
      if (rule.alerts()) {
        alertingNames.add(rule.rule().meta().name());
      }
    }
    for (CompiledCorrelation correlation : builtIn.correlations()) {
      builtInIds.add(correlation.rule().meta().id());
      alertingNames.add(correlation.rule().meta().name());
    }
    Map<Boolean, List<Alert>> byOrigin =
        alerts.stream().collect(Collectors.partitioningBy(a -> builtInIds.contains(a.ruleId())));
    List<Alert> upstream = byOrigin.get(false);
    CorpusAlerts actual = CorpusAlerts.of(alertingNames, byOrigin.get(true), upstream.size());

    CorpusAlerts expected = CorpusAlerts.read(EXPECTED);
    if (!actual.equals(expected)) {
      Files.createDirectories(ACTUAL.getParent());
      Files.writeString(ACTUAL, actual.text());
      fail(
          "The corpus's alerts differ from the pin %s:%n%s%nThe actual table, also written to %s"
              + " (copy it over the pin once every difference is meant):%n%s",
          EXPECTED.toAbsolutePath(),
          expected.comparedTo(actual),
          ACTUAL.toAbsolutePath(),
          actual.text());
    }
    // The upstream rules run on the corpus's records too (StopLogging, DeleteTrail and the like).
    assertThat(upstream).extracting(Alert::ruleTitle).contains("AWS CloudTrail Important Change");
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
