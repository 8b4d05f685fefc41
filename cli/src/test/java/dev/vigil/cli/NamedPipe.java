package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A named pipe (mkfifo) as an output path, with a reader on another thread: a writer's open of a
 * pipe waits until a reader has it open.
 */
final class NamedPipe {

  private NamedPipe() {}

  /** Makes the pipe at {@code path}. */
  static Path make(Path path) throws IOException, InterruptedException {
    assertThat(new ProcessBuilder("mkfifo", path.toString()).start().waitFor()).isZero();
    return path;
  }

  /** Everything written to the pipe, once its writer closes it. */
  static CompletableFuture<String> readAll(Path pipe) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Files.readString(pipe);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** A reader that opens the pipe and goes away at once, as a full disk or a closed pager would. */
  static CompletableFuture<Void> readerThatLeaves(Path pipe) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            Files.newInputStream(pipe).close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
