package dev.vigil.detect.kafka;

import dev.vigil.detect.EmbeddedFlink;
import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.notify.NotifySink;
import dev.vigil.detect.opensearch.IndexSetup;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What comes before the detection job is built, in two steps: {@link #check} what needs no network
 * (credentials, rules, the destinations rules name; on the embedded Flink also {@link
 * #checkPorts}), then {@link #prepare} the outside world (topics and index templates). A missing
 * topic, an unreadable password or a rule paging a destination that does not exist is a message at
 * start, not a failing task or a lost page; and a mistake the first step finds costs no broker
 * timeout and leaves no topic or template behind.
 */
public final class JobPreflight {

  private JobPreflight() {}

  /**
   * Checks everything about a start that needs no network, before anything outside is touched: the
   * credentials every client will read (notify destinations, Kafka, OpenSearch), OpenSearch's TLS
   * trust files and retention file, the rules ({@code rules.path} loaded and compiled, or the
   * built-in pack), and that every destination a rule's {@code notify} names is configured. (The
   * user's mapping tables were read and checked with the file, {@link VigilConfig#normalizer}.)
   *
   * @return the rules the job runs, for {@link ContinuousDetection#build} and {@link
   *     EmbeddedJobRunner#start}
   * @throws InvalidConfigException when a credential (a destination's, Kafka's, OpenSearch's), a
   *     TLS trust file or the retention file ({@code opensearch.retention_file}) cannot be read,
   *     the retention file is no valid retention file, or a Slack webhook URL is not an http(s)
   *     URL; with the file and line of its key
   * @throws RuleException when the rules do not load or compile
   * @throws UnknownDestinationException when a rule names a destination vigil.yaml lacks
   */
  public static RuleSet check(VigilConfig config) throws RuleException {
    try {
      config
          .notifications()
          .ifPresent(
              notify ->
                  notify
                      .destinations()
                      .values()
                      .forEach(destination -> destination.checkSecret(System::getenv)));
      // The clients read them again where they run; this is the check that they are there.
      KafkaClientProperties.checkSecrets(config.kafka(), System::getenv);
      config.openSearch().ifPresent(cluster -> IndexSetup.prepare(cluster, false, System::getenv));
    } catch (InvalidConfigException e) {
      throw config.credentialError(e);
    }
    RuleSet rules =
        config.rulesPath().isPresent()
            ? RuleSet.load(List.of(config.rulesPath().get()))
            : RuleSet.builtIn();
    if (config.notifications().isPresent()) {
      List<RuleError> unknown =
          NotifySink.unknownDestinations(config.notifications().get(), rules.pack());
      if (!unknown.isEmpty()) {
        throw new UnknownDestinationException(unknown);
      }
    }
    return rules;
  }

  /**
   * Checks that the ports the embedded Flink listens on are free, {@code job.rest_port} (unless 0,
   * a free port) and {@code metrics.prometheus}: for a run on this machine ({@link
   * EmbeddedJobRunner}), after {@link #check} and before anything is changed (old states pruned,
   * topics created, templates installed). A port taken later still fails the cluster's start with
   * the same line.
   *
   * @throws EmbeddedJobRunner.EmbeddedClusterException when a port is taken, naming it and its key
   */
  public static void checkPorts(VigilConfig config) {
    checkPorts(config.file(), config.job().restPort(), config.metrics().prometheus());
  }

  static void checkPorts(String file, int restPort, Optional<VigilConfig.Prometheus> metrics) {
    if (restPort != EmbeddedFlink.ANY_FREE_PORT) {
      try {
        probe(EmbeddedFlink.LOOPBACK, restPort);
      } catch (IOException e) {
        throw new EmbeddedJobRunner.EmbeddedClusterException(restPortTaken(restPort, file), e);
      }
    }
    // Flink would only log a taken metrics port and run without the reporter.
    if (metrics.isPresent()) {
      VigilConfig.Prometheus endpoint = metrics.get();
      try {
        probe(endpoint.host(), endpoint.port());
      } catch (IOException e) {
        throw new EmbeddedJobRunner.EmbeddedClusterException(
            "cannot serve metrics on "
                + endpoint.host()
                + ":"
                + endpoint.port()
                + " (metrics.prometheus in "
                + file
                + "): "
                + IoProblems.reason(e)
                + "; choose another port, or a host of this machine",
            e);
      }
    }
  }

  /** The line for a {@code job.rest_port} another process listens on. */
  static String restPortTaken(int restPort, String file) {
    return "the embedded Flink cluster could not listen on "
        + EmbeddedFlink.LOOPBACK
        + ":"
        + restPort
        + " (job.rest_port in "
        + file
        + "): the port is taken; choose another, or 0 for a free one";
  }

  private static void probe(String host, int port) throws IOException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(host, port));
    }
  }

  /**
   * Makes the outside world ready for the job, after {@link #check} and before it is built: the
   * Kafka topics (checked, and created when allowed) and the OpenSearch index templates (when
   * configured). A problem is one message here instead of a job that fails and restarts.
   *
   * @param notices told of each existing index the templates gave new fields ({@link
   *     IndexSetup#extendedIndexLines}), one line each, and, when no templates are installed, of an
   *     OpenSearch that does not answer ({@link IndexSetup#unreachableWarning}): the job starts all
   *     the same
   * @return how large a record the output topics take, for {@link ContinuousDetection#build}
   * @throws TopicSetup.TopicSetupException when a topic is missing or the brokers do not answer
   * @throws IndexSetup.IndexSetupException when OpenSearch refuses the templates
   * @throws InvalidConfigException when an OpenSearch credential or file that {@link #check} read
   *     cannot be read any more, with the file and line of its key
   */
  public static OutputRecordLimits prepare(VigilConfig config, Consumer<String> notices) {
    OutputRecordLimits limits = TopicSetup.ensureTopics(config.kafka(), config.sinks());
    try {
      config
          .openSearch()
          .ifPresent(
              cluster -> {
                VigilConfig.OpenSearchSinks sinks = config.sinks().openSearch();
                if (sinks.installTemplates()) {
                  IndexSetup.extendedIndexLines(IndexSetup.prepare(cluster, true, System::getenv))
                      .forEach(notices);
                } else if (sinks.any()) {
                  // Installing templates asks the cluster; without them, nothing else would
                  // before the sinks' first writes. (check read the files already.)
                  IndexSetup.unreachableWarning(cluster, System::getenv).ifPresent(notices);
                }
              });
    } catch (InvalidConfigException e) {
      throw config.credentialError(e);
    }
    return limits;
  }

  /**
   * Rules whose {@code notify} names a destination that {@code notify.destinations} lacks: their
   * pages would never reach whom the author meant. One error per rule and name, located in the rule
   * file, with the closest configured name.
   */
  public static final class UnknownDestinationException extends RuntimeException {
    private final List<RuleError> errors;

    UnknownDestinationException(List<RuleError> errors) {
      super(
          (errors.size() == 1
                  ? "a rule names a notify destination"
                  : "rules name notify destinations")
              + " that vigil.yaml does not configure (notify.destinations); fix the name in the"
              + " rule or add the destination");
      this.errors = List.copyOf(errors);
    }

    /** One per rule and unknown name, with the rule file and line. */
    public List<RuleError> errors() {
      return errors;
    }
  }
}
