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
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Detection engine throughput with packs of 10, 100 and 1000 rules, each either a sample of the
 * 1000-rule pack's mix or the pack grown kind by kind (see {@link PackVariants}), over the events
 * of the whole corpus (every source, normalized beforehand). Each operation judges one event:
 * {@code accept}, then the clock advanced to its time, so ops/s is events per second through
 * Esper's filter index, the rules' detections, correlations and alert building. The corpus is
 * replayed in passes on a forward clock ({@link CorpusReplay}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Param({"10", "100", "1000"})
  public int rules;

  /** How the pack's rules are chosen ({@link PackVariants.Composition}, lower-case). */
  @Param({"sampled", "grown"})
  public String composition;

  private CompiledPack pack;
  private CorpusReplay replay;
  private DetectionEngine engine;
  private long alerts;
  private long cpuAtStart;

  @Setup(Level.Trial)
  public void setUp() throws IOException, RuleException {
    replay = new CorpusReplay();
    Path sigmaDir = Corpus.sharedDir().resolve("sigma/rules/cloud");
    RulePack rulePack =
        PackVariants.of(
            rules,
            sigmaDir,
            PackVariants.Composition.valueOf(composition.toUpperCase(Locale.ROOT)));
    System.out.printf(
        "%n%d rules, %s: %s%n", rules, composition, PackVariants.describe(rulePack, sigmaDir));
    pack = PackCompiler.compile(rulePack);
  }

  @Setup(Level.Iteration)
  public void startEngine() {
    engine = DetectionEngine.start(pack, alert -> alerts++);
    replay.rewind();
    cpuAtStart = THREADS.getCurrentThreadCpuTime();
  }

  @TearDown(Level.Iteration)
  public void stopEngine() {
    // Events per second of this thread's CPU time: on a shared machine, time the thread waited for
    // a core does not count, so the ratio between packs is steadier than the ops/s score's.
    double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpuAtStart) / 1e9;
    System.out.printf(
        "%n%d rules: %d events judged, %.2f detections run per event, %d alerts, %.0f events per"
            + " CPU second%n",
        pack.rules().size() + pack.correlations().size(),
        engine.judged(),
        (double) engine.matcherRuns() / Math.max(1, engine.judged()),
        alerts,
        engine.judged() / cpuSeconds);
    engine.close();
    alerts = 0;
  }

  @Benchmark
  public long judge() {
    AuditEvent event = replay.next();
    engine.accept(event);
    engine.advanceTo(event.getTime());
    return engine.judged();
  }
}
