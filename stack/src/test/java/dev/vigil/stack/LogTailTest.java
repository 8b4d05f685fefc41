package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
  @TempDir Path dir;

  @Test
  void keepsTheLastLinesOfEachNonEmptyFileUnderItsName() throws Exception {
    Path server = dir.resolve("server.log");
    Files.writeString(
        server,
        IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"))
            + "\n");
    Path empty = Files.createFile(dir.resolve("kafka.out"));

    String tail = LogTail.of(List.of(server, empty, dir.resolve("missing.log")), 3);

    assertThat(tail)
        .isEqualTo("\n--- last lines of " + server + " ---\nline 98\nline 99\nline 100\n");
  }

  @Test
  void dropsTheCutFirstLineOfALargeFile() throws Exception {
    Path big = dir.resolve("big.log");
    String line = "x".repeat(99) + "\n";
    Files.writeString(big, "FIRST-" + line.repeat(2000));

    String tail = LogTail.lastLines(big, 10_000);

    assertThat(tail).doesNotContain("FIRST").startsWith("x");
    assertThat(tail.lines()).allSatisfy(each -> assertThat(each).hasSize(99));
  }
}
