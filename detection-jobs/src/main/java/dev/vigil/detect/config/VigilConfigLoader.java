package dev.vigil.detect.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.detect.EmbeddedFlink;
import dev.vigil.detect.config.VigilConfig.AlertsDelivery;
import dev.vigil.detect.config.VigilConfig.CheckpointMode;
import dev.vigil.detect.config.VigilConfig.Checkpoints;
import dev.vigil.detect.config.VigilConfig.CreateTopics;
import dev.vigil.detect.config.VigilConfig.Job;
import dev.vigil.detect.config.VigilConfig.Kafka;
import dev.vigil.detect.config.VigilConfig.Metrics;
import dev.vigil.detect.config.VigilConfig.OpenSearchSinks;
import dev.vigil.detect.config.VigilConfig.Prometheus;
import dev.vigil.detect.config.VigilConfig.Sasl;
import dev.vigil.detect.config.VigilConfig.Security;
import dev.vigil.detect.config.VigilConfig.Sinks;
import dev.vigil.detect.config.VigilConfig.Ssl;
import dev.vigil.detect.config.VigilConfig.StartingOffsets;
import dev.vigil.detect.config.VigilConfig.Topics;
import dev.vigil.detect.config.VigilConfig.Watermarks;
import dev.vigil.detect.kafka.OutputRecordLimits;
import dev.vigil.detect.notify.NotifyConfig;
import dev.vigil.event.Source;
import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.mapping.MappingTableException;
import dev.vigil.ingest.yaml.ConfigMapping;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.SecretSource;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.RulePathException;
import dev.vigil.rules.model.Durations;
import dev.vigil.rules.yaml.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Reads vigil.yaml into a {@link VigilConfig}, applying defaults and failing on the first mistake
 * with an {@link InvalidConfigException} that names the file, line and key.
 *
 * <p>Design: the file is composed by the rules module's {@link YamlReader} (line of every node,
 * duplicate keys and aliases refused), then each section is read by hand with {@link
 * ConfigMapping}, which locates every mistake and rejects keys nobody asked for. The {@code
 * notify:} section is read by its owner, {@link NotifyConfig}, and {@code opensearch:} by {@link
 * OpenSearchConfig}, each from the mapping handed down here, so their mistakes are located alike.
 * Relative paths are resolved against the config file's directory, so a config works the same from
 * any working directory. Secrets are references (env or file), read only when a client is built,
 * never here.
 */
public final class VigilConfigLoader {

  static final Map<String, Optional<Source>> DEFAULT_RAW_TOPICS = defaultRawTopics();
  static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  /**
   * Client settings that {@code kafka.client_properties} may not set: credentials (they belong in
   * {@code kafka.security}, from env or file) and what the job itself owns.
   */
  private static final Set<String> RESERVED_CLIENT_PROPERTIES =
      Set.of(
          "bootstrap.servers",
          "group.id",
          "client.id",
          "security.protocol",
          "sasl.mechanism",
          "sasl.jaas.config",
          "enable.auto.commit",
          "transactional.id",
          "transaction.timeout.ms",
          "isolation.level",
          "key.serializer",
          "value.serializer",
          "key.deserializer",
          "value.deserializer");

  /**
   * The client settings Kafka itself types as passwords (and masks in its logs), whatever their
   * names say: {@code ssl.keystore.key} is a private key, {@code
   * sasl.oauthbearer.assertion.private.key.passphrase} its passphrase. Read from the clients' own
   * definitions, so a setting a newer client adds is covered too.
   */
  private static final Set<String> KAFKA_SECRET_SETTINGS = kafkaSecretSettings();

  private static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

  /**
   * Long enough for a savepoint of this job's state on a slow disk (it takes a second or two when
   * idle), short enough that a stuck one does not hold Ctrl-C for long.
   */
  private static final Duration DEFAULT_FINAL_SAVEPOINT_TIMEOUT = Duration.ofMinutes(1);

  /** The Kafka producer's {@code buffer.memory} when not set (32 MiB). */
  private static final long KAFKA_DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

  /**
   * The state a run resumes from, the one before it should that one turn out unusable, and one more
   * to go back to by hand.
   */
  private static final int DEFAULT_RETAINED_STATES = 3;

  /** The CLI's short source names ({@code vigil normalize --source}), accepted here too. */
  private static final Map<String, Source> SOURCE_ALIASES =
      Map.of(
          "cloudtrail", Source.AWS_CLOUDTRAIL,
          "azure", Source.AZURE_MONITOR,
          "gcp", Source.GCP_AUDIT);

  /** A host name or an IPv4 or IPv6 address: no scheme, port, path or user. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|[0-9A-Fa-f:.]+");

  private VigilConfigLoader() {}

  /**
   * Reads and validates the file, with this process's environment for the keys that fall back to a
   * variable ({@link #parse(String, String, Path, Map)}).
   */
  public static VigilConfig load(Path file) {
    return load(file, file.toString());
  }

