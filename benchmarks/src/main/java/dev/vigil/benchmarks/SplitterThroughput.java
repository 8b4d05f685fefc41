package dev.vigil.benchmarks;

import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.io.RecordSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The cost of {@link RecordSplitter} alone, in nanoseconds of the splitting thread's CPU time per
 * input byte, pass after pass over one file in one JVM.
 *
 * <p>Design: the first pass is what {@code vigil run}, {@code vigil normalize} and each file source
 * subtask of the detection job pay in a fresh process, where the JIT has not compiled the splitter
 * yet; the later passes are the steady state. Not JMH: a JMH fork warms up before it measures, and
 * the first pass is the figure that matters most here. CPU time of the thread rather than wall
 * time, since the machine is shared (see {@link WorkerCpuTimeProfiler}); wall time is printed
 * beside it. The file is read as the CLI reads it, through a plain {@link InputStream}, so the
 * figure includes the read system calls. Each record's length is summed, so no record goes unused.
 *
 * <p>Use: {@code java -cp benchmarks/target/benchmarks.jar dev.vigil.benchmarks.SplitterThroughput
 * FILE [PASSES]} (5 passes by default), e.g. over a file of {@code job.MixedAuditGenerator}.
 */
public final class SplitterThroughput {

  private SplitterThroughput() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      usage("one file, and optionally a number of passes");
    }
    Path file = Path.of(args[0]);
    if (!Files.isRegularFile(file)) {
      usage("not a file: " + file);
    }
    int passes = 5;
    if (args.length == 2) {
      try {
        passes = Integer.parseInt(args[1]);
      } catch (NumberFormatException e) {
        usage("not a number of passes: " + args[1]);
      }
    }
    long size = Files.size(file);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RecordSplitter splitter =
        new RecordSplitter(
            file.getFileName().toString(), NormalizerLimits.DEFAULTS.maxRecordBytes());
    for (int pass = 1; pass <= passes; pass++) {
      long[] recordBytes = {0};
      long wallStart = System.nanoTime();
      long cpuStart = threads.getCurrentThreadCpuTime();
      long records;
      try (InputStream in = Files.newInputStream(file)) {
        records = splitter.split(in, record -> recordBytes[0] += record.bytes().length);
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      long wall = System.nanoTime() - wallStart;
      System.out.printf(
          Locale.ROOT,
          "pass %d: %,d bytes, %,d records (%,d record bytes): %.3f ns/byte CPU, %.3f ns/byte"
              + " wall%n",
          pass,
          size,
          records,
          recordBytes[0],
          (double) cpu / size,
          (double) wall / size);
    }
  }

  private static void usage(String problem) {
    System.err.println("SplitterThroughput: " + problem);
    System.err.println("usage: SplitterThroughput FILE [PASSES]");
    System.exit(2);
  }
}
