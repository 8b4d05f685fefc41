package dev.vigil.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Short external commands (id, useradd, Kafka's storage format) with a bounded wait. */
final class Commands {
  private Commands() {}

  record Result(int exitCode, String output) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  /** Runs {@code command}, output and errors captured; killed when it outlasts {@code timeout}. */
  static Result run(List<String> command, Duration timeout) {
    try {
      Path output = Files.createTempFile("vigil-stack-command", ".out");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
          throw new StackException(
              "`"
                  + String.join(" ", command)
                  + "` did not finish in "
                  + timeout.toSeconds()
                  + " s");
        }
        return new Result(
            process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw StackException.io("cannot run `" + command.get(0) + "`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while running `" + command.get(0) + "`", e);
    }
  }

  /** The absolute path of {@code program} on the PATH (or in /usr/sbin, /sbin), if any. */
  static java.util.Optional<Path> find(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }
}
