package dev.vigil.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the local stack runs and where. Immutable; build one with {@link #builder(Path)}, or take
 * {@link #defaults(Path)} (what {@code vigil stack} uses) or {@link #forTests(Path)}.
 *
 * <p>A port of 0 means "any free loopback port, chosen at start"; the chosen port is recorded in
 * the state directory and reported by {@link LocalStack#status()}.
 *
 * @param stateDir every file the stack writes: configuration, data, logs, PID files
 * @param components what {@link LocalStack#up()} starts
 * @param kafkaPort the broker's client listener on 127.0.0.1
 * @param kafkaControllerPort the KRaft controller listener on 127.0.0.1; fixed once the storage is
 *     formatted (a new port needs a fresh state directory)
 * @param kafkaSaslPort a further client listener on 127.0.0.1 that takes SASL/PLAIN logins of
 *     {@link KafkaEndpoint.SaslPlain}'s test user, for tests of clients that authenticate; empty
 *     for none (what {@code vigil stack} runs)
 * @param openSearchHttpPort OpenSearch's HTTP port on 127.0.0.1
 * @param openSearchTransportPort OpenSearch's transport port on 127.0.0.1
 * @param kafkaHeap the broker JVM's heap (-Xms and -Xmx), e.g. {@code 512m}
 * @param openSearchHeap the OpenSearch JVM's heap, e.g. {@code 512m}
 * @param startTimeout how long {@link LocalStack#up()} waits for every component to answer
 * @param stopGracePeriod how long a component gets after SIGTERM before SIGKILL
 * @param openSearchJavaHome the JDK 21+ for OpenSearch; empty = {@code OPENSEARCH_JAVA_HOME}, the
 *     running JDK if 21+, else the newest JDK 21+ under /usr/lib/jvm
 * @param openSearchUser the unprivileged user OpenSearch runs as when the stack runs as root
 *     (created when missing); ignored otherwise
 * @param lifetime whether the processes outlive this JVM
 */
public record StackConfig(
    Path stateDir,
    Set<Component> components,
    int kafkaPort,
    int kafkaControllerPort,
    OptionalInt kafkaSaslPort,
    int openSearchHttpPort,
    int openSearchTransportPort,
    String kafkaHeap,
    String openSearchHeap,
    Duration startTimeout,
    Duration stopGracePeriod,
    Optional<Path> openSearchJavaHome,
    String openSearchUser,
    Lifetime lifetime) {

  /** The environment variable that moves every Vigil state directory, this one included. */
  public static final String VIGIL_HOME_ENV = "VIGIL_HOME";

  public StackConfig {
    stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
    components = Set.copyOf(components);
    if (components.isEmpty()) {
      throw new IllegalArgumentException("at least one component is required");
    }
    Objects.requireNonNull(kafkaSaslPort, "kafkaSaslPort");
    for (int port :
        new int[] {
          kafkaPort,
          kafkaControllerPort,
          kafkaSaslPort.orElse(0),
          openSearchHttpPort,
          openSearchTransportPort
        }) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("not a TCP port: " + port);
      }
    }
    requireHeap(kafkaHeap);
    requireHeap(openSearchHeap);
    requirePositive(startTimeout, "startTimeout");
    requirePositive(stopGracePeriod, "stopGracePeriod");
    Objects.requireNonNull(openSearchJavaHome, "openSearchJavaHome");
    if (openSearchUser == null || !openSearchUser.matches("[a-z_][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("not a valid user name: " + openSearchUser);
    }
    Objects.requireNonNull(lifetime, "lifetime");
  }

  /**
   * The state directory {@code vigil stack} uses: {@code $VIGIL_HOME/stack} when {@code VIGIL_HOME}
   * is set, else {@code .vigil/stack} under the project root.
   */
  public static Path defaultStateDir(Path projectRoot) {
    String vigilHome = System.getenv(VIGIL_HOME_ENV);
    if (vigilHome != null && !vigilHome.isBlank()) {
      return Path.of(vigilHome).resolve("stack");
    }
    return projectRoot.resolve(".vigil").resolve("stack");
  }

  /** Both components on their usual ports (9092, 9093, 9200, 9300), detached. */
  public static StackConfig defaults(Path stateDir) {
    return builder(stateDir).build();
  }

  /**
   * Free ports, processes bound to this JVM, and a SASL/PLAIN listener besides: what the test
   * extension uses.
   */
  public static StackConfig forTests(Path stateDir) {
    return builder(stateDir)
        .kafkaPort(0)
        .kafkaControllerPort(0)
        .kafkaSaslPort(0)
        .openSearchHttpPort(0)
        .openSearchTransportPort(0)
        .lifetime(Lifetime.BOUND_TO_THIS_JVM)
        .build();
  }

  public static Builder builder(Path stateDir) {
    return new Builder(stateDir);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(stateDir)
        .components(components)
        .kafkaPort(kafkaPort)
        .kafkaControllerPort(kafkaControllerPort)
        .kafkaSaslPort(kafkaSaslPort.isPresent() ? Integer.valueOf(kafkaSaslPort.getAsInt()) : null)
        .openSearchHttpPort(openSearchHttpPort)
        .openSearchTransportPort(openSearchTransportPort)
        .kafkaHeap(kafkaHeap)
        .openSearchHeap(openSearchHeap)
        .startTimeout(startTimeout)
        .stopGracePeriod(stopGracePeriod)
        .openSearchJavaHome(openSearchJavaHome.orElse(null))
        .openSearchUser(openSearchUser)
        .lifetime(lifetime);
  }

  Path componentDir(Component component) {
    return stateDir.resolve(component.directoryName());
  }

  Path pidFile(Component component) {
    return componentDir(component).resolve(component.directoryName() + ".pid");
  }

  /** Where a component keeps its data (Kafka's log.dirs, OpenSearch's path.data) across down/up. */
  Path dataDir(Component component) {
    return componentDir(component).resolve("data");
  }

  Path logDir(Component component) {
    return componentDir(component).resolve("logs");
  }

  private static void requireHeap(String heap) {
    if (heap == null || !heap.matches("[1-9][0-9]*[kKmMgG]")) {
      throw new IllegalArgumentException("not a JVM heap size such as 512m: " + heap);
    }
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** Builds a {@link StackConfig}; every setting has the default {@link #defaults} uses. */
  public static final class Builder {
    private final Path stateDir;
    private Set<Component> components = EnumSet.allOf(Component.class);
    private int kafkaPort = 9092;
    private int kafkaControllerPort = 9093;
    private Integer kafkaSaslPort;
    private int openSearchHttpPort = 9200;
    private int openSearchTransportPort = 9300;
    private String kafkaHeap = "512m";
    private String openSearchHeap = "512m";
    private Duration startTimeout = Duration.ofSeconds(180);
    private Duration stopGracePeriod = Duration.ofSeconds(30);
    private Path openSearchJavaHome;
    private String openSearchUser = "vigil-opensearch";
    private Lifetime lifetime = Lifetime.DETACHED;

    private Builder(Path stateDir) {
      this.stateDir = stateDir;
    }

    public Builder components(Set<Component> components) {
      this.components = components;
      return this;
    }

    public Builder kafkaPort(int port) {
      this.kafkaPort = port;
      return this;
    }

    public Builder kafkaControllerPort(int port) {
      this.kafkaControllerPort = port;
      return this;
    }

    /** The SASL/PLAIN test listener's port (0: a free one); {@code null} for none. */
    public Builder kafkaSaslPort(Integer port) {
      this.kafkaSaslPort = port;
      return this;
    }

    public Builder openSearchHttpPort(int port) {
      this.openSearchHttpPort = port;
      return this;
    }

    public Builder openSearchTransportPort(int port) {
      this.openSearchTransportPort = port;
      return this;
    }

    public Builder kafkaHeap(String heap) {
      this.kafkaHeap = heap;
      return this;
    }

    public Builder openSearchHeap(String heap) {
      this.openSearchHeap = heap;
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    public Builder stopGracePeriod(Duration gracePeriod) {
      this.stopGracePeriod = gracePeriod;
      return this;
    }

    /** The JDK 21+ for OpenSearch; {@code null} to find one. */
    public Builder openSearchJavaHome(Path javaHome) {
      this.openSearchJavaHome = javaHome;
      return this;
    }

    public Builder openSearchUser(String user) {
      this.openSearchUser = user;
      return this;
    }

    public Builder lifetime(Lifetime lifetime) {
      this.lifetime = lifetime;
      return this;
    }

    public StackConfig build() {
      return new StackConfig(
          stateDir,
          components,
          kafkaPort,
          kafkaControllerPort,
          kafkaSaslPort == null ? OptionalInt.empty() : OptionalInt.of(kafkaSaslPort),
          openSearchHttpPort,
          openSearchTransportPort,
          kafkaHeap,
          openSearchHeap,
          startTimeout,
          stopGracePeriod,
          Optional.ofNullable(openSearchJavaHome),
          openSearchUser,
          lifetime);
    }
  }
}
