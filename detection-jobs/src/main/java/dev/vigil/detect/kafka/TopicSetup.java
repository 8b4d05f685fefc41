package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfig.AlertsDelivery;
import dev.vigil.ingest.io.IoProblems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the job starts, that the brokers answer and that the topics it reads and writes
 * exist, creating the missing ones when {@code kafka.create_topics.enabled}: a job subscribed to a
 * topic that does not exist would otherwise fail on a cluster, far from the person who can fix it.
 * The output topic of a Kafka sink that vigil.yaml turns off is left alone, as nothing writes to
 * it.
 *
 * <p>It reads how large a record the output topics whose Kafka sink is on take ({@code
 * max.message.bytes}) for the sinks, which write a larger one as a dead letter ({@link
 * OutputRecordLimits}), and warns when the events or dead-letter topic takes less than the job's
 * producers send: Kafka creates topics for records of 1 MiB, and an event carrying its raw record
 * can be up to the normalizer's limit (8 MiB) and more. An alert takes a few kilobytes, so the
 * alerts topic gets a warning only below {@link OutputRecordLimits#MIN_RECORD_BYTES}. The topics it
 * creates itself take what the producers send.
 *
 * <p>It also warns when exactly-once alerts to Kafka (the Kafka alerts sink on) meet brokers whose
 * finalized {@code transaction.version} is 2 or more (Kafka 4 finalizes 2 on a new cluster). Under
 * that protocol the broker bumps the producer epoch at every commit, and Flink's Kafka sink,
 * restored from a checkpoint, commits that checkpoint's already committed transaction again with
 * the epoch it stored: the broker refuses it as fenced and the sink logs an error with a stack
 * trace calling it a likely data loss. No alert is lost by that, but a transaction that was really
 * lost gives the same error, so the error stops meaning anything. A warning rather than a refusal:
 * the alerts stay exactly once, and on a managed cluster the operator may not be allowed to change
 * the feature.
 */
public final class TopicSetup {

  /** How long the brokers have to answer before they count as unreachable. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The newest transaction protocol whose recovery commits Flink's Kafka sink gets right. */
  static final short RECOVERABLE_TRANSACTION_VERSION = 1;

  private static final String TRANSACTION_VERSION_FEATURE = "transaction.version";
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  /** Thrown when the brokers cannot be reached or a topic is missing; says which and why. */
  public static final class TopicSetupException extends RuntimeException {
    TopicSetupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Checks the brokers and topics, creating missing ones when allowed, and reads how large a record
   * each output topic whose Kafka sink is on takes.
   *
   * @param sinks which output topics are written ({@link #writtenTopics}): only those must exist
   *     (or are created), and have their {@code max.message.bytes} read and checked
   * @return the largest record the sinks write whole to each output topic
   * @throws TopicSetupException when the brokers cannot be reached, a topic is missing, or the
   *     events or dead-letter topic takes records too small for a dead letter
   */
  public static OutputRecordLimits ensureTopics(VigilConfig.Kafka kafka, VigilConfig.Sinks sinks) {
    var properties = KafkaClientProperties.of(kafka);
    properties.setProperty(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
    try (Admin admin = Admin.create(properties)) {
      Set<String> existing =
          admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      transactionVersionWarning(kafka, sinks, () -> finalizedTransactionVersion(admin))
          .ifPresent(LOG::warn);
      Set<String> created = createMissing(admin, kafka, writtenTopics(kafka, sinks), existing);
      return outputLimits(
          kafka, sinks, created, topics -> maxMessageBytes(admin, kafka, topics), LOG::warn);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicSetupException("interrupted while checking the Kafka topics", e);
    } catch (TimeoutException e) {
      throw new TopicSetupException(unreachable(kafka.bootstrapServers()), e);
    } catch (ExecutionException e) {
      throw failure(kafka, e.getCause());
    } catch (KafkaException e) {
      // The client could not even be built: a host name that does not resolve, a trust store that
      // does not load. Kafka's messages name the setting or file, never a password.
      throw failure(kafka, e);
    }
  }

  /**
   * Creates the raw topics and the {@code written} output topics that do not exist, when allowed,
   * or names them. Output topics are made to take the largest record the job's producers send
   * ({@code max.message.bytes} = their {@code max.request.size}), so every event the normalizer
   * lets through is written whole.
   *
   * @return the topics created
   */
  private static Set<String> createMissing(
      Admin admin, VigilConfig.Kafka kafka, Set<String> written, Set<String> existing)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> wanted = new LinkedHashSet<>(kafka.topics().raw().keySet());
    wanted.addAll(written);
    List<String> missing = new ArrayList<>();
    for (String topic : wanted) {
      if (!existing.contains(topic)) {
        missing.add(topic);
      }
    }
    if (missing.isEmpty()) {
      return Set.of();
    }
    VigilConfig.CreateTopics create = kafka.createTopics();
    if (!create.enabled()) {
      throw new TopicSetupException(
          "these topics do not exist on "
              + kafka.bootstrapServers()
              + ": "
              + String.join(", ", missing)
              + " (create them, or set kafka.create_topics.enabled: true)",
          null);
    }
    Map<String, String> outputConfig =
        Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(KafkaConnectors.maxRequestBytes(kafka)));
    List<NewTopic> topics = new ArrayList<>();
    for (String topic : missing) {
      NewTopic created = new NewTopic(topic, create.partitions(), create.replicationFactor());
      topics.add(written.contains(topic) ? created.configs(outputConfig) : created);
    }
    try {
      admin.createTopics(topics).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // Another job or an auto-create got there first: the topic exists, which is the point,
      // though not necessarily as made here.
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
      return Set.of();
    }
    return new LinkedHashSet<>(missing);
  }

  private static Set<String> outputTopics(VigilConfig.Kafka kafka) {
    return new LinkedHashSet<>(
        List.of(kafka.topics().events(), kafka.topics().deadLetter(), kafka.topics().alerts()));
  }

  /** The output topics whose Kafka sink is on. */
  static Set<String> writtenTopics(VigilConfig.Kafka kafka, VigilConfig.Sinks sinks) {
    Set<String> written = new LinkedHashSet<>();
    if (sinks.kafkaEvents()) {
      written.add(kafka.topics().events());
    }
    if (sinks.kafkaDeadLetter()) {
      written.add(kafka.topics().deadLetter());
    }
    if (sinks.kafkaAlerts()) {
      written.add(kafka.topics().alerts());
    }
    return written;
  }

  /** Reads the {@code max.message.bytes} of output topics from the brokers. */
  @FunctionalInterface
  interface TopicLimitReader {
    Map<String, Integer> maxMessageBytes(List<String> topics)
        throws InterruptedException, ExecutionException, TimeoutException;
  }

  /**
   * How large a record the events, dead-letter and alerts sinks may send: what their producers
   * send, or less where a topic takes less (with a warning naming the setting to raise). Only the
   * topics whose Kafka sink is on ({@link #writtenTopics}) and that were not just created are read
   * and checked; the others' limits are never used, so a small topic nothing writes neither stops
   * the start nor gets a warning. A topic just created takes what it was created with (asked at
   * once, a broker may not know it yet).
   *
   * @param created the output topics just created, with {@code max.message.bytes} = the producers'
   *     {@code max.request.size}
   * @param reader reads the limits of the topics it is given
   * @param warnings gets each warning, one line each
   * @throws TopicSetupException when the events or dead-letter topic is written and takes records
   *     too small for a dead letter
   */
  static OutputRecordLimits outputLimits(
      VigilConfig.Kafka kafka,
      VigilConfig.Sinks sinks,
      Set<String> created,
      TopicLimitReader reader,
      Consumer<String> warnings)
      throws InterruptedException, ExecutionException, TimeoutException {
    String events = kafka.topics().events();
    String deadLetter = kafka.topics().deadLetter();
    String alerts = kafka.topics().alerts();
    int maxRequest = KafkaConnectors.maxRequestBytes(kafka);
    Set<String> written = writtenTopics(kafka, sinks);
    List<String> read = new ArrayList<>();
    Map<String, Integer> taken = new LinkedHashMap<>();
    for (String topic : outputTopics(kafka)) {
      if (created.contains(topic) || !written.contains(topic)) {
        taken.put(topic, maxRequest);
      } else {
        read.add(topic);
      }
    }
    if (!read.isEmpty()) {
      taken.putAll(reader.maxMessageBytes(read));
    }
    for (String topic : written) {
      int topicLimit = taken.get(topic);
      // An alert is a few kilobytes; one larger goes to the dead-letter topic, which must take it.
      if (topicLimit < OutputRecordLimits.MIN_RECORD_BYTES && !topic.equals(alerts)) {
        throw new TopicSetupException(
            "the topic "
                + topic
                + " on "
                + kafka.bootstrapServers()
                + " takes records of at most "
                + topicLimit
                + " bytes (max.message.bytes), too few for Vigil's dead letters: give it at least "
                + OutputRecordLimits.MIN_RECORD_BYTES
                + ", or better "
                + maxRequest,
            null);
      }
      smallTopicWarning(kafka, topic, topicLimit, maxRequest).ifPresent(warnings);
    }
    return new OutputRecordLimits(
        OutputRecordLimits.limit(maxRequest, taken.get(events)),
        OutputRecordLimits.limit(maxRequest, taken.get(deadLetter)),
        OutputRecordLimits.limit(maxRequest, taken.get(alerts)));
  }

  /**
   * The warning for an output topic that takes smaller records than the job may write, if it needs
   * one: the events and dead-letter topics below what the producers send, the alerts topic (whose
   * records take a few kilobytes) only below {@link OutputRecordLimits#MIN_RECORD_BYTES}.
   */
  static Optional<String> smallTopicWarning(
      VigilConfig.Kafka kafka, String topic, int topicLimit, int maxRequest) {
    int enough =
        topic.equals(kafka.topics().alerts())
            ? Math.min(maxRequest, OutputRecordLimits.MIN_RECORD_BYTES)
            : maxRequest;
    if (topicLimit >= enough) {
      return Optional.empty();
    }
    String larger =
        topic.equals(kafka.topics().deadLetter())
            ? "larger dead letters are written with their raw record cut to fit"
            : "larger "
                + (topic.equals(kafka.topics().events()) ? "events" : "alerts")
                + " go to "
                + kafka.topics().deadLetter()
                + " as dead letters";
    return Optional.of(
        "the topic "
            + topic
            + " takes records of at most "
            + topicLimit
            + " bytes (max.message.bytes), fewer than the "
            + maxRequest
            + " Vigil writes: "
            + larger
            + " (reason TOO_LARGE_FOR_SINK); raise it with kafka-configs.sh --bootstrap-server "
            + kafka.bootstrapServers()
            + " --alter --entity-type topics --entity-name "
            + topic
            + " --add-config "
            + TopicConfig.MAX_MESSAGE_BYTES_CONFIG
            + "="
            + maxRequest);
  }

  /**
   * Each topic's {@code max.message.bytes}, or the brokers' default where it cannot be read (no
   * permission to describe its configuration), so that no record the broker would refuse is sent.
   */
  private static Map<String, Integer> maxMessageBytes(
      Admin admin, VigilConfig.Kafka kafka, List<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<ConfigResource> resources = new ArrayList<>();
    for (String topic : topics) {
      resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
    }
    Map<String, Integer> limits = new LinkedHashMap<>();
    Map<ConfigResource, Config> configs;
    try {
      configs =
          admin.describeConfigs(resources).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof AuthorizationException)) {
        throw e;
      }
      LOG.warn(
          "cannot read the max.message.bytes of the topics {} on {} ({}): records over the"
              + " brokers' default of {} bytes are written as TOO_LARGE_FOR_SINK dead letters;"
              + " allow the job to describe the topics' configuration to lift that",
          String.join(", ", topics),
          kafka.bootstrapServers(),
          e.getCause().getMessage(),
          OutputRecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
      topics.forEach(
          topic -> limits.put(topic, OutputRecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES));
      return limits;
    }
    for (ConfigResource resource : resources) {
      ConfigEntry entry = configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      limits.put(
          resource.name(),
          entry == null || entry.value() == null
              ? OutputRecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES
              : Integer.parseInt(entry.value()));
    }
    return limits;
  }

  /** Reads the brokers' finalized transaction protocol ({@link #finalizedTransactionVersion}). */
  interface TransactionVersionReader {
    short finalizedVersion() throws InterruptedException, ExecutionException, TimeoutException;
  }

  /**
   * The warning about the brokers' transaction protocol, if alerts go to Kafka in transactions (the
   * Kafka alerts sink on, exactly once) and the brokers' protocol breaks the sink's recovery
   * commits. Without transactional alerts the protocol does not matter, and is not read.
   */
  static Optional<String> transactionVersionWarning(
      VigilConfig.Kafka kafka, VigilConfig.Sinks sinks, TransactionVersionReader reader)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (!sinks.kafkaAlerts() || kafka.alertsDelivery() != AlertsDelivery.EXACTLY_ONCE) {
      return Optional.empty();
    }
    return transactionVersionWarning(kafka.bootstrapServers(), reader.finalizedVersion());
  }

  /**
   * The warning for exactly-once alerts on brokers whose finalized transaction protocol is {@code
   * version}, if that protocol breaks the sink's recovery commits.
   */
  static Optional<String> transactionVersionWarning(String bootstrapServers, short version) {
    if (version <= RECOVERABLE_TRANSACTION_VERSION) {
      return Optional.empty();
    }
    return Optional.of(
        "the Kafka brokers at "
            + bootstrapServers
            + " run "
            + TRANSACTION_VERSION_FEATURE
            + " "
            + version
            + ", under which a job restored from a checkpoint logs an already committed alert"
            + " transaction as fenced (a likely data loss) though it is not, hiding real losses;"
            + " downgrade it (kafka-features.sh --bootstrap-server "
            + bootstrapServers
            + " downgrade --feature "
            + TRANSACTION_VERSION_FEATURE
            + "="
            + RECOVERABLE_TRANSACTION_VERSION
            + ") or set kafka.alerts_delivery: at_least_once");
  }

  /** The cluster's finalized transaction protocol; 0 when the brokers predate the feature. */
  private static short finalizedTransactionVersion(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    FinalizedVersionRange finalized;
    try {
      finalized =
          admin
              .describeFeatures()
              .featureMetadata()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .finalizedFeatures()
              .get(TRANSACTION_VERSION_FEATURE);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnsupportedVersionException) {
        return 0;
      }
      throw e;
    }
    return finalized == null ? 0 : finalized.maxVersionLevel();
  }

  /**
   * The one line for brokers that cannot be reached, however the client noticed: names that do not
   * resolve fail at once, addresses that do not answer after the timeout, but the fix is the same.
   */
  public static String unreachable(String bootstrapServers) {
    return "cannot reach the Kafka brokers at "
        + bootstrapServers
        + " (kafka.bootstrap_servers): check that they are running and that their names resolve"
        + " and answer from this machine";
  }

  private static TopicSetupException failure(VigilConfig.Kafka kafka, Throwable cause) {
    if (isUnreachable(cause)) {
      return new TopicSetupException(unreachable(kafka.bootstrapServers()), cause);
    }
    StringBuilder reasons = new StringBuilder();
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = IoProblems.reason(t);
      if (reasons.indexOf(message) < 0) {
        reasons.append(reasons.isEmpty() ? "" : ": ").append(message);
      }
    }
    return new TopicSetupException(
        "cannot check or create the Kafka topics on " + kafka.bootstrapServers() + ": " + reasons,
        cause);
  }

  /**
   * Whether the client gave up for want of a broker: its own timeout (no node answered) or no
   * bootstrap address that resolves (Kafka says so only in the message of a configuration error).
   */
  private static boolean isUnreachable(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.TimeoutException
          || (t instanceof ConfigException
              && t.getMessage() != null
              && t.getMessage().contains("No resolvable bootstrap urls"))) {
        return true;
      }
    }
    return false;
  }
}
