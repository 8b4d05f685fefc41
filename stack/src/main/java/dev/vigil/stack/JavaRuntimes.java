package dev.vigil.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK of a minimum feature version: OpenSearch 3.x needs 21+, while Vigil itself runs on
 * 17. Order: the configured home, {@code OPENSEARCH_JAVA_HOME}, the running JDK, then the newest
 * suitable JDK under /usr/lib/jvm.
 */
final class JavaRuntimes {
  static final Path SYSTEM_JVM_DIR = Path.of("/usr/lib/jvm");
  private static final Pattern JAVA_VERSION =
      Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)", Pattern.MULTILINE);

  private JavaRuntimes() {}

  static Path find(int minimumFeature, Optional<Path> configured, String forWhat) {
    if (configured.isPresent()) {
      return requireSuitable(configured.get(), minimumFeature, forWhat, "the configured JDK");
    }
    String fromEnvironment = System.getenv("OPENSEARCH_JAVA_HOME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return requireSuitable(
          Path.of(fromEnvironment), minimumFeature, forWhat, "OPENSEARCH_JAVA_HOME");
    }
    Path running = Path.of(System.getProperty("java.home"));
    if (Runtime.version().feature() >= minimumFeature) {
      return running;
    }
    return newestUnder(SYSTEM_JVM_DIR, minimumFeature)
        .orElseThrow(
            () ->
                new StackException(
                    forWhat
                        + " needs a JDK "
                        + minimumFeature
                        + " or newer, and none was found: OPENSEARCH_JAVA_HOME is not set, this"
                        + " JVM is Java "
                        + Runtime.version().feature()
                        + ", and "
                        + SYSTEM_JVM_DIR
                        + " has none. Install one (e.g. `apt-get install"
                        + " openjdk-21-jdk-headless`, or a Temurin 21+ JDK) or set"
                        + " OPENSEARCH_JAVA_HOME to its directory."));
  }

  static Optional<Path> newestUnder(Path dir, int minimumFeature) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(dir)) {
      return homes
          .filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .filter(home -> featureVersion(home).orElse(0) >= minimumFeature)
          .max(
              Comparator.comparingInt((Path home) -> featureVersion(home).orElse(0))
                  .thenComparing(Path::toString));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The feature version a JDK's {@code release} file declares. */
  static Optional<Integer> featureVersion(Path javaHome) {
    try {
      Matcher matcher = JAVA_VERSION.matcher(Files.readString(javaHome.resolve("release")));
      return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Path requireSuitable(Path home, int minimumFeature, String forWhat, String what) {
    if (!Files.isExecutable(home.resolve("bin/java"))) {
      throw new StackException(what + " " + home + " has no bin/java");
    }
    int feature = featureVersion(home).orElse(0);
    if (feature < minimumFeature) {
      throw new StackException(
          forWhat
              + " needs a JDK "
              + minimumFeature
              + " or newer; "
              + what
              + " "
              + home
              + " is "
              + (feature == 0 ? "of unknown version" : "Java " + feature));
    }
    return home;
  }
}
