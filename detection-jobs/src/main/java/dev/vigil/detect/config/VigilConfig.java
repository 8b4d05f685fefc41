package dev.vigil.detect.config;

import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.detect.notify.NotifyConfig;
import dev.vigil.event.Source;
import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.SecretSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * vigil.yaml, read and validated by {@link VigilConfigLoader}: everything {@code vigil run} needs
 * to run the detection job unbounded from Kafka. Every value here is final (defaults applied);
 * docs/configuration.md lists each key with its default.
 *
 * @param file where it was read from (for messages)
 * @param job the Flink job's name and parallelism
 * @param rulesPath a directory or file of rules; empty for the built-in pack
 * @param normalizer the GCP super-admins and the user's mapping tables ({@code sources:}), their
 *     tables read and checked with the file, to travel with the job
 * @param kafka brokers, topics, consumer group, security and the alerts' delivery guarantee
 * @param watermarks event-time settings
 * @param checkpoints checkpointing and restarts
 * @param sinks which outputs are written
 * @param openSearch the cluster the OpenSearch sinks write to ({@code opensearch:}); empty when
 *     absent (no OpenSearch output)
 * @param notifications the pager's destinations ({@code notify:}); empty when absent (no pager)
 * @param metrics where the embedded job's metrics are served ({@code metrics:})
 * @param credentialLines the line of each credential or file key ({@code *_env}, {@code *_file}
 *     such as {@code opensearch.retention_file}, the TLS files) by its dotted path: these are read
 *     after loading, and their errors name the line too
 */
