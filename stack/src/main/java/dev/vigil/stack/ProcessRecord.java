package dev.vigil.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One started component process as recorded in its PID file: the PID, the process's start time, and
 * the endpoints it serves.
 *
 * <p>Design: a PID alone is not an identity, since the kernel reuses PIDs; {@code down} must stop
 * exactly the processes the stack started and nothing else. The record therefore keeps the start
 * instant the kernel reports for the process, and a process counts as ours only while both match.
 * The file is written atomically (temp file, then rename) so a reader never sees half a record.
 */
record ProcessRecord(long pid, Optional<Instant> startedAt, Map<String, String> endpoints) {

  private static final String PID = "pid";
  private static final String STARTED_AT = "started-at";
  private static final String ENDPOINT_PREFIX = "endpoint.";
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  ProcessRecord {
    endpoints = Map.copyOf(endpoints);
  }

  /**
   * A JVM option naming the component directory, so a component process can be told apart in {@code
   * ps} (and by tests checking that nothing is left behind).
   */
  static String stateDirMarker(Path componentDir) {
    return "-Dvigil.stack.dir=" + componentDir;
  }

  static ProcessRecord of(ProcessHandle process, Map<String, String> endpoints) {
    return new ProcessRecord(process.pid(), process.info().startInstant(), endpoints);
  }

  /** The recorded process if it still runs, and is still the one recorded. */
  Optional<ProcessHandle> liveProcess() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            handle ->
                startedAt.isEmpty()
                    || handle.info().startInstant().map(startedAt.get()::equals).orElse(true));
  }

  /**
   * SIGTERM, then SIGKILL when the process has not exited within the grace period. Returns whether
   * it needed SIGKILL.
   */
  boolean stop(Duration gracePeriod) {
    Optional<ProcessHandle> live = liveProcess();
    if (live.isEmpty()) {
      return false;
    }
    ProcessHandle process = live.get();
    process.destroy();
    if (awaitExit(process, gracePeriod)) {
      return false;
    }
    process.destroyForcibly();
    if (!awaitExit(process, KILL_WAIT)) {
      throw new StackException(
          "process " + pid + " survived SIGKILL for " + KILL_WAIT.toSeconds() + " s");
    }
    return true;
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !process.isAlive();
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for process " + process.pid(), e);
    }
  }

  void write(Path file) {
    Properties properties = new Properties();
    properties.setProperty(PID, Long.toString(pid));
    startedAt.ifPresent(instant -> properties.setProperty(STARTED_AT, instant.toString()));
    endpoints.forEach((name, value) -> properties.setProperty(ENDPOINT_PREFIX + name, value));
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer writer = Files.newBufferedWriter(temp)) {
        properties.store(writer, "written by vigil stack; read by vigil stack down/status");
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw StackException.io("cannot write PID file " + file, e);
    }
  }

  /** The record in {@code file}; empty when there is none or it is not a record of ours. */
  static Optional<ProcessRecord> read(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw StackException.io("cannot read PID file " + file, e);
    }
    long pid;
    Optional<Instant> startedAt;
    try {
      pid = Long.parseLong(properties.getProperty(PID, ""));
      startedAt = Optional.ofNullable(properties.getProperty(STARTED_AT)).map(Instant::parse);
    } catch (RuntimeException e) {
      throw new StackException(
          "PID file " + file + " is damaged; check that no component runs, then delete it");
    }
    Map<String, String> endpoints = new LinkedHashMap<>();
    properties.stringPropertyNames().stream()
        .filter(name -> name.startsWith(ENDPOINT_PREFIX))
        .sorted()
        .forEach(
            name ->
                endpoints.put(
                    name.substring(ENDPOINT_PREFIX.length()), properties.getProperty(name)));
    return Optional.of(new ProcessRecord(pid, startedAt, endpoints));
  }
}
