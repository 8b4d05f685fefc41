package dev.vigil.cli;

import dev.vigil.ingest.spi.SourceParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs {@code vigil} in-process with captured streams, the way a shell would. */
final class CliRun {

  private final Path workingDir;
  private final List<SourceParser> parsers;
  private byte[] stdin = new byte[0];
  private boolean stdoutIsTerminal;
  private OutputStream stdout;
  private Map<String, String> environment = Map.of();

  CliRun(Path workingDir, List<SourceParser> parsers) {
    this.workingDir = workingDir;
    this.parsers = parsers;
  }

  CliRun stdin(byte[] bytes) {
    this.stdin = bytes;
    return this;
  }

  /** The environment variables the run sees (none by default: runs don't depend on the host). */
  CliRun environment(Map<String, String> variables) {
    this.environment = variables;
    return this;
  }

  /** Standard output goes to this stream instead of being captured (a failing one, say). */
  CliRun stdout(OutputStream stream) {
    this.stdout = stream;
    return this;
  }

  CliRun stdoutIsTerminal() {
    this.stdoutIsTerminal = true;
    return this;
  }

  /** What one run left behind. */
  record Result(int exitCode, byte[] stdoutBytes, String stderr) {
    String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    List<String> stdoutLines() {
      return stdout().lines().toList();
    }

    List<String> stderrLines() {
      return stderr.lines().toList();
    }
  }

  Result execute(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    CliEnvironment env =
        new CliEnvironment(
            new ByteArrayInputStream(stdin),
            stdout != null ? stdout : out,
            new PrintWriter(err, true),
            workingDir,
            stdoutIsTerminal,
            false,
            parsers,
            environment);
    int exit = VigilCommand.commandLine(env).execute(Arrays.copyOf(args, args.length));
    return new Result(exit, out.toByteArray(), err.toString());
  }
}