public record VigilConfig(
    String file,
    Job job,
    Optional<Path> rulesPath,
    NormalizerSettings normalizer,
    Kafka kafka,
    Watermarks watermarks,
    Checkpoints checkpoints,
    Sinks sinks,
    Optional<OpenSearchConfig> openSearch,
    Optional<NotifyConfig> notifications,
    Metrics metrics,
    Map<String, Integer> credentialLines) {

  /**
   * A credential's or a file's error, read after loading and so without a file or line ({@code
   * notify.destinations.pd.routing_key_env: environment variable X is not set or empty}), located
   * by its key like every mistake of the file: {@code vigil.yaml:7:
   * notify.destinations.pd.routing_key_env: ...}. An error about a key that is no credential of the
   * file keeps its key and problem, in this file without a line.
   */
  public InvalidConfigException credentialError(InvalidConfigException error) {
    return new InvalidConfigException(
        file, credentialLines.getOrDefault(error.key(), 0), error.key(), error.problem());
  }

  /**
   * @param name the Flink job name
   * @param parallelism of every operator
   * @param maxParallelism key groups; fixed for the life of the job's state
   * @param restPort the port of the embedded cluster's REST API on 127.0.0.1 ({@code vigil run}); 0
   *     for a free port the system picks. Not used by {@code flink run}
   */
  public record Job(String name, int parallelism, int maxParallelism, int restPort) {}

  /**
   * @param prometheus the Prometheus endpoint of {@code vigil run}'s embedded Flink ({@code
   *     metrics.prometheus}); empty when not configured
   */
  public record Metrics(Optional<Prometheus> prometheus) {}

  /**
   * Where {@code vigil run} serves its metrics for Prometheus to scrape: {@code
   * http://<host>:<port>/metrics}. Not used by {@code flink run}, whose cluster has its own
   * reporters.
   *
   * @param host the address to listen on, 127.0.0.1 unless configured
   * @param port the port to listen on
   */
  public record Prometheus(String host, int port) {

    /** What Prometheus is told to scrape. */
    public java.net.URI url() {
      String address = host.contains(":") ? "[" + host + "]" : host;
      return java.net.URI.create("http://" + address + ":" + port + "/metrics");
    }
  }

  /**
   * @param bootstrapServers the brokers, {@code host:port,...}
   * @param groupId the consumer group (offsets are committed to it on checkpoints, for monitoring;
   *     the checkpoint holds the offsets that count)
   * @param clientIdPrefix prefix of the client ids of the source's consumers
   * @param startingOffsets where a job without a checkpoint starts reading
   * @param partitionDiscovery how often new partitions and pattern-matched topics are picked up
   * @param topics the raw topics and the output topics
   * @param alertsDelivery transactional alerts (visible at checkpoint completion) or at-least-once
   * @param transactionalIdPrefix prefix of the alerts sink's transactional ids; unique per job
   * @param transactionTimeout the alerts sink's transaction timeout, below the broker's {@code
   *     transaction.max.timeout.ms}
   * @param security how clients authenticate and encrypt
   * @param clientProperties further client settings, passed as given (never credentials)
   * @param createTopics which missing topics the job creates at start, and how
   */
  public record Kafka(
      String bootstrapServers,
      String groupId,
      String clientIdPrefix,
      StartingOffsets startingOffsets,
      Duration partitionDiscovery,
      Topics topics,
      AlertsDelivery alertsDelivery,
      String transactionalIdPrefix,
      Duration transactionTimeout,
      Security security,
      Map<String, String> clientProperties,
      CreateTopics createTopics) {}

  /**
   * @param enabled create missing raw and output topics when the job starts (listed raw topics
   *     only; a pattern names no topic to create)
   * @param partitions of each created topic
   * @param replicationFactor of each created topic
   */
  public record CreateTopics(boolean enabled, int partitions, short replicationFactor) {}

  /** Where a job without a checkpoint or savepoint starts on each raw partition. */
  public enum StartingOffsets {
    /** The group's committed offsets, else the earliest: a redeployed job resumes. */
    COMMITTED,
    EARLIEST,
    LATEST
  }

  /** The alerts sink's delivery guarantee (see docs/kafka.md for the trade-off). */
  public enum AlertsDelivery {
    EXACTLY_ONCE,
    AT_LEAST_ONCE
  }

  /**
   * @param raw raw topics and the source each one carries; an empty value means "detect per record"
   * @param rawPattern further raw topics by pattern (detected per record unless listed in raw)
   * @param events normalized events, Avro single-object encoding
   * @param deadLetter dead letters, Avro single-object encoding
   * @param alerts alerts, JSON
   */
  public record Topics(
      Map<String, Optional<Source>> raw,
      Optional<Pattern> rawPattern,
      String events,
      String deadLetter,
      String alerts) {}

  /**
   * @param protocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
   * @param sasl the SASL login, when the protocol uses SASL
   * @param ssl trust and key stores, when the protocol uses TLS
   */
  public record Security(String protocol, Optional<Sasl> sasl, Optional<Ssl> ssl) {}

  /**
   * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
   * @param password from the environment or a file, never inline
   */
  public record Sasl(String mechanism, String username, SecretSource password) {}

  /**
   * @param truststore CA certificates to trust (PEM or PKCS12/JKS per {@code truststoreType}); none
   *     for the JVM's default trust
   * @param keystore the client's key for mutual TLS; none without
   * @param endpointIdentification whether the broker's host name must match its certificate
   */
  public record Ssl(
      Optional<Path> truststore,
      String truststoreType,
      Optional<SecretSource> truststorePassword,
      Optional<Path> keystore,
      String keystoreType,
      Optional<SecretSource> keystorePassword,
      Optional<SecretSource> keyPassword,
      boolean endpointIdentification) {}

  /**
   * @param outOfOrderness how far behind the newest event time an event may arrive and still be on
   *     time
   * @param idleness after how long without records a partition stops holding the watermark back
   * @param vaultPairMemory how long a Vault request waits for its other entry to be known as the
   *     same request (see {@link dev.vigil.detect.JobOptions#vaultPairMemory})
   */
  public record Watermarks(Duration outOfOrderness, Duration idleness, Duration vaultPairMemory) {}

  /**
   * @param interval between checkpoints; with exactly-once alerts, how long an alert waits to be
   *     visible at most
   * @param mode exactly-once or at-least-once barrier alignment
   * @param timeout a checkpoint that takes longer is aborted
   * @param minPause least time between the end of one checkpoint and the start of the next
   * @param storage where checkpoints are written (a directory or a URI such as {@code s3://...})
   * @param retainOnCancel keep the last checkpoint when the job is cancelled, to restart from it
   * @param tolerableFailures how many checkpoints in a row may fail (written, declined, timed out)
   *     before the job fails and restarts from its last completed checkpoint
   * @param restartAttempts how many restarts in a row the job makes before it fails: restarts that
   *     each follow the previous one within {@code restartResetAfter}
   * @param restartDelay between a failure and the restart
   * @param restartResetAfter how long the job must run after a restart without failing for its next
   *     failure to start a new count of restarts in a row
   * @param finalSavepointTimeout how long stopping the embedded job waits for its final savepoint
   *     before it cancels the job instead
   * @param retainedStates how many of the newest savepoints and runs' checkpoints {@code vigil run}
   *     keeps under a local storage, deleting older ones once its job runs; empty: all of them
   */
  public record Checkpoints(
      Duration interval,
      CheckpointMode mode,
      Duration timeout,
      Duration minPause,
      String storage,
      boolean retainOnCancel,
      int tolerableFailures,
      int restartAttempts,
      Duration restartDelay,
      Duration restartResetAfter,
      Duration finalSavepointTimeout,
      OptionalInt retainedStates) {}

  public enum CheckpointMode {
    EXACTLY_ONCE,
    AT_LEAST_ONCE
  }

  /**
   * @param kafkaEvents write normalized events to the events topic
   * @param kafkaDeadLetter write dead letters to the dead-letter topic
   * @param kafkaAlerts write alerts to the alerts topic
   * @param filesDirectory also write alerts, events and dead letters as JSON lines, in part files
   *     committed on checkpoints under {@code alerts/}, {@code events/} and {@code dead-letters/}
   *     of this directory (a path or a URI such as {@code s3://...})
   * @param openSearch what goes to the {@code opensearch:} cluster; all off without that section
   */
  public record Sinks(
      boolean kafkaEvents,
      boolean kafkaDeadLetter,
      boolean kafkaAlerts,
      Optional<String> filesDirectory,
      OpenSearchSinks openSearch) {}

  /**
   * @param events index normalized events ({@code vigil-events-*})
   * @param alerts index alerts ({@code vigil-alerts-*})
   * @param deadLetters index dead letters ({@code vigil-deadletters-*})
   * @param installTemplates put Vigil's index templates on the cluster when the job starts
   *     (idempotent; an unchanged template is left alone)
   */
  public record OpenSearchSinks(
      boolean events, boolean alerts, boolean deadLetters, boolean installTemplates) {

    public static final OpenSearchSinks NONE = new OpenSearchSinks(false, false, false, false);

    /** Whether any OpenSearch sink is on. */
    public boolean any() {
      return events || alerts || deadLetters;
    }
  }
}
