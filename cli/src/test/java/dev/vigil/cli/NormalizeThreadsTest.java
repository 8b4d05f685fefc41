package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code vigil normalize --threads N}: the output of four threads is the output of one, byte for
 * byte and in the same order (events and dead letters, JSON Lines and Avro, files and stdout), with
 * the same summary and exit code, over the whole shared corpus and inputs made to be awkward:
 * invalid UTF-8, cut-off JSON, envelopes with a member that is not an object, gzip, a gzip file cut
 * off part-way, a byte order mark, standard input, and files of thousands of records (many batches,
 * more than the window holds).
 *
 * <p>One thread writes each record as the sequential command always did (the writer encodes it
 * straight into the stream); four encode on their threads and the writer copies the encoding out,
 * so this also holds the encoded path to the direct one.
 */
class NormalizeThreadsTest {

  /** The dead letters' received_at, fixed so that two runs' dead letters can be compared. */
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void fourThreadsWriteWhatOneWritesToFiles(OutputFormat format) throws IOException {
    List<String> inputs = awkwardInputs();
    byte[] stdin = gzip(repeated(corpusFile("gcp/panther_gcp_auditlog_rule_tests.jsonl"), 20));

    Run one = run(format, 1, stdin, inputs, true);
    Run four = run(format, 4, stdin, inputs, true);

    assertThat(one.exitCode).as(one.stderr).isEqualTo(NormalizeCommand.EXIT_DEAD_LETTERS);
    assertThat(four.exitCode).isEqualTo(one.exitCode);
    assertThat(four.stderr).isEqualTo(one.stderr);
    assertThat(one.stderr)
        .as("the damaged gzip is reported in its place")
        .contains("vigil normalize: e-cut.log.gz:")
        .contains("what was read of this record is dead-lettered");
    assertSameBytes(format, four.events, one.events);
    assertSameBytes(format, four.deadLetters, one.deadLetters);
    assertThat(one.events.length).isGreaterThan(1_000_000);
  }

  @Test
  void fourThreadsWriteWhatOneWritesToStdout() throws IOException {
    List<String> inputs = awkwardInputs();
    byte[] stdin =
        repeated(corpusFile("vault/elastic_hashicorp_vault_sample_logs_audit.ndjson"), 3);

    Run one = run(OutputFormat.jsonl, 1, stdin, inputs, false);
    Run four = run(OutputFormat.jsonl, 4, stdin, inputs, false);

    assertThat(four.exitCode).isEqualTo(one.exitCode).isEqualTo(2);
    assertThat(four.stderr).isEqualTo(one.stderr);
    assertSameBytes(OutputFormat.jsonl, four.events, one.events);
    assertSameBytes(OutputFormat.jsonl, four.deadLetters, one.deadLetters);
  }

  @Test
  void aFailingOutputStopsEveryThreadInOneLine() throws IOException {
    CliRun cli =
        new CliRun(dir, List.of())
            .stdout(
                new OutputStream() {
                  private long written;

                  @Override
                  public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                  }

                  @Override
                  public void write(byte[] bytes, int offset, int length) throws IOException {
                    written += length;
                    if (written > 1_000_000) {
                      throw new IOException("No space left on device");
                    }
                  }
                });

    CliRun.Result result =
        cli.execute(
            "normalize",
            "--threads",
            "4",
            "--dead-letter",
            "dead.jsonl",
            corpus().toString(),
            corpus().toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly("vigil normalize: cannot write to stdout: no space left on device");
  }

  @Test
  void threadsMustBeAWholeNumberFromOneTo256() throws IOException {
    Files.writeString(dir.resolve("in.log"), "{}\n");
    CliRun cli = new CliRun(dir, FakeParsers.both());

    for (String bad : List.of("0", "-1", "257", "two", "1.5", "")) {
      CliRun.Result result =
          cli.execute("normalize", "--threads", bad, "--out", "x.jsonl", "in.log");

      assertThat(result.exitCode()).as(bad).isEqualTo(1);
      assertThat(result.stderrLines())
          .as(bad)
          .containsExactly(
              "vigil normalize: --threads: '"
                  + bad
                  + "' is not a thread count; give a whole number from 1 to 256"
                  + " (see 'vigil normalize --help')");
      assertThat(dir.resolve("x.jsonl")).as("nothing is written").doesNotExist();
    }
    assertThat(cli.execute("normalize", "--threads").stderrLines())
        .containsExactly(
            "vigil normalize: --threads needs a value (N) (see 'vigil normalize --help')");
    assertThat(cli.execute("normalize", "--threads", "256", "in.log").exitCode()).isEqualTo(2);
  }

  private record Run(int exitCode, String stderr, byte[] events, byte[] deadLetters) {}

