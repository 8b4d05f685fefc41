package dev.vigil.cli;

import dev.vigil.ingest.spi.SourceParser;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a command may touch of the outside world: the standard streams, the working directory,
 * whether stdout and stderr are terminals, and the parsers to use. {@link #system()} is the real
 * process; tests build their own, so commands never reach for {@code System.out} directly.
 *
 * @param stdin standard input (for the input {@code -})
 * @param stdout standard output, as bytes (JSON Lines or an Avro container)
 * @param stderr standard error, for the summary, progress and one-line errors
 * @param workingDir relative paths on the command line resolve against it
 * @param stdoutIsTerminal true when stdout is a terminal (binary output is refused there)
 * @param stderrIsTerminal true when stderr is a terminal (only then is progress shown)
 * @param parsers the parsers to use; empty for every parser on the class path
 * @param environment the environment variables (passwords are read from them, never from argv)
 */
public record CliEnvironment(
    InputStream stdin,
    OutputStream stdout,
    PrintWriter stderr,
    Path workingDir,
    boolean stdoutIsTerminal,
    boolean stderrIsTerminal,
    List<SourceParser> parsers,
    Map<String, String> environment) {

  public CliEnvironment {
    parsers = List.copyOf(parsers);
    workingDir = workingDir.toAbsolutePath();
    environment = Map.copyOf(environment);
  }

  /** An environment with the process's environment variables. */
  public CliEnvironment(
      InputStream stdin,
      OutputStream stdout,
      PrintWriter stderr,
      Path workingDir,
      boolean stdoutIsTerminal,
      boolean stderrIsTerminal,
      List<SourceParser> parsers) {
    this(
        stdin,
        stdout,
        stderr,
        workingDir,
        stdoutIsTerminal,
        stderrIsTerminal,
        parsers,
        System.getenv());
  }

  public static CliEnvironment system() {
    return new CliEnvironment(
        System.in,
        System.out,
        new PrintWriter(System.err, true),
        Path.of(""),
        Terminals.isTerminal(1),
        Terminals.isTerminal(2),
        List.of());
  }

  /** A path from the command line, relative to {@link #workingDir}. */
  public Path resolve(String path) {
    return workingDir.resolve(path);
  }
}
