package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil demo} over the real bundled samples, checked against the story they tell
 * (samples/README.md).
 */
class DemoCommandTest {

  /** The checkout: tests run in the module's directory. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path outDir;

  private static CliRun.Result demo;

  @BeforeAll
  static void runDemo() {
    assertThat(ROOT.resolve("samples")).as("the bundled samples").isDirectory();
    demo = new CliRun(ROOT, List.of()).execute("demo", "--out-dir", outDir.toString());
  }

  @Test
  void finishesWithTheStoryInItsFiles() throws IOException {
    assertThat(demo.exitCode()).as(demo.stderr()).isZero();
    List<JsonNode> alerts = read(outDir.resolve("alerts.jsonl"));
    Map<String, Integer> byDetection = new TreeMap<>();
    alerts.forEach(a -> byDetection.merge(a.path("detection").asText(), 1, Integer::sum));
    assertThat(byDetection)
        .containsExactlyInAnyOrderEntriesOf(
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
                "policy_change", 5));
    assertThat(alerts)
        .filteredOn(a -> a.path("detection").asText().equals("denied_access_spike"))
        .extracting(a -> a.path("sources").get(0).asText())
        .containsExactly("VAULT", "AZURE_MONITOR", "GCP_AUDIT");
    assertThat(read(outDir.resolve("events.jsonl"))).hasSize(322);
    assertThat(read(outDir.resolve("deadletters.jsonl")))
        .extracting(d -> d.path("origin").asText() + " " + d.path("reason").asText())
        .containsExactlyInAnyOrder(
            "vault/audit.log:121 MALFORMED_JSON", "gcp/cloudaudit.jsonl:14 INVALID_TIME");
  }

  @Test
  void summarizesDetectionsActorsAlertsAndDeadLetters() {
    List<String> lines = demo.stdoutLines();
    assertThat(lines.get(0))
        .isEqualTo("vigil demo: the detection job (embedded Flink, built-in rules) over samples/");
    assertThat(lines.get(1))
        .isEqualTo(
            "  322 events (VAULT 238, AWS_CLOUDTRAIL 33, AZURE_MONITOR 27, GCP_AUDIT 24),"
                + " 2 dead letters, 15 alerts");
    assertThat(section(lines, "Alerts by detection"))
        .containsExactly(
            "  policy_change        5  critical 1, high 4",
            "  break_glass_use      3  critical 3",
            "  denied_access_spike  3  high 3",
            "  root_token_use       3  critical 3",
            "  mass_secret_reads    1  high 1");
    assertThat(section(lines, "Top actors (by alerts)"))
        .hasSize(5)
        .first()
        .asString()
        .matches(
            "  break-glass-admin/bob-incident-4411 +AWS_CLOUDTRAIL +3 alerts"
                + " +break_glass_use, policy_change");
    assertThat(section(lines, "Top actors (by alerts)"))
        .anyMatch(
            line ->
                line.matches(
                    "  token-ci-runner +VAULT +2 alerts +denied_access_spike, mass_secret_reads"));
    List<String> alertLines = section(lines, "Alerts (UTC)");
    assertThat(alertLines)
        .hasSize(15)
        .allMatch(line -> line.matches("  2026-11-20 \\d\\d:\\d\\d:\\d\\d  (critical|high) .+"));
    assertThat(alertLines.get(0))
        .startsWith("  2026-11-20 10:03:48  high      denied_access_spike  Denied access spike");
    assertThat(section(lines, "Dead letters (raw record, reason and origin kept in the file)"))
        .containsExactly(
            "  gcp/cloudaudit.jsonl:14  INVALID_TIME    timestamp is not a timestamp: \"not a time\"",
            "  vault/audit.log:121      MALFORMED_JSON  malformed JSON: the record ends before its"
                + " value is complete at line 1, column 89");
    assertThat(section(lines, "Files"))
        .anyMatch(
            line ->
                line.contains(outDir.resolve("alerts.jsonl") + "  ")
                    && line.endsWith("15 alerts, one JSON document each"));
    assertThat(section(lines, "Next steps"))
        .hasSize(3)
        .anyMatch(line -> line.startsWith("  bin/vigil rules explain mass_secret_reads"));
    assertThat(demo.stdout()).doesNotContain("late records");
  }

  @Test
  void givesTheSameSummaryOnEveryRun(@TempDir Path otherOut) {
    CliRun.Result again =
        new CliRun(ROOT, List.of()).execute("demo", "--out-dir", otherOut.toString());
    assertThat(again.exitCode()).isZero();
    assertThat(again.stdout().replace(otherOut.toString(), "OUT"))
        .isEqualTo(demo.stdout().replace(outDir.toString(), "OUT"));
  }

  @Test
  void saysWhereItLookedWhenTheSamplesAreMissing(@TempDir Path elsewhere) {
    CliRun.Result result = new CliRun(elsewhere, List.of()).execute("demo");
    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr())
        .isEqualTo(
            "vigil demo: the bundled samples are not at "
                + elsewhere.resolve("samples")
                + "; run the demo with bin/vigil of a Vigil checkout"
                + System.lineSeparator());
    assertThat(elsewhere.resolve("out")).doesNotExist();
  }

  @Test
  void withStackSaysHowToStartTheStackWhenItIsNotRunning(@TempDir Path checkout)
      throws IOException {
    Files.createDirectories(checkout.resolve("samples"));
    CliRun.Result result = new CliRun(checkout, List.of()).execute("demo", "--stack");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderr())
        .isEqualTo(
            "vigil demo: the local stack under .vigil/stack is not running (Kafka stopped,"
                + " OpenSearch stopped); start it with: bin/vigil stack up; if it runs with"
                + " another state directory, give the same --state-dir DIR (or --kafka HOST:PORT"
                + " and --opensearch URL)"
                + System.lineSeparator());
    assertThat(checkout.resolve("out")).doesNotExist();
  }

  /**
   * {@code vigil stack up --state-dir DIR} keeps its PID files under DIR: {@code demo --stack
   * --state-dir DIR} finds the stack there (here a record of this JVM, so it counts as running, and
   * the demo goes on to the samples), where without it the demo looks in the default place.
   */
  @Test
  void withStackAndStateDirLooksForTheStackThere(@TempDir Path checkout, @TempDir Path stateDir)
      throws IOException {
    Files.createDirectories(checkout.resolve("samples"));
    // TEST-NET addresses: never reached, the missing samples stop the demo first.
    recordRunning(stateDir.resolve("kafka"), "kafka.pid", "bootstrap.servers", "192.0.2.1:9092");
    recordRunning(stateDir.resolve("opensearch"), "opensearch.pid", "url", "http://192.0.2.1:9200");
    Path empty = Files.createDirectories(checkout.resolve("elsewhere"));

    CliRun.Result there =
        new CliRun(checkout, List.of())
            .execute("demo", "--stack", "--state-dir", stateDir.toString());
    CliRun.Result nothingThere =
        new CliRun(checkout, List.of()).execute("demo", "--stack", "--state-dir", "elsewhere");

    assertThat(there.stderrLines())
        .containsExactly(
            "vigil demo: the bundled samples have no directory "
                + checkout.resolve("samples").resolve("vault"));
    assertThat(nothingThere.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(nothingThere.stderrLines())
        .containsExactly(
            "vigil demo: the local stack under --state-dir elsewhere is not running (Kafka"
                + " stopped, OpenSearch stopped); start it with: bin/vigil stack up --state-dir"
                + " elsewhere (or give --kafka HOST:PORT and --opensearch URL)");
    assertThat(empty).isEmptyDirectory();
    assertThat(checkout.resolve("out")).doesNotExist();
  }

  /** A PID file as {@code vigil stack up} writes it, naming this JVM and one endpoint. */
  private static void recordRunning(
      Path componentDir, String pidFile, String endpoint, String value) throws IOException {
    Files.createDirectories(componentDir);
    Properties record = new Properties();
    record.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    record.setProperty("endpoint." + endpoint, value);
    try (Writer out = Files.newBufferedWriter(componentDir.resolve(pidFile))) {
      record.store(out, null);
    }
  }

  @Test
  void refusesAnOutputDirectoryInsideTheSamples(@TempDir Path checkout) throws IOException {
    Files.createDirectories(checkout.resolve("samples"));
    for (List<String> arguments :
        List.of(
            List.of("demo", "--out-dir", "samples/out"),
            List.of("demo", "--stack", "--out-dir", "samples"))) {
      CliRun.Result result =
          new CliRun(checkout, List.of()).execute(arguments.toArray(String[]::new));

      assertThat(result.exitCode()).as(arguments.toString()).isEqualTo(VigilCommand.EXIT_ERROR);
      assertThat(result.stderr())
          .as(arguments.toString())
          .startsWith("vigil demo: --out-dir samples")
          .contains("is inside the samples directory, which every demo reads whole");
    }
    assertThat(checkout.resolve("samples").resolve("out")).doesNotExist();
  }

  @Test
  void refusesAnOutputDirectoryThatIsAFileBeforeTheJobRuns(@TempDir Path checkout)
      throws IOException {
    Files.createDirectories(checkout.resolve("samples"));
    Files.writeString(checkout.resolve("taken"), "");

    CliRun.Result result = new CliRun(checkout, List.of()).execute("demo", "--out-dir", "taken");

    assertThat(result.exitCode()).isEqualTo(VigilCommand.EXIT_ERROR);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil demo: cannot write --out-dir taken: it is a file; give a directory");
  }

  @Test
  void withStackChecksTheOutputAndTheSamplesBeforeKafka(@TempDir Path checkout) throws IOException {
    for (String source : List.of("vault", "aws", "azure", "gcp")) {
      Files.createDirectories(checkout.resolve("samples").resolve(source));
    }
    Files.writeString(checkout.resolve("taken"), "");
    // TEST-NET addresses: nothing answers there, so a run that asked them first would wait.
    List<String> unreachable =
        List.of(
            "demo",
            "--stack",
            "--kafka",
            "192.0.2.1:9092",
            "--opensearch",
            "http://192.0.2.1:9200");

    CliRun.Result intoAFile =
        new CliRun(checkout, List.of())
            .execute(concat(unreachable, List.of("--out-dir", "taken")).toArray(String[]::new));
    Files.delete(checkout.resolve("samples").resolve("vault"));
    CliRun.Result withoutSamples =
        new CliRun(checkout, List.of())
            .execute(concat(unreachable, List.of("--out-dir", "out")).toArray(String[]::new));

    assertThat(intoAFile.stderrLines())
        .containsExactly(
            "vigil demo: cannot write --out-dir taken: it is a file; give a directory");
    assertThat(withoutSamples.stderrLines())
        .containsExactly(
            "vigil demo: the bundled samples have no directory "
                + checkout.resolve("samples").resolve("vault"));
    assertThat(checkout.resolve("out")).doesNotExist();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }

  @Test
  void refusesStackAddressesWithoutStack() {
    for (List<String> arguments :
        List.of(
            List.of("demo", "--kafka", "127.0.0.1:9092"), List.of("demo", "--state-dir", "s"))) {
      CliRun.Result result = new CliRun(ROOT, List.of()).execute(arguments.toArray(String[]::new));

      assertThat(result.exitCode()).as(arguments.toString()).isEqualTo(VigilCommand.EXIT_ERROR);
      assertThat(result.stderr())
          .isEqualTo(
              "vigil demo: --kafka, --opensearch and --state-dir need --stack"
                  + System.lineSeparator());
    }
  }

  /** The lines of a section: after its title, up to the blank line that ends it. */
  private static List<String> section(List<String> lines, String title) {
    int start = lines.indexOf(title);
    assertThat(start).as("section " + title).isNotNegative();
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).isEmpty()) {
      end++;
    }
    return lines.subList(start + 1, end);
  }

  private static List<JsonNode> read(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(
            line -> {
              try {
                return JSON.readTree(line);
              } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
              }
            })
        .toList();
  }
}
