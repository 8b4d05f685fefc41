package dev.vigil.detect.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineFileSinkTest {

  @TempDir Path dir;

  @Test
  void aCommittedRunReplacesTheTargetAndLeavesNoPartialFile() throws Exception {
    Path target = dir.resolve("out.jsonl");
    Files.writeString(target, "old\n");

    SinkWriter<String> writer = writer(target);
    writer.write("a", null);
    writer.write("b", null);
    writer.flush(true);
    writer.close();

    assertThat(target).hasContent("a\nb");
    assertThat(dir).isDirectoryNotContaining("glob:**.partial");
  }

  @Test
  void aFailedRunKeepsThePreviousContentAndLeavesNoPartialFile() throws Exception {
    Path target = dir.resolve("out.jsonl");
    Files.writeString(target, "old\n");

    SinkWriter<String> writer = writer(target);
    writer.write("a", null);
    writer.close();

    assertThat(target).hasContent("old");
    assertThat(dir).isDirectoryNotContaining("glob:**.partial");
  }

  @Test
  void aRunEndedBySigtermLeavesNoPartialFile() throws Exception {
    Path target = dir.resolve("events.jsonl");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PartialFileWriter.class.getName(),
                target.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS))
          .isEqualTo("open");
      assertThat(dir).isDirectoryContaining("glob:**.partial");
    } finally {
      process.destroy(); // SIGTERM, as Ctrl-C: the JVM runs its shutdown hooks
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(dir)
        .as("the partial file holds raw records")
        .isDirectoryNotContaining("glob:**.partial");
    assertThat(target).doesNotExist();
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void closingAFailedRunWhoseTargetCannotTakeTheRestDoesNotThrow() throws Exception {
    // A pipe whose reader has gone: the write of the held lines fails (as on a full disk). Flink
    // closes the writers of a failed task as its clean-up, where an exception is fatal to the
    // whole TaskManager and hides the failure that matters.
    Path pipe = dir.resolve("out.pipe");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
    CompletableFuture<Void> readerGone =
        CompletableFuture.runAsync(
            () -> {
              try {
                new FileInputStream(pipe.toFile()).close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    SinkWriter<String> writer = writer(pipe);
    readerGone.get(30, TimeUnit.SECONDS);
    writer.write("a line that has nowhere to go", null);

    assertThatCode(writer::close).doesNotThrowAnyException();
    assertThat(Files.isRegularFile(pipe)).isFalse();
  }

  private static SinkWriter<String> writer(Path target) throws IOException {
    return LineFileSink.<String>inArrivalOrder(target, line -> line).createWriter(context());
  }

  /** A context at parallelism 1, all that the sink asks of it. */
  static WriterInitContext context() {
    TaskInfoImpl task = new TaskInfoImpl("test", 1, 0, 1, 0);
    return (WriterInitContext)
        Proxy.newProxyInstance(
            LineFileSinkTest.class.getClassLoader(),
            new Class<?>[] {WriterInitContext.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getTaskInfo")) {
                return task;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
