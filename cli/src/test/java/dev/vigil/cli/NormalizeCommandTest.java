package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.io.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NormalizeCommandTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String VAULT_1 =
      "{\"type\":\"request\",\"time\":\"2024-05-01T10:00:00.123456Z\",\"user\":\"alice\","
          + "\"request\":{\"operation\":\"read\"}}";
  private static final String VAULT_2 =
      "{\"type\":\"response\",\"time\":\"2024-05-01T10:00:01Z\",\"user\":\"bob\","
          + "\"request\":{\"operation\":\"list\"}}";
  private static final String GCP_1 =
      "{\"timestamp\":\"2024-05-01T11:00:00Z\",\"protoPayload\":{\"operation\":\"get\"}}";

  @TempDir Path dir;
  private CliRun cli;

  @BeforeEach
  void setUp() {
    cli = new CliRun(dir, FakeParsers.both());
  }

  @Test
  void printsOneEventPerLineAsPlainNestedJson() throws IOException {
    write("in.log", VAULT_1 + "\n" + VAULT_2 + "\n");

    CliRun.Result result = cli.execute("normalize", "in.log");

    assertThat(result.exitCode()).isZero();
    List<String> lines = result.stdoutLines();
    assertThat(lines).hasSize(2);
    JsonNode first = MAPPER.readTree(lines.get(0));
    assertThat(first.get("source").asText()).isEqualTo("VAULT");
    assertThat(first.get("time").asText()).isEqualTo("2024-05-01T10:00:00.123Z");
    assertThat(first.get("actor").get("name").asText()).isEqualTo("alice");
    assertThat(first.get("actor").get("type").asText()).isEqualTo("UNKNOWN");
    assertThat(first.get("error_code").isNull()).isTrue();
    assertThat(first.get("raw").asText()).isEqualTo(VAULT_1);
    assertThat(first.get("origin").asText()).isEqualTo("in.log:1");
    assertThat(MAPPER.readTree(lines.get(1)).get("origin").asText()).isEqualTo("in.log:2");
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil normalize: 1 input, 2 records in, 2 events, 0 dead-lettered",
            "  events by source: VAULT 2");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no dead-letter file without dead letters").hasSize(1);
    }
  }

  @Test
  void avroOutputHoldsTheSameEventsAsJsonLines() throws IOException {
    write("in.log", VAULT_1 + "\n" + GCP_1 + "\n" + VAULT_2 + "\n");

    CliRun.Result jsonl = cli.execute("normalize", "in.log");
    CliRun.Result avro =
        cli.execute("normalize", "--format", "avro", "--out", "events.avro", "in.log");

    assertThat(avro.exitCode()).isZero();
    assertThat(avro.stdoutBytes()).isEmpty();
    List<AuditEvent> fromJson = jsonl.stdoutLines().stream().map(EventJson::readEvent).toList();
    assertThat(readAvro(dir.resolve("events.avro"), AuditEvent.class))
        .hasSize(3)
        .isEqualTo(fromJson);
    assertThat(readAvro(dir.resolve("events.avro.deadletters.avro"), DeadLetter.class)).isEmpty();
  }

  @Test
  void avroGoesToStdoutWhenItIsNotATerminal() throws IOException {
    write("in.log", VAULT_1 + "\n");

    CliRun.Result result = cli.execute("normalize", "--format", "AVRO", "in.log");

    assertThat(result.exitCode()).isZero();
    Path avro = Files.write(dir.resolve("stdout.avro"), result.stdoutBytes());
    assertThat(readAvro(avro, AuditEvent.class))
        .extracting(AuditEvent::getOrigin)
        .containsExactly("in.log:1");
  }

  @Test
  void refusesAvroToATerminalInOneLine() throws IOException {
    write("in.log", VAULT_1 + "\n");

    CliRun.Result result =
        cli.stdoutIsTerminal().execute("normalize", "--format", "avro", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdoutBytes()).isEmpty();
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil normalize: refusing to write binary Avro to a terminal; give --out FILE or"
                + " redirect stdout");
  }

  @Test
  void writesDeadLettersToTheGivenFileAndExitsWithTwo() throws IOException {
    String secretLine = "{\"type\":\"request\",\"password\":\"s3cr3t-value\"";
    write("in.log", VAULT_1 + "\n" + secretLine + "\n" + VAULT_2 + "\n");

    CliRun.Result result = cli.execute("normalize", "--dead-letter", "dl.jsonl", "in.log");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdoutLines()).hasSize(2);
    List<String> deadLetters = Files.readAllLines(dir.resolve("dl.jsonl"));
    assertThat(deadLetters).hasSize(1);
    JsonNode letter = MAPPER.readTree(deadLetters.get(0));
    assertThat(letter.get("reason").asText()).isEqualTo("MALFORMED_JSON");
    assertThat(letter.get("origin").asText()).isEqualTo("in.log:2");
    assertThat(letter.get("raw").asText()).isEqualTo(secretLine);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil normalize: 1 input, 3 records in, 2 events, 1 dead-lettered",
            "  events by source: VAULT 2",
            "  dead-lettered by reason: MALFORMED_JSON 1",
            "  dead-lettered by source: unknown 1",
            "  dead letters written to dl.jsonl");
    assertThat(result.stderr()).doesNotContain("s3cr3t");
  }

  @Test
  void deadLettersGoBesideOutWhenNoFileIsGiven() throws IOException {
    write("in.log", VAULT_1 + "\n{\"type\":\"request\",\"request\":{}}\n");

    CliRun.Result result = cli.execute("normalize", "--out", "events.jsonl", "in.log");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(Files.readAllLines(dir.resolve("events.jsonl"))).hasSize(1);
    List<String> deadLetters = Files.readAllLines(dir.resolve("events.jsonl.deadletters.jsonl"));
    assertThat(deadLetters).hasSize(1);
    assertThat(MAPPER.readTree(deadLetters.get(0)).get("reason").asText())
        .isEqualTo("MISSING_TIME");
    assertThat(MAPPER.readTree(deadLetters.get(0)).get("source_guess").asText()).isEqualTo("VAULT");
    assertThat(result.stderrLines())
        .contains(
            "  dead-lettered by reason: MISSING_TIME 1",
            "  dead-lettered by source: VAULT 1",
            "  dead letters written to events.jsonl.deadletters.jsonl");
  }

  @Test
  void eventsAndDeadLettersAreOwnerOnlyWhateverTheUmaskAlsoOverAnExistingFile() throws IOException {
    write("in.log", VAULT_1 + "\nnot json\n");
    Path earlier = Files.writeString(dir.resolve("events.jsonl"), "an earlier run's events\n");
    Files.setPosixFilePermissions(earlier, PosixFilePermissions.fromString("rw-r--r--"));

    CliRun.Result toFile = cli.execute("normalize", "--out", "events.jsonl", "in.log");
    CliRun.Result toStdout = cli.execute("normalize", "in.log");

    assertThat(toFile.exitCode()).isEqualTo(2);
    assertThat(toStdout.exitCode()).isEqualTo(2);
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(file -> !file.endsWith("in.log")).toList();
    }
    assertThat(files)
        .extracting(file -> file.getFileName().toString())
        .hasSize(3)
        .contains("events.jsonl", "events.jsonl.deadletters.jsonl");
    assertThat(files)
        .as("raw records: not readable by other local accounts")
        .allSatisfy(
            file ->
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(file.getFileName().toString())
                    .isEqualTo("rw-------"));
  }

  @Test
  void deadLettersOfAStdoutRunGoToANewFileInTheWorkingDirectory() throws IOException {
    write("in.log", "not json\n");
    Files.createDirectory(dir.resolve("out"));
    CliRun inOut = new CliRun(dir.resolve("out"), FakeParsers.both());

    CliRun.Result first = inOut.execute("normalize", "../in.log");
    CliRun.Result second = inOut.execute("normalize", "../in.log");

    assertThat(first.exitCode()).isEqualTo(2);
    assertThat(second.exitCode()).isEqualTo(2);
    List<Path> files;
    try (Stream<Path> list = Files.list(dir.resolve("out"))) {
      files = list.sorted().toList();
    }
    assertThat(files)
        .as("a second run in the same second never overwrites the first one's dead letters")
        .hasSizeBetween(2, 2)
        .allSatisfy(
            file -> {
              assertThat(file.getFileName().toString())
                  .matches("vigil-deadletters-\\d{8}T\\d{6}Z(-\\d+)?\\.jsonl");
              assertThat(Files.readAllLines(file)).hasSize(1);
            });
    assertThat(first.stderr()).contains("  dead letters written to vigil-deadletters-");
  }

  @Test
  void deadLettersOfARunToAPipeGoToANewFileInTheWorkingDirectoryNotBesideThePipe()
      throws Exception {
    write("in.log", VAULT_1 + "\nnot json\n");
    Path pipe = NamedPipe.make(dir.resolve("events.pipe"));
    CompletableFuture<String> received = NamedPipe.readAll(pipe);

    CliRun.Result result = cli.execute("normalize", "--out", "events.pipe", "in.log");

    // A device or pipe has no sibling to name after it (/dev/null.deadletters.jsonl, in /dev):
    // its dead letters go where those of a run to stdout go, as in vigil detect.
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
    assertThat(received.get(30, TimeUnit.SECONDS).lines()).hasSize(1);
    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.map(f -> f.getFileName().toString()).sorted().toList();
    }
    assertThat(files).hasSize(3).contains("events.pipe", "in.log");
    String deadLetters = files.get(2);
    assertThat(deadLetters).matches("vigil-deadletters-\\d{8}T\\d{6}Z\\.jsonl");
    assertThat(Files.readAllLines(dir.resolve(deadLetters))).hasSize(1);
    assertThat(result.stderrLines()).contains("  dead letters written to " + deadLetters);
  }

  @Test
  void avroDeadLettersAreAnAvroContainerToo() throws IOException {
    write("in.log", VAULT_1 + "\n[1]\n");

    CliRun.Result result =
        cli.execute(
            "normalize",
            "--format",
            "avro",
            "--out",
            "e.avro",
            "--dead-letter",
            "d.avro",
            "in.log");

    assertThat(result.exitCode()).isEqualTo(2);
    List<DeadLetter> letters = readAvro(dir.resolve("d.avro"), DeadLetter.class);
    assertThat(letters)
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
              assertThat(letter.getOrigin()).isEqualTo("in.log:2#1");
              assertThat(StandardCharsets.UTF_8.decode(letter.getRaw()).toString()).isEqualTo("1");
            });
  }

  @Test
  void readsGzipByItsContentWhateverTheName() throws IOException {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write((VAULT_1 + "\n" + VAULT_2 + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Files.write(dir.resolve("audit.data"), gzipped.toByteArray());
    Files.write(dir.resolve("audit.log.gz"), gzipped.toByteArray());

    CliRun.Result result = cli.execute("normalize", "audit.data", "audit.log.gz");

    assertThat(result.exitCode()).isZero();
    assertThat(origins(result))
        .containsExactly("audit.data:1", "audit.data:2", "audit.log.gz:1", "audit.log.gz:2");
  }

  @Test
  void aTruncatedGzipKeepsItsRecordsDeadLettersItsTailAndTheRunGoesOn() throws IOException {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      for (int i = 0; i < 400; i++) {
        gzip.write((VAULT_1.replace("alice", "user" + i) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] bytes = gzipped.toByteArray();
    write("logs/a-cut.gz", "");
    Files.write(dir.resolve("logs/a-cut.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    write("logs/b.log", VAULT_2 + "\n");

    CliRun.Result result =
        cli.execute("normalize", "--out", "out.jsonl", "--dead-letter", "dl.jsonl", "logs");

    assertThat(result.exitCode()).isEqualTo(NormalizeCommand.EXIT_DEAD_LETTERS);
    List<String> events = Files.readAllLines(dir.resolve("out.jsonl"));
    assertThat(events).hasSizeGreaterThan(10);
    assertThat(MAPPER.readTree(events.get(events.size() - 1)).get("origin").asText())
        .isEqualTo("b.log:1");
    List<String> deadLetters = Files.readAllLines(dir.resolve("dl.jsonl"));
    assertThat(deadLetters).hasSize(1);
    JsonNode letter = MAPPER.readTree(deadLetters.get(0));
    assertThat(letter.get("reason").asText()).isEqualTo("MALFORMED_JSON");
    assertThat(letter.get("origin").asText()).isEqualTo("a-cut.gz:" + events.size());
    assertThat(letter.get("message").asText()).startsWith("the gzip file is cut off");
    assertThat(result.stderrLines())
        .contains(
            "vigil normalize: 2 inputs, "
                + (events.size() + 1)
                + " records in, "
                + events.size()
                + " events, 1 dead-lettered")
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("vigil normalize: a-cut.gz:" + events.size() + ": the gzip file"));
    assertThat(result.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void readsDirectoriesRecursivelyInNameOrderSkippingHiddenFilesAndSidecars() throws IOException {
    write("logs/b.log", VAULT_2 + "\n");
    write("logs/a/z.json", VAULT_1 + "\n");
    write("logs/.hidden.log", VAULT_1 + "\n");
    write("logs/.git/objects.log", VAULT_1 + "\n");
    write("logs/index.tsv", "1\tnot a record\n");
    write("logs/NOTES.md", "# notes\n");

    CliRun.Result result = cli.execute("normalize", "logs");

    assertThat(result.exitCode()).isZero();
    assertThat(origins(result)).containsExactly("a/z.json:1", "b.log:1");
    assertThat(result.stderrLines())
        .first()
        .asString()
        .startsWith("vigil normalize: 2 inputs, 2 records in");
  }

  @Test
  void countsOneOfAnythingInTheSingular() throws IOException {
    write("in.log", VAULT_1 + "\n");

    CliRun.Result result = cli.execute("normalize", "in.log");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderrLines())
        .first()
        .isEqualTo("vigil normalize: 1 input, 1 record in, 1 event, 0 dead-lettered");
  }

  @Test
  void readsStandardInputForADash() {
    CliRun.Result result =
        cli.stdin((VAULT_1 + "\n\n" + GCP_1 + "\n").getBytes(StandardCharsets.UTF_8))
            .execute("normalize", "-");

    assertThat(result.exitCode()).isZero();
    assertThat(origins(result)).containsExactly("stdin:1", "stdin:3");
    assertThat(result.stderrLines()).contains("  events by source: VAULT 1, GCP_AUDIT 1");
  }

  @Test
  void forcedSourceSkipsDetection() throws IOException {
    write("in.log", VAULT_1 + "\n" + GCP_1 + "\n");

    CliRun.Result result =
        cli.execute("normalize", "--source", "gcp", "--dead-letter", "dl.jsonl", "in.log");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdoutLines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(MAPPER.readTree(line).get("source").asText()).isEqualTo("GCP_AUDIT"));
    JsonNode letter = MAPPER.readTree(Files.readAllLines(dir.resolve("dl.jsonl")).get(0));
    assertThat(letter.get("reason").asText()).isEqualTo("MISSING_TIME");
    assertThat(letter.get("source_guess").asText()).isEqualTo(Source.GCP_AUDIT.name());
    assertThat(letter.get("origin").asText()).isEqualTo("in.log:1");
  }

  @Test
  void sourceTakesTheCanonicalNamesInAnyCaseBesideTheShortOnes() throws IOException {
    write("in.log", VAULT_1 + "\n" + GCP_1 + "\n");

    CliRun.Result shortName = cli.execute("normalize", "--source", "gcp", "in.log");
    CliRun.Result canonical = cli.execute("normalize", "--source", "GCP_AUDIT", "in.log");
    CliRun.Result lowerCase = cli.execute("normalize", "--source", "gcp_audit", "in.log");
    CliRun.Result help = cli.execute("normalize", "--help");

    assertThat(canonical.exitCode()).isEqualTo(shortName.exitCode()).isEqualTo(2);
    assertThat(canonical.stdoutLines()).isEqualTo(shortName.stdoutLines()).hasSize(1);
    assertThat(lowerCase.stdoutLines()).isEqualTo(shortName.stdoutLines());
    assertThat(help.stdout().replaceAll("\\s+", " "))
        .contains(
            "auto, vault, cloudtrail, aws_cloudtrail, azure, azure_monitor, gcp, gcp_audit, in any"
                + " case");
  }

  @Test
  void aForcedSourceWithoutItsParserIsOneLineError() throws IOException {
    write("in.log", VAULT_1 + "\n");

    CliRun.Result result = cli.execute("normalize", "--source", "azure", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly("vigil normalize: no parser for the forced source AZURE_MONITOR");
  }

  @Test
  void aMissingFileIsOneLineAndNothingIsWritten() throws IOException {
    write("in.log", VAULT_1 + "\n");

    CliRun.Result result =
        cli.execute("normalize", "--out", "events.jsonl", "in.log", "nothere.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly("vigil normalize: no such file or directory: nothere.log");
    assertThat(dir.resolve("events.jsonl")).doesNotExist();
  }

  @Test
  void aBadOptionIsOneLineWithExitOne() {
    CliRun.Result unknown = cli.execute("normalize", "--bogus", "in.log");
    CliRun.Result badValue = cli.execute("normalize", "--format", "xml", "in.log");
    CliRun.Result noInput = cli.execute("normalize");

    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderrLines())
        .containsExactly(
            "vigil normalize: unknown option '--bogus' (see 'vigil normalize --help')");
    assertThat(badValue.exitCode()).isEqualTo(1);
    assertThat(badValue.stderrLines())
        .containsExactly("vigil normalize: --format 'xml' is not one of jsonl, avro");
    assertThat(noInput.exitCode()).isEqualTo(1);
    assertThat(noInput.stderrLines()).singleElement().asString().contains("INPUT");
  }

  @Test
  void aDirectoryWithoutAnyInputFileIsAnErrorSayingWhatWasSkipped() throws IOException {
    Files.createDirectories(dir.resolve("empty"));
    write("notes/README.md", "# notes\n");
    write("notes/index.tsv", "1\tx\n");
    write("notes/.hidden.log", VAULT_1 + "\n");

    CliRun.Result empty = cli.execute("normalize", "--out", "out.jsonl", "empty");
    CliRun.Result notes = cli.execute("normalize", "notes");

    assertThat(empty.exitCode()).isEqualTo(1);
    assertThat(empty.stderrLines())
        .containsExactly(
            "vigil normalize: no input files in empty (it holds no file); give the files or the"
                + " directory that holds the audit logs");
    assertThat(dir.resolve("out.jsonl")).doesNotExist();
    assertThat(notes.exitCode()).isEqualTo(1);
    assertThat(notes.stderrLines())
        .containsExactly(
            "vigil normalize: no input files in notes (skipped: 2 *.tsv/*.md sidecars, 1 hidden"
                + " entry); give the files or the directory that holds the audit logs");
  }

  @Test
  void inputsWithoutAnyRecordSucceedWithAWarning() throws IOException {
    write("empty.log", "");
    write("blank.log", "\n  \n");

    CliRun.Result result = cli.execute("normalize", "empty.log", "blank.log");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil normalize: 2 inputs, 0 records in, 0 events, 0 dead-lettered",
            "vigil normalize: no records found in the inputs (2 inputs read, all empty or blank);"
                + " check that they are the audit logs meant");
  }

  @Test
  void aFailingOutputStopsTheRunInOneLineAndDeadLettersNothing() throws IOException {
    // Enough events to fill the writer's buffer, so that writes fail while records are normalized.
    write("in.log", (VAULT_1 + "\n").repeat(2_000));
    OutputStream full =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };

    CliRun.Result result = cli.stdout(full).execute("normalize", "in.log");

    // Not the records' fault: none may become a dead letter blaming the parser.
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly("vigil normalize: cannot write to stdout: no space left on device");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("in.log");
    }
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void aRunWhoseDeadLettersCannotBeWrittenLeavesThePreviousEventsAndNoPartialFile(
      OutputFormat format) throws Exception {
    // Events first, so that the events file is part written when the dead letters fail.
    write("in.log", (VAULT_1 + "\n").repeat(2_000) + "not json\n".repeat(2_000));
    Path earlier = Files.writeString(dir.resolve("events"), "an earlier run's events\n");
    // The reader takes what comes first (Avro's header) and leaves: later writes fail.
    Path pipe = NamedPipe.make(dir.resolve("dead.pipe"));
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              try (InputStream in = Files.newInputStream(pipe)) {
                in.read();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    CliRun.Result result =
        cli.execute(
            "normalize",
            "--format",
            format.name(),
            "--out",
            "events",
            "--dead-letter",
            "dead.pipe",
            "in.log");

    reader.get(30, TimeUnit.SECONDS);
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil normalize: cannot write")
        .endsWith(": broken pipe");
    assertThat(earlier)
        .as("a failed run keeps the previous output")
        .hasContent("an earlier run's events");
    assertThat(entries()).containsExactlyInAnyOrder("in.log", "events", "dead.pipe");
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void aRunWhoseEventsCannotBeWrittenLeavesThePreviousDeadLettersAndNoPartialFile(
      OutputFormat format) throws IOException {
    write("in.log", ("not json\n" + VAULT_1 + "\n").repeat(2_000));
    Path earlier = Files.writeString(dir.resolve("dead"), "an earlier run's dead letters\n");

    CliRun.Result result =
        cli.execute(
            "normalize",
            "--format",
            format.name(),
            "--out",
            "/dev/full",
            "--dead-letter",
            "dead",
            "in.log");

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
    assertThat(result.stderrLines())
        .singleElement()
        .asString()
        .startsWith("vigil normalize: cannot write")
        .endsWith(": no space left on device");
    assertThat(earlier).hasContent("an earlier run's dead letters");
    assertThat(entries()).containsExactlyInAnyOrder("in.log", "dead");
  }

  @Test
  void avroToAStdoutThatFailsAtOnceNamesStdout() throws IOException {
    write("in.log", VAULT_1 + "\n");
    OutputStream full =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };

    // The container's header is written as the run starts, before any record.
    CliRun.Result result = cli.stdout(full).execute("normalize", "--format", "avro", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly("vigil normalize: cannot write to stdout: no space left on device");
  }

  @Test
  void aStdoutRunThatFailsLeavesNoDeadLetterFile() throws IOException {
    write("in.log", ("not json\n" + VAULT_1 + "\n").repeat(2_000));
    OutputStream full =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };

    CliRun.Result result = cli.stdout(full).execute("normalize", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(entries())
        .as("the dead letters of a failed run are not kept half written, as vigil detect's")
        .containsExactly("in.log");
  }

  @Test
  void outCreatesMissingDirectoriesForItselfAndItsDeadLetters() throws IOException {
    write("in.log", VAULT_1 + "\nnot json\n");

    CliRun.Result result = cli.execute("normalize", "--out", "nodir/sub/x.jsonl", "in.log");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(Files.readAllLines(dir.resolve("nodir/sub/x.jsonl"))).hasSize(1);
    assertThat(Files.readAllLines(dir.resolve("nodir/sub/x.jsonl.deadletters.jsonl"))).hasSize(1);
  }

  @Test
  void anUnwritableOutputIsNamedAsTheUserKnowsIt() throws IOException {
    write("in.log", VAULT_1 + "\n");
    write("afile", "");
    Files.createDirectories(dir.resolve("x.jsonl.deadletters.jsonl"));

    CliRun.Result underAFile = cli.execute("normalize", "--out", "afile/x.jsonl", "in.log");
    CliRun.Result derived = cli.execute("normalize", "--out", "x.jsonl", "in.log");

    assertThat(underAFile.exitCode()).isEqualTo(1);
    assertThat(underAFile.stderrLines())
        .containsExactly(
            "vigil normalize: cannot write --out afile/x.jsonl: afile is not a directory");
    assertThat(derived.exitCode()).isEqualTo(1);
    assertThat(derived.stderrLines())
        .singleElement()
        .asString()
        .startsWith(
            "vigil normalize: cannot write the dead-letter file x.jsonl.deadletters.jsonl (named"
                + " after --out; give --dead-letter FILE to put it elsewhere): it is a directory");
  }

  @Test
  void refusesToOverwriteAnInput() throws IOException {
    write("in.log", VAULT_1 + "\n");

    CliRun.Result result = cli.execute("normalize", "--out", "in.log", "in.log");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly("vigil normalize: refusing to overwrite the input in.log (--out)");
    assertThat(Files.readString(dir.resolve("in.log"))).isEqualTo(VAULT_1 + "\n");
  }

  @Test
  void refusesOneNewFileForEventsAndDeadLetters() throws IOException {
    write("in.log", VAULT_1 + "\nnot json\n");

    CliRun.Result result =
        cli.execute("normalize", "--out", "all.jsonl", "--dead-letter", "./all.jsonl", "in.log");

    // Two writers truncating one file interleave their output; found before anything is written.
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderrLines())
        .containsExactly(
            "vigil normalize: --out and --dead-letter name the same file: ./all.jsonl");
    assertThat(dir.resolve("all.jsonl")).doesNotExist();
  }

  @Test
  void helpAndVersionExitZero() {
    CliRun.Result help = cli.execute("normalize", "--help");
    CliRun.Result version = cli.execute("--version");

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("--dead-letter=FILE", "Exit codes");
    assertThat(version.exitCode()).isZero();
    assertThat(version.stdout()).startsWith("vigil ").doesNotContain("unknown");
  }

  /** The names in the working directory, hidden ones included. */
  private List<String> entries() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(file -> file.getFileName().toString()).toList();
    }
  }

  private void write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static List<String> origins(CliRun.Result result) {
    return result.stdoutLines().stream()
        .map(line -> readTree(line).get("origin").asText())
        .toList();
  }

  private static JsonNode readTree(String line) {
    try {
      return MAPPER.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> List<T> readAvro(Path file, Class<T> type) throws IOException {
    List<T> records = new ArrayList<>();
    try (DataFileReader<T> reader =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
      reader.forEach(records::add);
    }
    return records;
  }
}
