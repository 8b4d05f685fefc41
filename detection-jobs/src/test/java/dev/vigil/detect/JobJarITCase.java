package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar as {@code flink run} uses it: its main class builds the job graph in a user
 * code class loader over the jar alone, and a cluster runs it from the uploaded jar. Proves the jar
 * carries what a cluster does not (Vigil, the built-in pack, parsers registered as services, Esper,
 * flink-avro).
 */
class JobJarITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;

  @Test
  @Timeout(240)
  void theJobJarRunsOnACluster() throws Exception {
    Path jar = Path.of("target/vigil-detection-jobs.jar").toAbsolutePath();
    assertThat(jar).as("the shaded job jar (built in the package phase)").isRegularFile();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            flinkOnlyClassPath(),
            JobJarLauncher.class.getName(),
            jar.toString(),
            "--input",
            Path.of("src/test/resources/mixed/mixed-sources.jsonl").toAbsolutePath().toString(),
            "--output",
            out.toString(),
            "--checkpoint-interval",
            "1s");
    Path log = out.resolve("launcher.log");
    Process launcher =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean exited = launcher.waitFor(200, TimeUnit.SECONDS);
      assertThat(exited).as("the launcher finished in time").isTrue();
      assertThat(launcher.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      launcher.destroyForcibly();
    }

    List<String> detections = new ArrayList<>();
    for (String line : committedLines(out.resolve("alerts"))) {
      detections.add(JSON.readTree(line).path("detection").asText());
    }
    assertThat(detections)
        .containsExactlyInAnyOrder(
            "root_token_use", "policy_change", "denied_access_spike", "mass_secret_reads");
    assertThat(committedLines(out.resolve("events"))).hasSize(69);
    assertThat(committedLines(out.resolve("dead-letters"))).hasSize(2);
  }

  /**
   * This JVM's class path without Vigil and what only the job jar brings (Avro, flink-avro, the
   * Kafka connector and client, Esper, Jackson, YAML, test libraries): what a Flink distribution
   * offers a job. The test classes stay, for the launcher.
   */
  static String flinkOnlyClassPath() {
    List<String> kept = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String path = entry.replace(File.separatorChar, '/');
      boolean jobOnly =
          path.endsWith("/target/classes")
              || path.contains("/org/apache/avro/")
              || path.contains("/flink-avro")
              || path.contains("/flink-connector-kafka")
              || path.contains("/org/apache/kafka/")
              || path.contains("/com/espertech/")
              || path.contains("/org/codehaus/janino/")
              || path.contains("/org/antlr/")
              || path.contains("/org/yaml/")
              || path.contains("/com/networknt/")
              || path.contains("/com/fasterxml/jackson/")
              || path.contains("/org/junit/")
              || path.contains("/org/assertj/");
      if (!jobOnly) {
        kept.add(entry);
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  /** The lines of the committed part files (in-progress files start with a dot). */
  private static List<String> committedLines(Path directory) throws Exception {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    return lines;
  }
}
