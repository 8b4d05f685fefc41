package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * carries what a cluster does not (Vigil, the built-in pack and mapping tables, Esper, flink-avro),
 * and that the GCP super-admins and a user's mapping table given on the submitting side reach the
 * normalizer in the tasks, in the job graph (the launcher's environment names neither).
 */
class JobJarITCase {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;
  @TempDir Path mappings;

  @Test
  @Timeout(240)
  void theJobJarRunsOnACluster() throws Exception {
    Path jar = Path.of("target/vigil-detection-jobs.jar").toAbsolutePath();
    Files.writeString(
        mappings.resolve("gcp.yaml"),
        "rules:\n  - match: {methodName: storage.buckets.get}\n    category: SYSTEM\n");
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
            "1s",
            "--gcp-super-admins",
            "ops@example.com",
            "--mappings-dir",
            mappings.toString());
    Path log = out.resolve("launcher.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().remove("VIGIL_GCP_SUPER_ADMINS");
    builder.environment().remove("VIGIL_MAPPINGS_DIR");
    Process launcher = builder.start();
    try {
      boolean exited = launcher.waitFor(200, TimeUnit.SECONDS);
      assertThat(exited).as("the launcher finished in time").isTrue();
      assertThat(launcher.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      launcher.destroyForcibly();
    }

    List<String> detections = new ArrayList<>();
    List<String> rootEventIds = new ArrayList<>();
    for (String line : committedLines(out.resolve("alerts"))) {
      JsonNode alert = JSON.readTree(line);
      detections.add(alert.path("detection").asText());
      if (alert.path("detection").asText().equals("root_token_use")) {
        alert.path("event_ids").forEach(id -> rootEventIds.add(id.asText()));
      }
    }
    // Root use by the Vault root token, and by the GCP super-admin in each of its two events.
    assertThat(detections)
        .containsExactlyInAnyOrder(
            "root_token_use",
            "root_token_use",
            "root_token_use",
            "policy_change",
            "denied_access_spike",
            "mass_secret_reads");
    assertThat(rootEventIds).contains("gcp-setiam-0001", "gcp-get-0001");
    List<String> events = committedLines(out.resolve("events"));
    assertThat(events).hasSize(69);
    List<JsonNode> gcp = new ArrayList<>();
    for (String line : events) {
      JsonNode event = JSON.readTree(line);
      if (event.path("source").asText().equals("GCP_AUDIT")) {
        gcp.add(event);
      }
    }
    assertThat(gcp)
        .as("both GCP events are the listed super-admin's")
        .hasSize(2)
        .allSatisfy(event -> assertThat(event.path("actor").path("root").asBoolean()).isTrue());
    assertThat(gcp)
        .filteredOn(event -> event.path("event_id").asText().equals("gcp-get-0001"))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.path("category").asText())
                    .as("the user's gcp.yaml rule, ahead of the built-in ones")
                    .isEqualTo("SYSTEM"));
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
