package dev.vigil.benchmarks;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The detection engine of two builds, one JVM: {@link EngineBenchmark}'s loop ({@link
 * EngineRounds}) for each build and pack size, interleaved in short rounds whose order alternates,
 * so that both builds see the same load on a shared machine; figures are events per second of the
 * benchmark thread's CPU time, the first rounds discarded as warm-up.
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.vigil.benchmarks.EngineComparison \
 *     --old /tmp/bench-old/benchmarks/target/benchmarks.jar [--new benchmarks/target/benchmarks.jar] \
 *     [--rules 10,1000] [--composition grown] [--rounds 14] [--warmup 4] [--seconds 4] [--only new]
 * </pre>
 *
 * <p>Design: each build's shaded jar gets a class loader of its own whose parent is the platform
 * loader, so nothing of this JVM's class path (the new build) leaks into the old one. A build whose
 * jar predates {@link EngineRounds} gets it from this jar's copy of the class file, put first on
 * that build's loader: it is compiled against API both builds have. Esper finds classes through the
 * context class loader, so each build's loader is the context loader while that build runs.
 */
public final class EngineComparison {

  private EngineComparison() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    Map<String, Path> builds = new LinkedHashMap<>();
    if (!"new".equals(options.get("only"))) {
      builds.put("old", Path.of(required(options, "old")));
    }
    if (!"old".equals(options.get("only"))) {
      builds.put("new", Path.of(options.getOrDefault("new", "benchmarks/target/benchmarks.jar")));
    }
    int[] sizes =
        Arrays.stream(options.getOrDefault("rules", "10,1000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    String composition = options.getOrDefault("composition", "grown");
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "14"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "4"));
    long nanos = (long) (Double.parseDouble(options.getOrDefault("seconds", "4")) * 1e9);

    Path driver = driverClasses();
    Map<String, LongFunction<long[]>> runs = new LinkedHashMap<>();
    Map<String, ClassLoader> loaders = new LinkedHashMap<>();
    for (Map.Entry<String, Path> build : builds.entrySet()) {
      ClassLoader loader =
          new URLClassLoader(
              new URL[] {driver.toUri().toURL(), build.getValue().toUri().toURL()},
              ClassLoader.getPlatformClassLoader());
      // Esper resolves classes through the context class loader: the build's own, while it runs.
      Thread.currentThread().setContextClassLoader(loader);
      Class<?> rounder = Class.forName(EngineRounds.class.getName(), true, loader);
      for (int size : sizes) {
        long start = System.nanoTime();
        @SuppressWarnings("unchecked")
        LongFunction<long[]> run =
            (LongFunction<long[]>)
                rounder.getConstructor(int.class, String.class).newInstance(size, composition);
        runs.put(build.getKey() + " " + size, run);
        loaders.put(build.getKey() + " " + size, loader);
        System.out.printf(
            "%s, %d rules %s (%s): compiled in %.1f s%n",
            build.getKey(), size, composition, run, (System.nanoTime() - start) / 1e9);
      }
    }

    Map<String, List<Double>> perCpuSecond = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(runs.keySet());
    for (int round = 0; round < rounds; round++) {
      // Alternate the order (ABBA): whichever runs first or last in a round does so half the time.
      List<String> order = new ArrayList<>(names);
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      StringBuilder line = new StringBuilder(String.format("round %2d", round + 1));
      for (String name : order) {
        System.gc();
        Thread.currentThread().setContextClassLoader(loaders.get(name));
        long[] r = runs.get(name).apply(nanos);
        double rate = r[0] / (r[1] / 1e9);
        line.append(
            String.format(
                Locale.ROOT,
                "  %s: %,.0f/cpu-s (%,.0f/s wall, %.2f det/ev, %.3f alerts/ev)",
                name,
                rate,
                r[0] / (r[2] / 1e9),
                (double) r[3] / r[0],
                (double) r[4] / r[0]));
        if (round >= warmup) {
          perCpuSecond.computeIfAbsent(name, k -> new ArrayList<>()).add(rate);
        }
      }
      System.out.println(line + (round < warmup ? "  (warm-up)" : ""));
    }

    System.out.println();
    System.out.println("events per CPU second, median (min - max) of the kept rounds:");
    Map<String, Double> medians = new LinkedHashMap<>();
    perCpuSecond.forEach(
        (name, rates) -> {
          double[] sorted = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          double median = median(sorted);
          medians.put(name, median);
          System.out.printf(
              Locale.ROOT,
              "  %-9s %,10.0f  (%,.0f - %,.0f)%n",
              name,
              median,
              sorted[0],
              sorted[sorted.length - 1]);
        });
    for (int size : sizes) {
      if (medians.containsKey("old " + size) && medians.containsKey("new " + size)) {
        System.out.printf(
            Locale.ROOT,
            "  %d rules: new / old %.3f, and per round: %s%n",
            size,
            medians.get("new " + size) / medians.get("old " + size),
            perRoundRatios(perCpuSecond.get("new " + size), perCpuSecond.get("old " + size)));
      }
    }
    for (String build : builds.keySet()) {
      int smallest = Arrays.stream(sizes).min().orElseThrow();
      int largest = Arrays.stream(sizes).max().orElseThrow();
      if (smallest != largest) {
        System.out.printf(
            Locale.ROOT,
            "  %s: %d rules / %d rules %.3f%n",
            build,
            largest,
            smallest,
            medians.get(build + " " + largest) / medians.get(build + " " + smallest));
      }
    }
  }

  private static String perRoundRatios(List<Double> news, List<Double> olds) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(news.size(), olds.size()); i++) {
      out.append(
          String.format(Locale.ROOT, "%s%.2f", i == 0 ? "" : ", ", news.get(i) / olds.get(i)));
    }
    return out.toString();
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** A directory holding this jar's {@link EngineRounds} alone, for builds that lack it. */
  private static Path driverClasses() throws IOException {
    Path dir = Files.createTempDirectory("engine-rounds");
    dir.toFile().deleteOnExit();
    String resource = EngineRounds.class.getName().replace('.', '/') + ".class";
    Path target = dir.resolve(resource);
    Files.createDirectories(target.getParent());
    try (var in = EngineComparison.class.getClassLoader().getResourceAsStream(resource)) {
      Files.copy(in, target);
    }
    for (Path p = target; !p.equals(dir); p = p.getParent()) {
      p.toFile().deleteOnExit();
    }
    return dir;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }
}
