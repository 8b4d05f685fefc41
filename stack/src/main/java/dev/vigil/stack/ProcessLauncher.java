package dev.vigil.stack;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts a component process with its output appended to a log file, its lifetime as configured,
 * and, when asked, as another user.
 *
 * <p>Design: every wrapper used here ({@code setsid}, {@code setpriv}, OpenSearch's start script)
 * ends in {@code exec}, so the PID Java sees is the component's own JVM, the one {@code down} must
 * signal. {@link Lifetime#DETACHED} puts the process in its own session so a terminal's hangup or
 * Ctrl-C does not reach it. {@link Lifetime#BOUND_TO_THIS_JVM} sets the kernel's parent-death
 * signal (SIGKILL) through {@code setpriv --pdeathsig}: that survives a JVM killed by SIGKILL,
 * which no shutdown hook does. The kernel sends it when the forking <em>thread</em> ends, so all
 * launches happen on one daemon thread that lives as long as the JVM.
 */
final class ProcessLauncher {
  private static final ExecutorService LAUNCH_THREAD =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "vigil-stack-launcher");
            thread.setDaemon(true);
            return thread;
          });

  /** Inherited settings that would change how the component JVMs start. */
  private static final List<String> SCRUBBED_ENVIRONMENT =
      List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "JAVA_OPTS");

  private ProcessLauncher() {}

  static Process launch(
      List<String> command,
      Map<String, String> environment,
      Path workingDir,
      Path outputLog,
      Lifetime lifetime,
      Optional<SystemUser> runAs) {
    List<String> full = new ArrayList<>();
    if (lifetime == Lifetime.DETACHED) {
      full.add(require("setsid"));
    }
    if (lifetime == Lifetime.BOUND_TO_THIS_JVM || runAs.isPresent()) {
      full.add(require("setpriv"));
      if (lifetime == Lifetime.BOUND_TO_THIS_JVM) {
        full.add("--pdeathsig=KILL");
      }
      runAs.ifPresent(
          user -> {
            full.add("--reuid=" + user.uid());
            full.add("--regid=" + user.gid());
            full.add("--init-groups");
          });
      full.add("--");
    }
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(workingDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(outputLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    SCRUBBED_ENVIRONMENT.forEach(builder.environment()::remove);
    builder.environment().putAll(environment);
    Future<Process> started =
        LAUNCH_THREAD.submit(
            () -> {
              try {
                return builder.start();
              } catch (IOException e) {
                throw StackException.io("cannot start `" + full.get(0) + "`", e);
              }
            });
    try {
      return started.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StackException stackException
          ? stackException
          : new StackException(
              "cannot start `" + command.get(0) + "`: " + IoProblems.innermost(e.getCause()),
              e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while starting " + command.get(0), e);
    }
  }

  private static String require(String program) {
    return Commands.find(program)
        .map(Path::toString)
        .orElseThrow(
            () ->
                new StackException(
                    "`"
                        + program
                        + "` (util-linux) is needed to start the stack's processes and is not"
                        + " installed"));
  }
}
