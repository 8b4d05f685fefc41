package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleLoader;
import dev.vigil.rules.testing.InlineEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: packs from YAML text, events from short JSON, engines that collect alerts. */
public final class Rules {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static int serial;

  private Rules() {}

  public static CompiledPack compile(String yaml) throws RuleException {
    return compile(yaml, Map.of());
  }

  public static CompiledPack compile(String yaml, Map<String, List<String>> lists)
      throws RuleException {
    RuleFile file = RuleLoader.load("test.yml", yaml);
    return PackCompiler.compile(new RulePack(List.of(file), lists));
  }

  /** A canonical event from JSON text, with the defaults of inline test events. */
  public static AuditEvent event(String json) {
    try {
      return InlineEvents.build(JSON.readTree(json), ++serial, 0, 0, 0, "test:1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs events through a fresh engine in the given order and returns every alert. */
  public static List<Alert> run(CompiledPack pack, List<AuditEvent> events) {
    List<Alert> alerts = new ArrayList<>();
    try (DetectionEngine engine = DetectionEngine.start(pack, alerts::add)) {
      events.forEach(engine::accept);
      engine.flush();
    }
    return alerts;
  }

  /** The upstream SigmaHQ cloud rules, {@code ../shared/sigma/rules/cloud}; fails when missing. */
  public static Path upstreamSigmaDir() {
    String configured = System.getProperty("vigil.shared.dir");
    Path shared = configured != null ? Path.of(configured) : Path.of("..", "shared");
    Path dir = shared.resolve("sigma").resolve("rules").resolve("cloud");
    assertThat(dir).as("the upstream Sigma rules (set -Dvigil.shared.dir)").isDirectory();
    return dir;
  }

  /** The built-in pack and every upstream SigmaHQ cloud rule, in one pack. */
  public static CompiledPack builtInAndUpstream() throws RuleException {
    List<RuleFile> files = new ArrayList<>(RulePack.builtIn().files());
    files.addAll(RulePack.load(List.of(upstreamSigmaDir())).files());
    return PackCompiler.compile(new RulePack(files, RulePack.builtIn().lists()));
  }

  /** Every event of the shared corpus, all four sources, normalized as the CLI does. */
  public static List<AuditEvent> corpusEvents() throws IOException {
    Normalizer normalizer = Normalizer.create();
    List<AuditEvent> events = new ArrayList<>();
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      for (Path file : CorpusRun.files(folder)) {
        events.addAll(CorpusRun.normalize(file, normalizer).events());
      }
    }
    return events;
  }

  /** Whether a single-event rule matches one event. */
  public static boolean matches(String yaml, String eventJson) throws RuleException {
    return !run(compile(yaml), List.of(event(eventJson))).isEmpty();
  }
}
