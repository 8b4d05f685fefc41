package dev.vigil.benchmarks;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.engine.CompiledPack;
import dev.vigil.rules.engine.DetectionEngine;
import dev.vigil.rules.engine.PackCompiler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * One pack of {@link EngineBenchmark}'s, run in timed rounds by {@link EngineComparison}: the same
 * loop as the benchmark's operation ({@code accept}, then the clock advanced to the event's time)
 * over the same {@link CorpusReplay}, a fresh engine per round as per JMH iteration.
 *
 * <p>Design: {@link EngineComparison} loads this class once per build under test, each time in a
 * class loader of its own over that build's jar, so two builds of the engine run in one JVM. It
 * therefore speaks only in JDK types ({@link LongFunction}, {@code long[]}), which both loaders
 * share, and uses only API that builds since the benchmark's pack variants existed all have.
 */
public final class EngineRounds implements LongFunction<long[]> {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final CompiledPack pack;
  private final String description;
  private final CorpusReplay replay;
  private long alerts;

  /**
   * @param rules the pack's size (10, 100, 1000)
   * @param composition {@link PackVariants.Composition}'s name, any case
   */
  public EngineRounds(int rules, String composition) throws IOException, RuleException {
    replay = new CorpusReplay();
    Path sigmaDir = Corpus.sharedDir().resolve("sigma/rules/cloud");
    RulePack rulePack =
        PackVariants.of(
            rules,
            sigmaDir,
            PackVariants.Composition.valueOf(composition.toUpperCase(Locale.ROOT)));
    description = PackVariants.describe(rulePack, sigmaDir);
    pack = PackCompiler.compile(rulePack);
  }

  /** What the pack holds, by kind ({@link PackVariants#describe}). */
  @Override
  public String toString() {
    return description;
  }

  /**
   * Judges events for about {@code nanos} of wall time on a fresh engine (its start not counted).
   *
   * @return events judged, this thread's CPU nanoseconds, wall nanoseconds, detections run, alerts
   */
  @Override
  public long[] apply(long nanos) {
    alerts = 0;
    replay.rewind();
    try (DetectionEngine engine = DetectionEngine.start(pack, alert -> alerts++)) {
      long cpuAtStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      long deadline = start + nanos;
      long now;
      do {
        for (int i = 0; i < 256; i++) {
          AuditEvent event = replay.next();
          engine.accept(event);
          engine.advanceTo(event.getTime());
        }
        now = System.nanoTime();
      } while (now < deadline);
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
      return new long[] {engine.judged(), cpu, now - start, engine.matcherRuns(), alerts};
    }
  }
}
