package dev.vigil.benchmarks;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes every alert one of {@link EngineBenchmark}'s packs raises over passes of the corpus, one
 * JSON line each, in the order the engine hands them out: run it before and after a change to the
 * engine and compare the files byte for byte ({@code cmp}), so a faster engine is known to alert
 * exactly as before.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.vigil.benchmarks.EngineAlerts \
 *     RULES COMPOSITION PASSES OUTPUT.jsonl
 * </pre>
 */
public final class EngineAlerts {

  private EngineAlerts() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: EngineAlerts RULES grown|sampled PASSES OUTPUT.jsonl");
      System.exit(2);
    }
    int rules = Integer.parseInt(args[0]);
    PackVariants.Composition composition =
        PackVariants.Composition.valueOf(args[1].toUpperCase(Locale.ROOT));
    int passes = Integer.parseInt(args[2]);
    Path output = Path.of(args[3]);
    Path sigmaDir = Corpus.sharedDir().resolve("sigma/rules/cloud");
    RulePack pack = PackVariants.of(rules, sigmaDir, composition);
    CorpusReplay replay = new CorpusReplay();
    long[] alerts = {0};
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
        DetectionEngine engine =
            DetectionEngine.start(
                PackCompiler.compile(pack),
                alert -> {
                  try {
                    out.write(AlertJson.toJson(alert));
                    out.write('\n');
                    alerts[0]++;
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })) {
      for (long i = 0; i < (long) passes * replay.size(); i++) {
        AuditEvent event = replay.next();
        engine.accept(event);
        engine.advanceTo(event.getTime());
      }
      engine.flush();
      System.out.printf(
          "%d rules, %s, %d passes: %d events, %d detections run, %d alerts -> %s%n",
          rules,
          PackVariants.describe(pack, sigmaDir),
          passes,
          engine.judged(),
          engine.matcherRuns(),
          alerts[0],
          output);
    }
  }
}