  /**
   * One run in a working directory of its own, named after the thread count, so that the summary
   * (which names the dead-letter file as given) is the same for every count.
   */
  private Run run(
      OutputFormat format, int threads, byte[] stdin, List<String> inputs, boolean toFile)
      throws IOException {
    Path workingDir = Files.createDirectories(dir.resolve("threads-" + threads));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    StringWriter stderr = new StringWriter();
    CliEnvironment env =
        new CliEnvironment(
            new ByteArrayInputStream(stdin),
            stdout,
            new PrintWriter(stderr, true),
            workingDir,
            false,
            false,
            List.of(),
            Map.of());
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--threads", String.valueOf(threads), "--format", format.name()));
    if (toFile) {
      args.addAll(List.of("--out", "events." + format.extension()));
    }
    args.addAll(List.of("--dead-letter", "dead." + format.extension()));
    args.addAll(inputs);
    CommandLine command = new CommandLine(new NormalizeCommand(env, CLOCK));
    command.setCaseInsensitiveEnumValuesAllowed(true);
    int exitCode = command.execute(args.toArray(String[]::new));
    byte[] events =
        toFile
            ? Files.readAllBytes(workingDir.resolve("events." + format.extension()))
            : stdout.toByteArray();
    byte[] deadLetters = Files.readAllBytes(workingDir.resolve("dead." + format.extension()));
    return new Run(exitCode, stderr.toString(), events, deadLetters);
  }

  /**
   * The whole corpus, and a directory of awkward inputs, by absolute path (origins are then the
   * same for every working directory), and standard input.
   */
  private List<String> awkwardInputs() throws IOException {
    Path awkward = Files.createDirectories(dir.resolve("awkward"));
    byte[] cloudTrail = corpusFile("cloudtrail/panther_aws_cloudtrail_rule_tests.jsonl");
    byte[] vault = corpusFile("vault/elastic_hashicorp_vault_sample_logs_audit.ndjson");
    byte[] azure = corpusFile("azure/msdocs_keyvault_AuditEvent_PT1H_records-array.json");

    // Thousands of records in one file: batches of it fill the window many times over.
    Files.write(awkward.resolve("a-many.jsonl"), repeated(cloudTrail, 30));
    Files.write(awkward.resolve("b-many.jsonl.gz"), gzip(repeated(vault, 60)));
    ByteArrayOutputStream broken = new ByteArrayOutputStream();
    broken.write(vault);
    broken.write(new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xff, '"', '}'});
    broken.write(
        "\nnot json at all\n{\"type\":\"request\",\"time\":\n".getBytes(StandardCharsets.UTF_8));
    broken.write(
        "{\"type\":\"request\",\"user\":\"\\ud800 alone\",\"request\":{}}\n"
            .getBytes(StandardCharsets.UTF_8));
    broken.write(vault);
    Files.write(awkward.resolve("c-broken.log"), broken.toByteArray());
    Files.write(
        awkward.resolve("d-envelope.json"),
        ("\uFEFF{\"Records\": [\n"
                + new String(firstLine(cloudTrail), StandardCharsets.UTF_8)
                + ",\n  42,\n  {\"eventVersion\": \"1.08\"}\n]}\n"
                + new String(azure, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8));
    byte[] gzipped = gzip(repeated(cloudTrail, 5));
    Files.write(awkward.resolve("e-cut.log.gz"), Arrays.copyOf(gzipped, gzipped.length * 2 / 3));
    return List.of(corpus().toString(), awkward.toString(), "-");
  }

  /**
   * Avro containers are compared byte for byte except for their sync marker, which Avro draws at
   * random for every file (two runs of one thread differ there too); it ends the file.
   */
  private static void assertSameBytes(OutputFormat format, byte[] actual, byte[] expected) {
    byte[] comparable = actual;
    if (format == OutputFormat.avro && actual.length >= 16 && expected.length >= 16) {
      comparable =
          withSyncMarker(
              actual, Arrays.copyOfRange(expected, expected.length - 16, expected.length));
    }
    int at = Arrays.mismatch(comparable, expected);
    assertThat(at)
        .as(
            "first difference (of %d bytes against %d), after: %s",
            actual.length,
            expected.length,
            at < 0
                ? ""
                : new String(
                    expected, Math.max(0, at - 80), Math.min(at, 80), StandardCharsets.UTF_8))
        .isEqualTo(-1);
  }

  /** The container with its own sync marker (its last 16 bytes) replaced by {@code marker}. */
  private static byte[] withSyncMarker(byte[] container, byte[] marker) {
    byte[] own = Arrays.copyOfRange(container, container.length - 16, container.length);
    byte[] result = container.clone();
    for (int i = 0; i + 16 <= result.length; i++) {
      if (Arrays.equals(result, i, i + 16, own, 0, 16)) {
        System.arraycopy(marker, 0, result, i, 16);
        i += 15;
      }
    }
    return result;
  }

  private static byte[] repeated(byte[] content, int times) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < times; i++) {
      out.writeBytes(content);
      if (content.length > 0 && content[content.length - 1] != '\n') {
        out.write('\n');
      }
    }
    return out.toByteArray();
  }

  private static byte[] firstLine(byte[] content) {
    int end = 0;
    while (end < content.length && content[end] != '\n') {
      end++;
    }
    return Arrays.copyOf(content, end);
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(content);
    }
    return out.toByteArray();
  }

  private static byte[] corpusFile(String name) throws IOException {
    return Files.readAllBytes(corpus().resolve(name));
  }

  /** As {@link CorpusNormalizeCommandTest} finds it: {@code -Dvigil.shared.dir}, else beside. */
  private static Path corpus() {
    String configured = System.getProperty("vigil.shared.dir");
    Path shared = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    Path corpus = shared.resolve("corpus").toAbsolutePath().normalize();
    assertThat(corpus).as("the shared corpus").isDirectory();
    return corpus;
  }
}
