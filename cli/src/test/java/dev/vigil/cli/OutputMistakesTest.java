package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same output mistake reads the same in every command ({@link OutputTargets}): one line, the
 * option and the path as typed, what is wrong in words, before anything is read.
 */
class OutputMistakesTest {

  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    Files.writeString(dir.resolve("in.log"), "not json\n");
    Files.writeString(dir.resolve("afile"), "");
    Files.writeString(dir.resolve("rule.yml"), RulesCommandTest.CONSOLE_LOGIN_RULE);
    Files.createDirectories(dir.resolve("adir"));
    // The checkout the demo runs in: the working directory, with its samples.
    Files.createDirectories(dir.resolve("samples"));
  }

  private CliRun.Result run(String... args) {
    return new CliRun(dir, List.of()).execute(args);
  }

  /** Each command with {@code FILE} as the path of the output option named first. */
  private static final Map<String, List<String>> FILE_OUTPUTS =
      Map.of(
          "normalize --out", List.of("normalize", "--out", "FILE", "in.log"),
          "normalize --dead-letter", List.of("normalize", "--dead-letter", "FILE", "in.log"),
          "detect --out", List.of("detect", "--out", "FILE", "in.log"),
          "detect --events-out", List.of("detect", "--events-out", "FILE", "in.log"),
          "rules backtest --dead-letter",
              List.of(
                  "rules", "backtest", "--rules", "rule.yml", "--dead-letter", "FILE", "in.log"));

  private static final Map<String, List<String>> DIRECTORY_OUTPUTS =
      Map.of(
          "demo --out-dir", List.of("demo", "--out-dir", "FILE"),
          "report --out",
              List.of("report", "--period", "2026-11", "--input", "adir", "--out", "FILE"));

  private void expect(Map<String, List<String>> commands, String path, String expected) {
    commands.forEach(
        (name, template) -> {
          String[] args =
              template.stream()
                  .map(a -> a.equals("FILE") ? path : a)
                  .toList()
                  .toArray(String[]::new);
          String option = name.substring(name.lastIndexOf(' ') + 1);
          String command = template.get(0).equals("rules") ? "rules backtest" : template.get(0);
          CliRun.Result result = run(args);
          assertThat(result.exitCode()).as(name).isEqualTo(VigilCommand.EXIT_ERROR);
          assertThat(result.stderrLines())
              .as(name)
              .containsExactly(
                  "vigil " + command + ": cannot write " + option + " " + path + ": " + expected);
        });
  }

  @Test
  void aFileOutputThatIsADirectory() {
    expect(FILE_OUTPUTS, "adir", "it is a directory; give a file name");
  }

  @Test
  void anOutputBelowAFile() {
    expect(FILE_OUTPUTS, "afile/sub/x.jsonl", "afile is not a directory");
    expect(DIRECTORY_OUTPUTS, "afile/sub", "afile is not a directory");
  }

  @Test
  void aDirectoryOutputThatIsAFile() {
    expect(DIRECTORY_OUTPUTS, "afile", "it is a file; give a directory");
  }

  @Test
  void anOutputWhereNoFileCanBeCreatedFailsBeforeTheRun() {
    // /proc takes no new file whatever the permission bits say (even for root): the real write
    // would fail only after the whole run.
    expect(
        FILE_OUTPUTS, "/proc/x.jsonl", "cannot create a file in /proc (no such file or directory)");
    expect(DIRECTORY_OUTPUTS, "/proc", "cannot create a file in /proc (no such file or directory)");
  }

  @Test
  void reportInputThatIsAFileSaysSo() {
    CliRun.Result result =
        run("report", "--period", "2026-11", "--input", "afile", "--out", "report");

    assertThat(result.stderrLines())
        .containsExactly(
            "vigil report: --input afile is a file; give the directory a run wrote its files to"
                + " (vigil demo --out-dir)");
    assertThat(dir.resolve("report")).doesNotExist();
  }

  @Test
  void theDemoNamesItsDefaultDirectoryAsTheDefault() throws IOException {
    Files.writeString(dir.resolve("out"), "");

    CliRun.Result result = run("demo");

    assertThat(result.stderrLines())
        .containsExactly(
            "vigil demo: cannot write the default output directory out/ (give --out-dir DIR to"
                + " write elsewhere): it is a file; give a directory");
  }

  /** A working directory that takes no new file, even for root. */
  private static final Path UNWRITABLE = Path.of("/proc/self");

  @Test
  void deadLettersWithNowhereToGoFailBeforeAnythingIsRead() {
    String input = dir.resolve("in.log").toString();
    for (String command : List.of("normalize", "detect")) {
      CliRun.Result result = new CliRun(UNWRITABLE, List.of()).execute(command, input);

      assertThat(result.exitCode()).as(command).isEqualTo(VigilCommand.EXIT_ERROR);
      assertThat(result.stdout()).as(command).isEmpty();
      assertThat(result.stderrLines())
          .as(command)
          .containsExactly(
              "vigil "
                  + command
                  + ": cannot write dead letters (when any) to the working directory /proc/self:"
                  + " cannot create a file in the working directory (no such file or directory);"
                  + " give --dead-letter FILE");
    }
  }
}
