package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The story the bundled samples tell (samples/README.md) as the demo reports it, and one run of the
 * embedded demo over them that the test classes reading its output share: each run starts a Flink
 * MiniCluster, and the output is the same on every run ({@link DemoCommandITCase} checks that).
 */
final class SamplesDemo {

  /** The checkout, where {@code samples/} is: tests run in the module's directory. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  /** The alerts of the samples, by detection. */
  static final Map<String, Integer> ALERTS_BY_DETECTION =
      Map.of(
          // 10:02 the stolen CI token (Vault), 11:00 an Azure service principal,
          // 11:16 a GCP service account
          "denied_access_spike", 3,
          // 10:06 the stolen CI token reads 60 distinct secrets
          "mass_secret_reads", 1,
          // 10:20 the Vault root token; 10:40 the AWS root user signs in and creates a key
          "root_token_use", 3,
          // 10:30 bob assumes break-glass-admin (a use by bob, a use by the session) and
          // reads production secrets with it (the escalation)
          "break_glass_use", 3,
          // 10:20 the Vault ACL policy, 10:36 AttachRolePolicy by the break-glass session,
          // 11:07 an Azure role assignment, 11:15 GCP SetIamPolicy, 11:24 the GCP audit
          // sink deleted (critical)
          "policy_change", 5);

  /** The demo's second line: what the samples hold and gave. */
  static final String TOTALS_LINE =
      "  322 events (VAULT 238, AWS_CLOUDTRAIL 33, AZURE_MONITOR 27, GCP_AUDIT 24),"
          + " 2 dead letters, 15 alerts";

  /** What one embedded demo run left: its output and the directory it wrote. */
  record Run(CliRun.Result result, Path outDir) {}

  private static Run embedded;

  private SamplesDemo() {}

  /**
   * The embedded demo ({@code vigil demo --out-dir DIR}), run on first use in this JVM. Its
   * directory is only read by the tests that share it, and removed when the JVM exits.
   */
  static synchronized Run embedded() {
    if (embedded == null) {
      assertThat(ROOT.resolve("samples")).as("the bundled samples").isDirectory();
      try {
        Path outDir = Files.createTempDirectory("vigil-demo-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(outDir)));
        embedded = new Run(run(outDir), outDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return embedded;
  }

  /** A run of its own of the embedded demo, into {@code outDir}. */
  static CliRun.Result run(Path outDir) {
    return new CliRun(ROOT, List.of()).execute("demo", "--out-dir", outDir.toString());
  }

  /** How many alerts each detection raised. */
  static Map<String, Integer> byDetection(List<JsonNode> alerts) {
    Map<String, Integer> counts = new TreeMap<>();
    alerts.forEach(a -> counts.merge(a.path("detection").asText(), 1, Integer::sum));
    return counts;
  }

  /** The lines of a section of the demo's report: after its title, up to the blank line. */
  static List<String> section(List<String> lines, String title) {
    int start = lines.indexOf(title);
    assertThat(start).as("section " + title + " in " + lines).isNotNegative();
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).isEmpty()) {
      end++;
    }
    return lines.subList(start + 1, end);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind at exit is the operating system's to clear.
    }
  }
}
