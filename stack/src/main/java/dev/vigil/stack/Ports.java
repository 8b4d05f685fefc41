package dev.vigil.stack;

import static java.util.stream.Collectors.joining;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/** Loopback port checks. Every component of the stack listens on 127.0.0.1 only. */
final class Ports {
  static final String LOOPBACK = "127.0.0.1";
  private static final String STATE_DIR_MARKER = ProcessRecord.stateDirMarker(Path.of(""));

  private Ports() {}

  /**
   * {@code ports} with every 0 replaced by a free loopback port, each different from the others and
   * from the fixed ones. A component with several listeners resolves them in one call: resolving
   * them one at a time closes each probe socket before the next is opened, so the system may hand
   * out the same port twice.
   */
  static int[] resolve(int... ports) {
    int[] resolved = ports.clone();
    Set<Integer> taken = new TreeSet<>();
    for (int port : ports) {
      if (port != 0) {
        taken.add(port);
      }
    }
    List<ServerSocket> probes = new ArrayList<>();
    try {
      for (int i = 0; i < resolved.length; i++) {
        while (resolved[i] == 0) {
          // Held open until every port is chosen, so the system cannot hand this one out again.
          ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
          probes.add(probe);
          if (taken.add(probe.getLocalPort())) {
            resolved[i] = probe.getLocalPort();
          }
        }
      }
      return resolved;
    } catch (IOException e) {
      throw StackException.io("no free loopback port", e);
    } finally {
      for (ServerSocket probe : probes) {
        try {
          probe.close();
        } catch (IOException e) {
          // A probe that does not close cleanly still frees its port when the socket is collected.
        }
      }
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // As the servers bind (SO_REUSEADDR): a port held only by connections in TIME_WAIT, as after
      // a component was stopped, is free for them; a listening socket still makes bind fail.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A port the configuration fixes.
   *
   * @param what what listens on it, e.g. "Kafka broker"
   * @param port the port; 0 when the system picks one
   * @param option the {@code vigil stack up} option that moves it; {@code null} when none does
   */
  record FixedPort(String what, int port, String option) {}

  /** The fixed ones of {@code ports} (those not left to the system). */
  static List<FixedPort> fixed(FixedPort... ports) {
    return Arrays.stream(ports).filter(port -> port.port() != 0).toList();
  }

  /**
   * Throws {@link StackException} naming every port of {@code ports} that is taken, each with what
   * holds it when that is another vigil stack.
   */
  static void requireFree(List<FixedPort> ports) {
    List<FixedPort> busy = ports.stream().filter(port -> !isFree(port.port())).toList();
    if (busy.isEmpty()) {
      return;
    }
    Map<Path, Set<Integer>> otherStacks = otherStacksPorts();
    List<String> taken = new ArrayList<>();
    for (FixedPort port : busy) {
      String holder =
          otherStacks.entrySet().stream()
              .filter(stack -> stack.getValue().contains(port.port()))
              .map(stack -> "the vigil stack in " + stack.getKey())
              .findFirst()
              .orElse("another process");
      taken.add(port.what() + " " + port.port() + " (held by " + holder + ")");
    }
    List<String> options =
        busy.stream().map(FixedPort::option).filter(Objects::nonNull).distinct().toList();
    throw new StackException(
        "cannot start: "
            + (busy.size() == 1 ? "a port" : busy.size() + " ports")
            + " in use on "
            + LOOPBACK
            + ": "
            + String.join(", ", taken)
            + ". Stop what holds "
            + (busy.size() == 1 ? "it" : "them")
            + " ('ss -ltnp' names it)"
            + (options.isEmpty()
                ? ""
                : ", or give this stack other ports: vigil stack up "
                    + options.stream().map(option -> option + " PORT").collect(joining(" ")))
            + ".");
  }

  /**
   * The ports of every running vigil stack component, by state directory. A component's JVM names
   * its directory on its command line ({@link ProcessRecord#stateDirMarker}), and its PID file
   * there lists its endpoints; a directory this user cannot read is left out.
   */
  private static Map<Path, Set<Integer>> otherStacksPorts() {
    Map<Path, Set<Integer>> ports = new LinkedHashMap<>();
    ProcessHandle.allProcesses()
        .forEach(
            process -> {
              Optional<Path> componentDir =
                  commandLine(process.pid()).stream()
                      .filter(argument -> argument.startsWith(STATE_DIR_MARKER))
                      .map(argument -> Path.of(argument.substring(STATE_DIR_MARKER.length())))
                      .findFirst();
              if (componentDir.isEmpty() || componentDir.get().getParent() == null) {
                return;
              }
              Path pidFile = componentDir.get().resolve(componentDir.get().getFileName() + ".pid");
              try {
                ProcessRecord.read(pidFile)
                    .filter(record -> record.liveProcess().isPresent())
                    .ifPresent(
                        record ->
                            record
                                .endpoints()
                                .values()
                                .forEach(
                                    endpoint ->
                                        portOf(endpoint)
                                            .ifPresent(
                                                port ->
                                                    ports
                                                        .computeIfAbsent(
                                                            componentDir.get().getParent(),
                                                            dir -> new TreeSet<>())
                                                        .add(port))));
              } catch (StackException unreadable) {
                // Another user's stack, or one being rewritten: not named, the port still is.
              }
            });
    return ports;
  }

  /**
   * A process's arguments, read from {@code /proc} (Linux): {@code ProcessHandle.Info} leaves them
   * out when the command line is long, as a JVM's class path makes it.
   */
  private static List<String> commandLine(long pid) {
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException | SecurityException e) {
      return List.of(); // gone, or not ours to read
    }
  }

  /** The port of an endpoint such as {@code 127.0.0.1:9092} or {@code http://127.0.0.1:9200}. */
  private static OptionalInt portOf(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    try {
      return colon < 0
          ? OptionalInt.empty()
          : OptionalInt.of(Integer.parseInt(endpoint.substring(colon + 1)));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
