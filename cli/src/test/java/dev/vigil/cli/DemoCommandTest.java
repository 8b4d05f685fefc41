package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil demo}'s mistakes, found before the job starts (the runs over the samples: {@link
 * DemoCommandITCase}).
 */
class DemoCommandTest {

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
      CliRun.Result result =
          new CliRun(SamplesDemo.ROOT, List.of()).execute(arguments.toArray(String[]::new));

      assertThat(result.exitCode()).as(arguments.toString()).isEqualTo(VigilCommand.EXIT_ERROR);
      assertThat(result.stderr())
          .isEqualTo(
              "vigil demo: --kafka, --opensearch and --state-dir need --stack"
                  + System.lineSeparator());
    }
  }
}
