package dev.vigil.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * The fixed ports a state directory's stack was last brought up on, kept in {@code
 * <state>/ports.properties}: a later {@code vigil stack up} of that directory reuses them unless
 * told otherwise, so a stack moved off the usual ports stays where it was put. A port of 0 (any
 * free port, as tests use) is not recorded.
 *
 * @param kafka the broker's client port, when fixed
 * @param kafkaController the KRaft controller port, when fixed
 * @param openSearchHttp OpenSearch's HTTP port, when fixed
 * @param openSearchTransport OpenSearch's transport port, when fixed
 */
public record StackPorts(
    OptionalInt kafka,
    OptionalInt kafkaController,
    OptionalInt openSearchHttp,
    OptionalInt openSearchTransport) {

  static final String FILE_NAME = "ports.properties";
  private static final String KAFKA = "kafka.port";
  private static final String KAFKA_CONTROLLER = "kafka.controller_port";
  private static final String OPENSEARCH_HTTP = "opensearch.http_port";
  private static final String OPENSEARCH_TRANSPORT = "opensearch.transport_port";

  /** The fixed ports of {@code config}. */
  static StackPorts of(StackConfig config) {
    return new StackPorts(
        fixed(config.kafkaPort()),
        fixed(config.kafkaControllerPort()),
        fixed(config.openSearchHttpPort()),
        fixed(config.openSearchTransportPort()));
  }

  /** The ports recorded in {@code stateDir}; empty when it has none. */
  public static Optional<StackPorts> read(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME);
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw StackException.io("cannot read " + file, e);
    }
    return Optional.of(
        new StackPorts(
            port(properties, KAFKA, file),
            port(properties, KAFKA_CONTROLLER, file),
            port(properties, OPENSEARCH_HTTP, file),
            port(properties, OPENSEARCH_TRANSPORT, file)));
  }

  /** {@code config} with the recorded ports in place of its own. */
  public StackConfig applyTo(StackConfig config) {
    StackConfig.Builder builder = config.toBuilder();
    kafka.ifPresent(builder::kafkaPort);
    kafkaController.ifPresent(builder::kafkaControllerPort);
    openSearchHttp.ifPresent(builder::openSearchHttpPort);
    openSearchTransport.ifPresent(builder::openSearchTransportPort);
    return builder.build();
  }

  void write(Path stateDir) {
    Properties properties = new Properties();
    kafka.ifPresent(port -> properties.setProperty(KAFKA, Integer.toString(port)));
    kafkaController.ifPresent(
        port -> properties.setProperty(KAFKA_CONTROLLER, Integer.toString(port)));
    openSearchHttp.ifPresent(
        port -> properties.setProperty(OPENSEARCH_HTTP, Integer.toString(port)));
    openSearchTransport.ifPresent(
        port -> properties.setProperty(OPENSEARCH_TRANSPORT, Integer.toString(port)));
    Path file = stateDir.resolve(FILE_NAME);
    try {
      Path temp = file.resolveSibling(FILE_NAME + ".tmp");
      try (Writer writer = Files.newBufferedWriter(temp)) {
        properties.store(
            writer, "written by vigil stack up; reused by the next up of this directory");
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw StackException.io("cannot write " + file, e);
    }
  }

  private static OptionalInt fixed(int port) {
    return port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
  }

  private static OptionalInt port(Properties properties, String key, Path file) {
    String value = properties.getProperty(key);
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 1 && port <= 65535) {
        return OptionalInt.of(port);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new StackException(
        file + ": " + key + " is not a TCP port (" + value + "); fix or delete the file");
  }
}
