package dev.vigil.stack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Starts, stops and reports the real local components: a KRaft Kafka broker and an OpenSearch node,
 * both on 127.0.0.1, with every file under {@link StackConfig#stateDir()}. The one implementation
 * behind {@code vigil stack up|down|status} and the test extension.
 *
 * <p>Design: the PID files are the truth. {@link #up} starts only the components without a live
 * recorded process (so a second {@code up} starts nothing), launches them all before waiting so
 * they boot in parallel, and waits, bounded by {@link StackConfig#startTimeout()}, until each
 * answers a real request. When one fails, {@code up} stops what it started in that call and throws
 * with the last lines of the failing component's log. {@link #down} signals exactly the recorded
 * processes (checked by PID and start time, see {@link ProcessRecord}). A lock file serializes
 * {@code up} and {@code down} between processes sharing a state directory.
 */
public final class LocalStack {
  private static final Duration EXTRA_LOCK_WAIT = Duration.ofSeconds(60);

  private final StackConfig config;
  private final Consumer<String> progress;

  public LocalStack(StackConfig config) {
    this(config, message -> {});
  }

  /**
   * @param progress receives one line per step ("starting Kafka", ...), for a terminal
   */
  public LocalStack(StackConfig config, Consumer<String> progress) {
    this.config = config;
    this.progress = progress;
  }

  public StackConfig config() {
    return config;
  }

  /** Starts the configured components that are not running yet and waits until all answer. */
  public StackStatus up() {
    return up(config.components());
  }

  /** Starts {@code components} where not running yet and waits until they answer. */
  public synchronized StackStatus up(Set<Component> components) {
    try (StateLock lock = lock(config.startTimeout().plus(EXTRA_LOCK_WAIT))) {
      Map<Component, String> changes = new EnumMap<>(Component.class);
      List<Started> started = new ArrayList<>();
      ComponentArtifacts artifacts = null;
      try {
        List<ManagedComponent> toStart = new ArrayList<>();
        List<Ports.FixedPort> portsToBind = new ArrayList<>();
        // OpenSearch first: the slowest to boot gets going while Kafka's storage is formatted.
        for (Component component : launchOrder(components)) {
          Optional<ProcessRecord> running = liveRecord(component);
          if (running.isPresent()) {
            requireRunsOnTheConfiguredPorts(component, running.get());
            changes.put(component, "already running");
            continue;
          }
          if (component == Component.KAFKA) {
            requireTheFormattedControllerPort();
          }
          if (artifacts == null) {
            artifacts = ComponentArtifacts.fromBuild();
          }
          toStart.add(managed(component, artifacts));
          portsToBind.addAll(fixedPorts(component));
        }
        // Every taken port in one message, before anything starts.
        Ports.requireFree(portsToBind);
        for (ManagedComponent managed : toStart) {
          Component component = managed.component();
          progress.accept("starting " + component.displayName());
          Files.deleteIfExists(config.pidFile(component));
          ManagedComponent.Launched launched = managed.launch();
          launched.record().write(config.pidFile(component));
          started.add(new Started(managed, launched));
        }
        Instant deadline = Instant.now().plus(config.startTimeout());
        for (Started each : started) {
          each.component().awaitReady(each.launched(), deadline);
          changes.put(each.component().component(), "started");
          progress.accept(each.component().component().displayName() + " answers");
        }
        StackPorts.of(config).write(config.stateDir());
      } catch (RuntimeException | IOException e) {
        for (Started each : started) {
          each.launched().record().stop(config.stopGracePeriod());
          Files.deleteIfExists(config.pidFile(each.component().component()));
        }
        throw e;
      }
      return snapshot(changes);
    } catch (IOException e) {
      throw StackException.io("cannot start the stack in " + config.stateDir(), e);
    }
  }

  /** Stops every recorded process (SIGTERM, SIGKILL after the grace period) and only those. */
  public StackStatus down() {
    return down(EnumSet.allOf(Component.class));
  }

  /**
   * Stops the recorded processes of {@code components} only; the others keep running. Their state
   * stays, so a later {@link #up(Set)} starts them again on the same data (on the same ports when
   * the configuration fixes them): how a test takes OpenSearch away from a running job and gives it
   * back.
   */
  public synchronized StackStatus down(Set<Component> components) {
    try (StateLock lock = lock(config.startTimeout().plus(EXTRA_LOCK_WAIT))) {
      Map<Component, String> changes = new EnumMap<>(Component.class);
      for (Component component : launchOrder(components)) {
        Path pidFile = config.pidFile(component);
        Optional<ProcessRecord> record = ProcessRecord.read(pidFile);
        if (record.isPresent() && record.get().liveProcess().isPresent()) {
          progress.accept(
              "stopping " + component.displayName() + " (pid " + record.get().pid() + ")");
          boolean killed = record.get().stop(config.stopGracePeriod());
          changes.put(
              component,
              killed
                  ? "stopped with SIGKILL after " + config.stopGracePeriod().toSeconds() + " s"
                  : "stopped");
        } else {
          changes.put(component, "was not running");
        }
        Files.deleteIfExists(pidFile);
      }
      return snapshot(changes);
    } catch (IOException e) {
      throw StackException.io("cannot stop the stack in " + config.stateDir(), e);
    }
  }

  /** What runs where; changes nothing. */
  public StackStatus status() {
    requireStateDirectory();
    return snapshot(Map.of());
  }

  /**
   * A state directory that is a file, or under one, would otherwise surface as a PID file that is
   * "not a directory", or a lock that cannot be created, neither of which names the real mistake.
   */
  private void requireStateDirectory() {
    Path stateDir = config.stateDir().toAbsolutePath();
    Path existing = stateDir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new StackException(
          "state directory "
              + config.stateDir()
              + ": not a directory ("
              + (existing.equals(stateDir) ? "a file is in its place" : existing + " is a file")
              + ")");
    }
  }

  private StackStatus snapshot(Map<Component, String> changes) {
    List<ComponentStatus> statuses = new ArrayList<>();
    for (Component component : Component.values()) {
      Optional<ProcessRecord> record = ProcessRecord.read(config.pidFile(component));
      boolean running = record.isPresent() && record.get().liveProcess().isPresent();
      String found =
          running
              ? "running"
              : record.isPresent() ? "stale PID file: process gone" : notRunning(component);
      statuses.add(
          new ComponentStatus(
              component,
              running,
              running ? OptionalLong.of(record.get().pid()) : OptionalLong.empty(),
              running ? record.get().endpoints() : Map.of(),
              config.logDir(component),
              changes.getOrDefault(component, found)));
    }
    return new StackStatus(config.stateDir(), statuses);
  }

  /**
   * Why a component without a PID file is not running: {@code down} deletes the file and keeps the
   * data, so data on disk tells a stopped component, which the next {@code up} resumes on it, from
   * one that never ran.
   */
  private String notRunning(Component component) {
    Path data = config.dataDir(component);
    return Files.isDirectory(data)
        ? "stopped; its data is kept in " + data + " for the next up"
        : "not started";
  }

  private Optional<ProcessRecord> liveRecord(Component component) {
    return ProcessRecord.read(config.pidFile(component))
        .filter(record -> record.liveProcess().isPresent());
  }

  private List<Ports.FixedPort> fixedPorts(Component component) {
    return switch (component) {
      case KAFKA -> KafkaBroker.fixedPorts(config);
      case OPENSEARCH -> OpenSearchNode.fixedPorts(config);
    };
  }

  /**
   * A running component stays where it is: asked for other ports, {@code up} says so rather than
   * report "already running" on ports nobody asked for.
   */
  private void requireRunsOnTheConfiguredPorts(Component component, ProcessRecord running) {
    for (Ports.FixedPort port : fixedPorts(component)) {
      boolean served =
          running.endpoints().values().stream()
              .anyMatch(endpoint -> endpoint.endsWith(":" + port.port()));
      if (!served) {
        throw new StackException(
            component.displayName()
                + " already runs from "
                + config.stateDir()
                + " on "
                + String.join(", ", running.endpoints().values())
                + ", not on "
                + port.what()
                + " port "
                + port.port()
                + ": stop it first (vigil stack down) to move it");
      }
    }
  }

  /**
   * The KRaft controller's address is part of the formatted quorum: a broker restarted on another
   * controller port finds no controller and never answers.
   */
  private void requireTheFormattedControllerPort() {
    if (!Files.exists(config.dataDir(Component.KAFKA).resolve("meta.properties"))
        || config.kafkaControllerPort() == 0) {
      return;
    }
    StackPorts.read(config.stateDir())
        .flatMap(recorded -> recorded.kafkaController().stream().boxed().findFirst())
        .filter(formatted -> formatted != config.kafkaControllerPort())
        .ifPresent(
            formatted -> {
              throw new StackException(
                  "Kafka's storage in "
                      + config.stateDir()
                      + " was formatted with controller port "
                      + formatted
                      + ", which cannot change: keep --kafka-controller-port "
                      + formatted
                      + ", or use a fresh state directory");
            });
  }

  private static List<Component> launchOrder(Set<Component> components) {
    return List.of(Component.OPENSEARCH, Component.KAFKA).stream()
        .filter(components::contains)
        .toList();
  }

  private ManagedComponent managed(Component component, ComponentArtifacts artifacts) {
    return switch (component) {
      case KAFKA -> new KafkaBroker(config, artifacts);
      case OPENSEARCH -> new OpenSearchNode(config, artifacts);
    };
  }

  /**
   * The state directory's lock, waited for at most {@code timeout}: another {@code vigil stack}
   * call may be starting or stopping the same stack.
   */
  private StateLock lock(Duration timeout) throws IOException {
    requireStateDirectory();
    Files.createDirectories(config.stateDir());
    Path lockFile = config.stateDir().resolve("stack.lock");
    FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    Instant deadline = Instant.now().plus(timeout);
    try {
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // another LocalStack in this JVM holds it
        }
        if (lock != null) {
          return new StateLock(channel, lock);
        }
        if (Instant.now().isAfter(deadline)) {
          throw new StackException(
              "another vigil stack command holds " + lockFile + " for too long; try again later");
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      channel.close();
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for " + lockFile, e);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private record Started(ManagedComponent component, ManagedComponent.Launched launched) {}

  /** The held lock of a state directory; closing releases it. */
  private record StateLock(FileChannel channel, FileLock lock) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }
}