  /**
   * Reads and validates the file, naming it in messages as {@code name}: the path as the user typed
   * it, where {@code file} is that path resolved; with this process's environment.
   */
  public static VigilConfig load(Path file, String name) {
    return load(file, name, System.getenv());
  }

  /** As {@link #load(Path, String)}, with the given environment variables. */
  public static VigilConfig load(Path file, String name, Map<String, String> environment) {
    return read(
        name, document(name, text(file, name)), file.toAbsolutePath().getParent(), environment);
  }

  /**
   * The one YAML document of a configuration file, a mapping of sections (an empty file is an empty
   * one), for a command that reads only a section of it ({@code vigil report --config}).
   *
   * @param name the file as the user typed it, for messages
   * @throws InvalidConfigException naming the file and line of a mistake
   */
  public static YamlDocument document(Path file, String name) {
    return document(name, text(file, name));
  }

  private static String text(Path file, String name) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidConfigException(name, 0, "", IoProblems.readProblem(file, e));
    }
    try {
      return IoProblems.utf8(bytes);
    } catch (IoProblems.NotUtf8Text e) {
      throw new InvalidConfigException(name, e.line(), "", e.getMessage());
    }
  }

  /** Reads and validates configuration text, with no environment variables set. */
  public static VigilConfig parse(String file, String text, Path base) {
    return parse(file, text, base, Map.of());
  }

  /**
   * Reads and validates configuration text.
   *
   * @param file the name used in messages
   * @param base the directory relative paths are resolved against
   * @param environment the variables a {@code sources:} key falls back to when absent ({@value
   *     NormalizerSettings#SUPER_ADMINS_ENV}, {@value NormalizerSettings#MAPPINGS_DIR_ENV}), as the
   *     command line's options do: the process reading the file is the one submitting the job, so
   *     they travel with it like the keys
   */
  public static VigilConfig parse(
      String file, String text, Path base, Map<String, String> environment) {
    return read(file, document(file, text), base, environment);
  }

  /** The text's one YAML document, a mapping of sections; an empty text is an empty one. */
  private static YamlDocument document(String file, String text) {
    List<YamlDocument> documents;
    try {
      documents = YamlReader.read(file, text);
    } catch (RuleException e) {
      RuleError first = e.errors().get(0);
      throw new InvalidConfigException(file, first.line(), "", first.message());
    }
    if (documents.size() > 1) {
      throw new InvalidConfigException(
          file, documents.get(1).line(), "", "holds more than one YAML document");
    }
    if (documents.isEmpty()) {
      // An empty file is a valid config: every default.
      documents =
          List.of(
              new YamlDocument(
                  com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                  Map.of(),
                  1));
    }
    if (!documents.get(0).root().isObject()) {
      throw new InvalidConfigException(
          file,
          documents.get(0).line(),
          "",
          "the file must be a mapping of sections (kafka:, rules:, ...)");
    }
    return documents.get(0);
  }

  private static VigilConfig read(
      String file, YamlDocument document, Path base, Map<String, String> environment) {
    return read(
        ConfigMapping.root(file, document, base), base, environment, credentialLines(document));
  }

  private static VigilConfig read(
      ConfigMapping root,
      Path base,
      Map<String, String> environment,
      Map<String, Integer> credentialLines) {
    Optional<OpenSearchConfig> openSearch = openSearch(root);
    VigilConfig config =
        new VigilConfig(
            root.file(),
            job(root.section("job")),
            rules(root.section("rules"), base),
            sources(root.section("sources"), base, environment),
            kafka(root.section("kafka")),
            watermarks(root.section("watermarks")),
            checkpoints(root.section("checkpoints"), base),
            sinks(root.section("sinks"), base, openSearch.isPresent()),
            openSearch,
            notify(root),
            metrics(root),
            credentialLines);
    root.rejectUnknown();
    checkTransactionOutlivesCheckpoint(root, config);
    checkProducerProperties(root, config);
    if (config.metrics().prometheus().isPresent()
        && config.metrics().prometheus().get().port() == config.job().restPort()) {
      throw root.writes("metrics.prometheus.port")
          ? root.errorAtPath(
              "metrics.prometheus.port", "is job.rest_port too; give each its own port")
          : root.errorAtPath(
              "job.rest_port",
              "is metrics.prometheus.port too (its default); give each its own port");
    }
    // The pager is no record of the alerts: one of the stores must keep them.
    if (!config.sinks().kafkaAlerts()
        && config.sinks().filesDirectory().isEmpty()
        && !config.sinks().openSearch().alerts()) {
      throw root.error(
          "sinks",
          "every alert output is off; enable sinks.kafka.alerts or sinks.opensearch.alerts, or set"
              + " sinks.files.directory");
    }
    return config;
  }

  /**
   * An open transaction must outlive the wait for the checkpoint that commits it, with room for a
   * slow checkpoint and a restart; otherwise the broker aborts it and alerts are lost. Reported at
   * the key the user wrote, with the value it needs: the transaction timeout when it can still
   * grow, else the checkpoint timeout or interval that has to shrink.
   */
  private static void checkTransactionOutlivesCheckpoint(ConfigMapping root, VigilConfig config) {
    Duration interval = config.checkpoints().interval();
    Duration timeout = config.checkpoints().timeout();
    Duration transactionTimeout = config.kafka().transactionTimeout();
    Duration needed = interval.plus(timeout);
    if (config.kafka().alertsDelivery() != AlertsDelivery.EXACTLY_ONCE
        || transactionTimeout.compareTo(needed) > 0) {
      return;
    }
    boolean canGrow = needed.compareTo(MAX_TRANSACTION_TIMEOUT) < 0;
    String transaction =
        "kafka.transaction_timeout ("
            + Durations.format(transactionTimeout)
            + (root.writes("kafka.transaction_timeout") ? "" : ", its default")
            + (canGrow ? "" : ", at most 15m")
            + ")";
    String otherwise = ", or the broker aborts the alert transactions that wait for it";
    if (root.writes("kafka.transaction_timeout") && canGrow) {
      throw root.errorAtPath(
          "kafka.transaction_timeout",
          "must be longer than checkpoints.interval plus checkpoints.timeout ("
              + Durations.format(needed)
              + ") with exactly_once alerts"
              + otherwise);
    }
    if (root.writes("checkpoints.timeout") || !root.writes("checkpoints.interval")) {
      throw root.errorAtPath(
          "checkpoints.timeout",
          "must be shorter than "
              + Durations.format(transactionTimeout.minus(interval))
              + " with exactly_once alerts: checkpoints.interval ("
              + Durations.format(interval)
              + ") plus checkpoints.timeout must stay below "
              + transaction
              + otherwise);
    }
    throw root.errorAtPath(
        "checkpoints.interval",
        "must be shorter than "
            + Durations.format(transactionTimeout.minus(timeout))
            + " with exactly_once alerts: checkpoints.interval plus checkpoints.timeout ("
            + Durations.format(timeout)
            + ") must stay below "
            + transaction
            + otherwise);
  }

  private static Job job(ConfigMapping job) {
    Job read =
        new Job(
            job.text("name", "vigil-detection"),
            job.integer("parallelism", 2, 1, 32_768),
            job.integer("max_parallelism", 128, 1, 32_768),
            job.integer("rest_port", 0, 0, 65_535));
    if (read.maxParallelism() < read.parallelism()) {
      throw job.has("max_parallelism")
          ? job.error(
              "max_parallelism", "must be at least job.parallelism (" + read.parallelism() + ")")
          : job.error(
              "parallelism",
              "must be at most job.max_parallelism ("
                  + read.maxParallelism()
                  + ", its default); raise job.max_parallelism too, before the job's first"
                  + " checkpoint: it is fixed for the life of its state");
    }
    job.rejectUnknown();
    return read;
  }

  /**
   * {@code metrics.prometheus}: present (a mapping, even {@code {}}) to serve the metrics; on the
   * loopback interface unless {@code host} says otherwise, like every listener of the embedded
   * Flink.
   */
  private static Metrics metrics(ConfigMapping root) {
    ConfigMapping metrics = root.section("metrics");
    Optional<Prometheus> prometheus = Optional.empty();
    if (metrics.holds("prometheus") && !metrics.has("prometheus")) {
      throw metrics.error("prometheus", "must be a mapping; give at least its port (port: 9249)");
    }
    if (metrics.has("prometheus")) {
      ConfigMapping section = metrics.section("prometheus");
      String host = section.text("host", EmbeddedFlink.LOOPBACK);
      if (!HOST.matcher(host).matches()) {
        throw section.error(
            "host", "must be a host name or IP address to listen on, such as 127.0.0.1");
      }
      prometheus = Optional.of(new Prometheus(host, section.integer("port", 9249, 1, 65_535)));
      section.rejectUnknown();
    }
    metrics.rejectUnknown();
    return new Metrics(prometheus);
  }

  private static Optional<Path> rules(ConfigMapping rules, Path base) {
    String path = rules.text("path", null);
    rules.rejectUnknown();
    if (path == null) {
      return Optional.empty();
    }
    Path resolved = base.resolve(path).normalize();
    if (!Files.exists(resolved)) {
      throw rules.error("path", "no rules at " + resolved);
    }
    try {
      RulePack.requireRuleFiles(List.of(resolved));
    } catch (RulePathException e) {
      throw rules.error("path", path + ": " + e.problem());
    }
    return Optional.of(resolved);
  }

  /**
   * The {@code sources:} section: the GCP super-admins ({@code gcp.super_admins}) and the directory
   * of the user's mapping tables ({@code mappings_dir}), each falling back to its environment
   * variable when absent. The tables are read and checked here, so a mistake in one stops the start
   * with its file and line, and what the job carries is their text.
   */
  private static NormalizerSettings sources(
      ConfigMapping sources, Path base, Map<String, String> environment) {
    ConfigMapping gcp = sources.section("gcp");
    List<String> superAdmins;
    if (gcp.has("super_admins")) {
      superAdmins = gcp.strings("super_admins", List.of());
      Optional<String> notEmail = NormalizerSettings.firstNonEmail(superAdmins);
      if (notEmail.isPresent()) {
        throw gcp.error(
            "super_admins", "must list emails (admin@example.com), got '" + notEmail.get() + "'");
      }
    } else {
      superAdmins =
          NormalizerSettings.commaSeparated(environment.get(NormalizerSettings.SUPER_ADMINS_ENV));
      Optional<String> notEmail = NormalizerSettings.firstNonEmail(superAdmins);
      if (notEmail.isPresent()) {
        throw new InvalidConfigException(
            sources.file(),
            0,
            "",
            NormalizerSettings.SUPER_ADMINS_ENV
                + " (read as sources.gcp.super_admins is not set) must list emails, got '"
                + notEmail.get()
                + "'");
      }
    }
    gcp.rejectUnknown();
    Optional<Path> mappingsDir = Optional.empty();
    String dir = sources.text("mappings_dir", null);
    if (dir != null) {
      Path resolved = base.resolve(dir).normalize();
      if (!Files.isDirectory(resolved)) {
        throw sources.error("mappings_dir", "no directory at " + resolved);
      }
      mappingsDir = Optional.of(resolved);
    } else {
      String fromEnvironment = environment.get(NormalizerSettings.MAPPINGS_DIR_ENV);
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        Path resolved = Path.of(fromEnvironment.trim()).toAbsolutePath().normalize();
        if (!Files.isDirectory(resolved)) {
          throw new InvalidConfigException(
              sources.file(),
              0,
              "",
              NormalizerSettings.MAPPINGS_DIR_ENV
                  + " (read as sources.mappings_dir is not set): no directory at "
                  + resolved);
        }
        mappingsDir = Optional.of(resolved);
      }
    }
    sources.rejectUnknown();
    try {
      return NormalizerSettings.load(superAdmins, mappingsDir);
    } catch (MappingTableException e) {
      // Located in the table's own file, which the message names.
      throw new InvalidConfigException(e.file(), e.line(), "", e.problem());
    }
  }

  private static Kafka kafka(ConfigMapping kafka) {
    String servers = kafka.text("bootstrap_servers", "localhost:9092");
    for (String server : servers.split(",")) {
      if (!server.trim().matches("\\[?[A-Za-z0-9.:\\-_]+]?:\\d{1,5}")) {
        throw kafka.error("bootstrap_servers", "must list host:port pairs separated by commas");
      }
    }
    Duration transactionTimeout =
        kafka.duration("transaction_timeout", Duration.ofMinutes(15), false);
    Kafka read =
        new Kafka(
            servers,
            kafka.text("group_id", "vigil-detection"),
            kafka.text("client_id_prefix", "vigil-detection"),
            StartingOffsets.valueOf(
                kafka
                    .choice(
                        "starting_offsets", "committed", List.of("committed", "earliest", "latest"))
                    .toUpperCase(Locale.ROOT)),
            kafka.duration("partition_discovery", Duration.ofMinutes(1), false),
            topics(kafka.section("topics")),
            AlertsDelivery.valueOf(
                kafka
                    .choice(
                        "alerts_delivery", "exactly_once", List.of("exactly_once", "at_least_once"))
                    .toUpperCase(Locale.ROOT)),
            kafka.text("transactional_id_prefix", "vigil-detection-alerts"),
            transactionTimeout,
            security(kafka.section("security")),
            clientProperties(kafka),
            createTopics(kafka.section("create_topics")));
    // Brokers refuse a producer whose transaction timeout exceeds transaction.max.timeout.ms
    // (15 min by default): fail here rather than at the first checkpoint.
    if (transactionTimeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0) {
      throw kafka.error(
          "transaction_timeout",
          "must be at most 15m, the brokers' default transaction.max.timeout.ms, which they enforce");
    }
    kafka.rejectUnknown();
    return read;
  }

  private static CreateTopics createTopics(ConfigMapping create) {
    CreateTopics read =
        new CreateTopics(
            create.bool("enabled", true),
            create.integer("partitions", 4, 1, 10_000),
            (short) create.integer("replication_factor", 1, 1, Short.MAX_VALUE));
    create.rejectUnknown();
    return read;
  }

  private static Topics topics(ConfigMapping topics) {
    Map<String, Optional<Source>> raw = DEFAULT_RAW_TOPICS;
    if (topics.has("raw")) {
      raw = new LinkedHashMap<>();
      for (Map.Entry<String, String> entry : topics.stringMap("raw", Map.of()).entrySet()) {
        checkTopicName(topics, List.of("raw", entry.getKey()), entry.getKey());
        raw.put(entry.getKey(), sourceHint(topics, entry.getKey(), entry.getValue()));
      }
    }
    Optional<Pattern> pattern = Optional.empty();
    String patternText = topics.text("raw_pattern", null);
    if (patternText != null) {
      try {
        pattern = Optional.of(Pattern.compile(patternText));
      } catch (PatternSyntaxException e) {
        throw topics.error(
            "raw_pattern", "is not a valid regular expression: " + e.getDescription());
      }
    }
    if (raw.isEmpty() && pattern.isEmpty()) {
      throw topics.error("raw", "name at least one raw topic, or a raw_pattern");
    }
    Topics read =
        new Topics(
            Collections.unmodifiableMap(raw),
            pattern,
            topic(topics, "events", "audit.events"),
            topic(topics, "dead_letter", "audit.deadletter"),
            topic(topics, "alerts", "audit.alerts"));
    // Named at the key that reads it: the listed topic, else the pattern the user wrote.
    for (String output : List.of(read.events(), read.deadLetter(), read.alerts())) {
      if (raw.containsKey(output)) {
        throw topics.error("raw", "the output topic " + output + " must not also be read as raw");
      }
      if (pattern.map(p -> p.matcher(output).matches()).orElse(false)) {
        throw topics.error(
            "raw_pattern",
            "matches the output topic "
                + output
                + ", which must not also be read as raw; anchor it to the raw topics"
                + " (audit\\.raw\\..*)");
      }
    }
    topics.rejectUnknown();
    return read;
  }

  private static String topic(ConfigMapping topics, String key, String fallback) {
    String name = topics.text(key, fallback);
    checkTopicName(topics, List.of(key), name);
    return name;
  }

  /** Kafka's own rule for topic names, so a typo fails here and not at the first write. */
  private static void checkTopicName(ConfigMapping topics, List<String> key, String name) {
    if (!name.matches("[A-Za-z0-9._\\-]{1,249}") || name.equals(".") || name.equals("..")) {
      throw topics.errorAt(
          key,
          "'" + name + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
    }
  }

  /**
   * A raw topic's source: the event's name in lower case ({@code aws_cloudtrail}), or the short
   * name {@code vigil normalize --source} takes ({@code cloudtrail}), or {@code auto}.
   */
  private static Optional<Source> sourceHint(ConfigMapping topics, String topic, String value) {
    String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (normalized.equals("AUTO")) {
      return Optional.empty();
    }
    for (Source source : Source.values()) {
      if (source.name().equals(normalized)) {
        return Optional.of(source);
      }
    }
    Source aliased = SOURCE_ALIASES.get(normalized.toLowerCase(Locale.ROOT));
    if (aliased != null) {
      return Optional.of(aliased);
    }
    throw topics.errorAt(
        List.of("raw", topic),
        "must be auto, vault, aws_cloudtrail (or cloudtrail), azure_monitor (or azure) or"
            + " gcp_audit (or gcp), got '"
            + value
            + "'");
  }

  private static Security security(ConfigMapping security) {
    String protocol = security.choice("protocol", "PLAINTEXT", PROTOCOLS);
    boolean usesSasl = protocol.startsWith("SASL_");
    boolean usesTls = protocol.endsWith("SSL");
    Optional<Sasl> sasl = Optional.empty();
    if (security.has("sasl")) {
      if (!usesSasl) {
        throw security.error("sasl", "is only used with protocol SASL_PLAINTEXT or SASL_SSL");
      }
      sasl = Optional.of(sasl(security.section("sasl")));
    } else if (usesSasl) {
      throw security.error("sasl", "is required with protocol " + protocol);
    }
    Optional<Ssl> ssl = Optional.empty();
    if (security.has("ssl")) {
      if (!usesTls) {
        throw security.error("ssl", "is only used with protocol SSL or SASL_SSL");
      }
      ssl = Optional.of(ssl(security.section("ssl")));
    }
    security.rejectUnknown();
    return new Security(protocol, sasl, ssl);
  }

  private static Sasl sasl(ConfigMapping sasl) {
    String mechanism = sasl.choice("mechanism", "SCRAM-SHA-512", SASL_MECHANISMS);
    String username = sasl.text("username", null);
    if (username == null) {
      throw sasl.error("username", "is required");
    }
    SecretSource password = sasl.secret("password");
    if (password == null) {
      throw sasl.error("password_env", "is required (or password_file)");
    }
    sasl.rejectUnknown();
    return new Sasl(mechanism, username, password);
  }

  private static Ssl ssl(ConfigMapping ssl) {
    Optional<Path> truststore = Optional.ofNullable(ssl.path("truststore_path")).map(Path::of);
    Optional<Path> keystore = Optional.ofNullable(ssl.path("keystore_path")).map(Path::of);
    Ssl read =
        new Ssl(
            truststore,
            storeType(ssl, "truststore_type"),
            Optional.ofNullable(ssl.secret("truststore_password")),
            keystore,
            storeType(ssl, "keystore_type"),
            Optional.ofNullable(ssl.secret("keystore_password")),
            Optional.ofNullable(ssl.secret("key_password")),
            ssl.bool("endpoint_identification", true));
    if (keystore.isEmpty()
        && (read.keystorePassword().isPresent() || read.keyPassword().isPresent())) {
      throw ssl.error("keystore_path", "is required when a keystore or key password is given");
    }
    ssl.rejectUnknown();
    return read;
  }

  private static String storeType(ConfigMapping ssl, String key) {
    return ssl.choice(key, "PKCS12", List.of("PKCS12", "JKS", "PEM")).toUpperCase(Locale.ROOT);
  }

  private static Set<String> kafkaSecretSettings() {
    Set<String> secrets = new TreeSet<>();
    for (ConfigDef definition :
        List.of(
            ProducerConfig.configDef(),
            ConsumerConfig.configDef(),
            AdminClientConfig.configDef())) {
      definition
          .configKeys()
          .forEach(
              (name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                  secrets.add(name);
                }
              });
    }
    return Collections.unmodifiableSet(secrets);
  }

  private static Map<String, String> clientProperties(ConfigMapping kafka) {
    Map<String, String> properties = kafka.stringMap("client_properties", Map.of());
    for (String key : properties.keySet()) {
      String lower = key.toLowerCase(Locale.ROOT);
      // Vigil's own config provider reads kafka.security's credentials on the task managers.
      if (RESERVED_CLIENT_PROPERTIES.contains(lower) || lower.startsWith("config.providers")) {
        throw kafka.errorAt(
            List.of("client_properties", key), "is set by Vigil itself; use the kafka.* keys");
      }
      if (lower.contains("password") || lower.contains("secret") || lower.contains("jaas")) {
        throw kafka.errorAt(
            List.of("client_properties", key),
            "credentials are not accepted here; use kafka.security with *_env or *_file");
      }
      if (KAFKA_SECRET_SETTINGS.contains(lower)) {
        throw kafka.errorAt(
            List.of("client_properties", key),
            "Kafka treats this setting as a secret, which is not accepted here: give keys and"
                + " certificates as files (kafka.security.ssl.keystore_path, truststore_path, with"
                + " type PEM) and passwords with *_env or *_file");
      }
      // The sinks size their records by it: a value the producer would refuse fails here.
      if (lower.equals("max.request.size")
          && !isCountAtLeast(properties.get(key), OutputRecordLimits.MIN_RECORD_BYTES)) {
        throw kafka.errorAt(
            List.of("client_properties", key),
            "must be a whole number of bytes, at least "
                + OutputRecordLimits.MIN_RECORD_BYTES
                + ", got '"
                + properties.get(key)
                + "'");
      }
    }
    return Map.copyOf(properties);
  }

  /**
   * {@code client_properties} apply to every Kafka client, producers included, and every producer
   * is idempotent unless {@code enable.idempotence: false} is set: the producer refuses {@code
   * acks} other than {@code all} or more than 5 requests in flight when it is idempotent, and the
   * transactional alerts producer of {@code exactly_once} delivery cannot be anything else. Each of
   * these fails here, at its line, rather than in every attempt of the job on the cluster.
   */
  private static void checkProducerProperties(ConfigMapping root, VigilConfig config) {
    Sinks sinks = config.sinks();
    if (!sinks.kafkaEvents() && !sinks.kafkaDeadLetter() && !sinks.kafkaAlerts()) {
      return;
    }
    Map<String, String> properties = new LinkedHashMap<>();
    config
        .kafka()
        .clientProperties()
        .forEach((key, value) -> properties.put(key.toLowerCase(Locale.ROOT), key));
    checkProducerBuffer(root, config.kafka().clientProperties(), properties);
    boolean transactional =
        sinks.kafkaAlerts() && config.kafka().alertsDelivery() == AlertsDelivery.EXACTLY_ONCE;
    String idempotenceKey = properties.get("enable.idempotence");
    boolean idempotent =
        idempotenceKey == null
            || !config
                .kafka()
                .clientProperties()
                .get(idempotenceKey)
                .trim()
                .equalsIgnoreCase("false");
    if (!idempotent && transactional) {
      throw root.errorAt(
          List.of("kafka", "client_properties", idempotenceKey),
          "must stay true with kafka.alerts_delivery: exactly_once, whose transactional alerts"
              + " producer is idempotent; remove it, or set kafka.alerts_delivery: at_least_once");
    }
    if (!idempotent) {
      return;
    }
    String why =
        transactional
            ? " with kafka.alerts_delivery: exactly_once, whose transactional alerts producer is"
                + " idempotent"
            : " while the producers are idempotent (the default); set enable.idempotence: false"
                + " too to change it";
    String acksKey = properties.get("acks");
    if (acksKey != null) {
      String acks = config.kafka().clientProperties().get(acksKey).trim();
      if (!acks.equalsIgnoreCase("all") && !acks.equals("-1")) {
        throw root.errorAt(
            List.of("kafka", "client_properties", acksKey),
            "must be all (or -1)" + why + ", got '" + acks + "'");
      }
    }
    String inFlightKey = properties.get("max.in.flight.requests.per.connection");
    if (inFlightKey != null) {
      String inFlight = config.kafka().clientProperties().get(inFlightKey).trim();
      if (!isCountAtLeast(inFlight, 1) || isCountAtLeast(inFlight, 6)) {
        throw root.errorAt(
            List.of("kafka", "client_properties", inFlightKey),
            "must be a whole number from 1 to 5" + why + ", got '" + inFlight + "'");
      }
    }
  }

  /**
   * A producer refuses a record larger than its {@code buffer.memory} as it refuses one over {@code
   * max.request.size}: with less buffer than request size, a record within {@code max.request.size}
   * fails the sink (and the job, on every restart) instead of being written or dead-lettered by
   * size ({@link OutputRecordLimits}). Reported at the key written, with the value it needs.
   *
   * @param lowerCaseKeys the lower-case name of each property to the key as written
   */
  private static void checkProducerBuffer(
      ConfigMapping root, Map<String, String> properties, Map<String, String> lowerCaseKeys) {
    String requestKey = lowerCaseKeys.get("max.request.size");
    long maxRequest =
        requestKey == null
            ? OutputRecordLimits.MAX_REQUEST_BYTES
            : Long.parseLong(properties.get(requestKey).trim());
    String bufferKey = lowerCaseKeys.get("buffer.memory");
    if (bufferKey == null) {
      if (maxRequest > KAFKA_DEFAULT_BUFFER_MEMORY) {
        throw root.errorAt(
            List.of("kafka", "client_properties", requestKey),
            "must be at most buffer.memory, "
                + KAFKA_DEFAULT_BUFFER_MEMORY
                + " by default, or the producers cannot send a record this large; set"
                + " buffer.memory to at least "
                + maxRequest
                + " too");
      }
      return;
    }
    String buffer = properties.get(bufferKey).trim();
    long bufferMemory;
    try {
      bufferMemory = Long.parseLong(buffer);
    } catch (NumberFormatException e) {
      bufferMemory = -1;
    }
    if (bufferMemory < maxRequest) {
      throw root.errorAt(
          List.of("kafka", "client_properties", bufferKey),
          "must be a whole number of bytes, at least max.request.size ("
              + maxRequest
              + (requestKey == null ? ", Vigil's default" : "")
              + "), or the producers cannot send a record that max.request.size allows, got '"
              + buffer
              + "'");
    }
  }

  private static boolean isCountAtLeast(String value, int least) {
    try {
      return Integer.parseInt(value.trim()) >= least;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Watermarks watermarks(ConfigMapping watermarks) {
    Watermarks read =
        new Watermarks(
            watermarks.duration("out_of_orderness", Duration.ofSeconds(30), true),
            watermarks.duration("idleness", Duration.ofMinutes(1), false),
            watermarks.duration(
                "vault_pair_memory", dev.vigil.detect.JobOptions.DEFAULT_VAULT_PAIR_MEMORY, true));
    watermarks.rejectUnknown();
    return read;
  }

  private static Checkpoints checkpoints(ConfigMapping checkpoints, Path base) {
    Duration interval = checkpoints.duration("interval", Duration.ofSeconds(10), false);
    if (interval.toMillis() < 100) {
      throw checkpoints.error("interval", "must be at least 100ms");
    }
    String storage = checkpoints.text("storage", ".vigil/checkpoints");
    Duration timeout = checkpoints.duration("timeout", Duration.ofMinutes(10), false);
    // Flink aborts a savepoint at the checkpoint timeout: a longer wait for it is a mistake when
    // written, and the default gives way to a shorter timeout.
    Duration finalSavepointTimeout =
        checkpoints.duration(
            "final_savepoint_timeout",
            DEFAULT_FINAL_SAVEPOINT_TIMEOUT.compareTo(timeout) < 0
                ? DEFAULT_FINAL_SAVEPOINT_TIMEOUT
                : timeout,
            false);
    if (finalSavepointTimeout.compareTo(timeout) > 0) {
      throw checkpoints.error(
          "final_savepoint_timeout",
          "must be at most checkpoints.timeout ("
              + Durations.format(timeout)
              + "), after which Flink aborts the savepoint");
    }
    Checkpoints read =
        new Checkpoints(
            interval,
            CheckpointMode.valueOf(
                checkpoints
                    .choice("mode", "exactly_once", List.of("exactly_once", "at_least_once"))
                    .toUpperCase(Locale.ROOT)),
            timeout,
            checkpoints.duration("min_pause", Duration.ZERO, true),
            storageUri(storage, base),
            checkpoints.bool("retain_on_cancel", true),
            checkpoints.integer("tolerable_failures", 0, 0, 1_000_000),
            checkpoints.integer("restart_attempts", 10, 0, 1_000_000),
            checkpoints.duration("restart_delay", Duration.ofSeconds(10), true),
            checkpoints.duration("restart_reset_after", Duration.ofHours(1), false),
            finalSavepointTimeout,
            checkpoints.countOrUnbounded(
                "retained_states", OptionalInt.of(DEFAULT_RETAINED_STATES), 1, "all"));
    checkpoints.rejectUnknown();
    return read;
  }

  /**
   * A URI with a scheme passes as given; a plain path becomes a file URI against the base. A file
   * URI never ends in a slash (but the root's): {@link Path#toUri} adds one only when the directory
   * exists, so a run's lines would name the same storage two ways, before and after its first run.
   */
  private static String storageUri(String storage, Path base) {
    String uri =
        storage.matches("[A-Za-z][A-Za-z0-9+.\\-]*://.*")
            ? storage
            : base.resolve(storage).normalize().toUri().toString();
    boolean trailingSlash = uri.startsWith("file:") && uri.endsWith("/") && !uri.equals("file:///");
    return trailingSlash ? uri.substring(0, uri.length() - 1) : uri;
  }

  private static Sinks sinks(ConfigMapping sinks, Path base, boolean openSearchConfigured) {
    ConfigMapping kafka = sinks.section("kafka");
    boolean events = kafka.bool("events", true);
    boolean deadLetter = kafka.bool("dead_letter", true);
    boolean alerts = kafka.bool("alerts", true);
    kafka.rejectUnknown();
    ConfigMapping files = sinks.section("files");
    Optional<String> directory =
        Optional.ofNullable(files.text("directory", null)).map(d -> storageUri(d, base));
    files.rejectUnknown();
    OpenSearchSinks openSearch = openSearchSinks(sinks.section("opensearch"), openSearchConfigured);
    sinks.rejectUnknown();
    return new Sinks(events, deadLetter, alerts, directory, openSearch);
  }

  /** On by default when there is an {@code opensearch:} section; refused without one. */
  private static OpenSearchSinks openSearchSinks(ConfigMapping sinks, boolean configured) {
    Map<String, Boolean> on = new LinkedHashMap<>();
    for (String key : List.of("events", "alerts", "dead_letter", "install_templates")) {
      on.put(key, sinks.bool(key, configured));
      if (!configured && on.get(key)) {
        throw sinks.error(key, "needs an opensearch: section naming the cluster (opensearch.url)");
      }
    }
    sinks.rejectUnknown();
    return new OpenSearchSinks(
        on.get("events"), on.get("alerts"), on.get("dead_letter"), on.get("install_templates"));
  }

  /**
   * The {@code opensearch:} section, read by its owner ({@link OpenSearchConfig#read}, which the
   * CLI's connection flags share).
   */
  private static Optional<OpenSearchConfig> openSearch(ConfigMapping root) {
    return root.has("opensearch")
        ? Optional.of(OpenSearchConfig.read(root.section("opensearch")))
        : Optional.empty();
  }

  private static Optional<NotifyConfig> notify(ConfigMapping root) {
    return root.has("notify")
        ? Optional.of(NotifyConfig.read(root.section("notify")))
        : Optional.empty();
  }

  /**
   * The line of every key a client reads a secret or a file through at start ({@code *_env}, {@code
   * *_file}, and the TLS files {@code ca_pem}, {@code truststore}, {@code keystore}), by dotted
   * path.
   */
  private static final Set<String> CLIENT_FILE_KEYS = Set.of("ca_pem", "truststore", "keystore");

  private static Map<String, Integer> credentialLines(YamlDocument document) {
    Map<String, Integer> lines = new LinkedHashMap<>();
    collectCredentialLines(document, document.root(), "", "", lines);
    return Map.copyOf(lines);
  }

  private static void collectCredentialLines(
      YamlDocument document,
      JsonNode node,
      String dotted,
      String pointer,
      Map<String, Integer> lines) {
    node.fields()
        .forEachRemaining(
            field -> {
              String name = field.getKey();
              String key = dotted.isEmpty() ? name : dotted + "." + name;
              String at = YamlDocument.child(pointer, name);
              if (field.getValue().isObject()) {
                collectCredentialLines(document, field.getValue(), key, at, lines);
              } else if (name.endsWith("_env")
                  || name.endsWith("_file")
                  || CLIENT_FILE_KEYS.contains(name)) {
                lines.put(key, document.lineOf(at));
              }
            });
  }

  private static Map<String, Optional<Source>> defaultRawTopics() {
    Map<String, Optional<Source>> topics = new LinkedHashMap<>();
    topics.put("audit.raw.vault", Optional.of(Source.VAULT));
    topics.put("audit.raw.cloudtrail", Optional.of(Source.AWS_CLOUDTRAIL));
    topics.put("audit.raw.azure", Optional.of(Source.AZURE_MONITOR));
    topics.put("audit.raw.gcp", Optional.of(Source.GCP_AUDIT));
    return topics;
  }
}
