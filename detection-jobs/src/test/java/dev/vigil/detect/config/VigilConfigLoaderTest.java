package dev.vigil.detect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.dashboards.client.BulkConfig;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.detect.config.VigilConfig.AlertsDelivery;
import dev.vigil.detect.config.VigilConfig.CheckpointMode;
import dev.vigil.detect.config.VigilConfig.StartingOffsets;
import dev.vigil.detect.notify.NotifyConfig;
import dev.vigil.event.Category;
import dev.vigil.event.Source;
import dev.vigil.ingest.gcp.GcpAuditParser;
import dev.vigil.ingest.mapping.Mapping;
import dev.vigil.ingest.vault.VaultParser;
import dev.vigil.ingest.yaml.InvalidConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VigilConfigLoaderTest {

  @TempDir Path dir;

  private VigilConfig parse(String yaml) {
    return VigilConfigLoader.parse("vigil.yaml", yaml, dir);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> failsWith(
      String yaml, int line, String key, String problem) {
    return assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(problem)
        .satisfies(
            e -> {
              InvalidConfigException error = (InvalidConfigException) e;
              assertThat(error.file()).isEqualTo("vigil.yaml");
              assertThat(error.line()).isEqualTo(line);
              assertThat(error.key()).isEqualTo(key);
            });
  }

  @Test
  void anEmptyFileGivesEveryDefault() {
    VigilConfig config = parse("");
    assertThat(config.job().name()).isEqualTo("vigil-detection");
    assertThat(config.job().parallelism()).isEqualTo(2);
    assertThat(config.job().maxParallelism()).isEqualTo(128);
    assertThat(config.job().restPort()).isZero();
    assertThat(config.rulesPath()).isEmpty();
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.kafka().groupId()).isEqualTo("vigil-detection");
    assertThat(config.kafka().startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
    assertThat(config.kafka().topics().raw())
        .containsEntry("audit.raw.vault", Optional.of(Source.VAULT))
        .containsEntry("audit.raw.cloudtrail", Optional.of(Source.AWS_CLOUDTRAIL))
        .containsEntry("audit.raw.azure", Optional.of(Source.AZURE_MONITOR))
        .containsEntry("audit.raw.gcp", Optional.of(Source.GCP_AUDIT))
        .hasSize(4);
    assertThat(config.kafka().topics().rawPattern()).isEmpty();
    assertThat(config.kafka().topics().events()).isEqualTo("audit.events");
    assertThat(config.kafka().topics().deadLetter()).isEqualTo("audit.deadletter");
    assertThat(config.kafka().topics().alerts()).isEqualTo("audit.alerts");
    assertThat(config.kafka().alertsDelivery()).isEqualTo(AlertsDelivery.EXACTLY_ONCE);
    assertThat(config.kafka().transactionTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.kafka().security().protocol()).isEqualTo("PLAINTEXT");
    assertThat(config.watermarks().outOfOrderness()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.watermarks().idleness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.watermarks().vaultPairMemory()).isEqualTo(Duration.ofDays(1));
    assertThat(config.checkpoints().interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.checkpoints().mode()).isEqualTo(CheckpointMode.EXACTLY_ONCE);
    assertThat(config.checkpoints().storage())
        .isEqualTo(dir.resolve(".vigil/checkpoints").toUri().toString());
    assertThat(config.checkpoints().retainOnCancel()).isTrue();
    assertThat(config.checkpoints().finalSavepointTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.checkpoints().retainedStates()).isEqualTo(OptionalInt.of(3));
    assertThat(config.sinks().kafkaAlerts()).isTrue();
    assertThat(config.sinks().filesDirectory()).isEmpty();
    assertThat(config.openSearch()).isEmpty();
    assertThat(config.sinks().openSearch()).isEqualTo(VigilConfig.OpenSearchSinks.NONE);
    assertThat(config.notifications()).isEmpty();
  }

  @Test
  void aFullConfigIsReadWithEveryValue() throws Exception {
    Files.createDirectories(dir.resolve("my-rules"));
    Files.writeString(dir.resolve("my-rules/rule.yml"), "title: read when the job starts\n");
    VigilConfig config =
        parse(
            """
            job:
              name: prod-detection
              parallelism: 4
              max_parallelism: 256
              rest_port: 18081
            rules:
              path: my-rules
            kafka:
              bootstrap_servers: kafka-1:9093,kafka-2:9093
              group_id: vigil-prod
              client_id_prefix: vigil-prod
              starting_offsets: earliest
              partition_discovery: 30s
              topics:
                raw:
                  audit.raw.vault: vault
                  audit.raw.mixed: auto
                raw_pattern: 'audit\\.raw\\.team-.*'
                events: prod.events
                dead_letter: prod.deadletter
                alerts: prod.alerts
              alerts_delivery: at_least_once
              transactional_id_prefix: prod-alerts
              transaction_timeout: 5m
              security:
                protocol: SASL_SSL
                sasl:
                  mechanism: SCRAM-SHA-256
                  username: vigil
                  password_env: VIGIL_KAFKA_PASSWORD
                ssl:
                  truststore_path: /etc/vigil/ca.pem
                  truststore_type: PEM
                  endpoint_identification: false
              client_properties:
                linger.ms: 10
            watermarks:
              out_of_orderness: 1m
              idleness: 30s
            checkpoints:
              interval: 5s
              mode: at_least_once
              timeout: 2m
              min_pause: 1s
              storage: s3://bucket/vigil
              retain_on_cancel: false
              tolerable_failures: 2
              restart_attempts: 3
              restart_delay: 2s
              restart_reset_after: 30m
              final_savepoint_timeout: 90s
              retained_states: 5
            sinks:
              kafka:
                events: false
                dead_letter: true
                alerts: true
              files:
                directory: out
            opensearch:
              url: http://localhost:9200
            notify:
              destinations: {}
            """);
    assertThat(config.job().parallelism()).isEqualTo(4);
    assertThat(config.job().restPort()).isEqualTo(18081);
    assertThat(config.rulesPath()).contains(dir.resolve("my-rules"));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9093,kafka-2:9093");
    assertThat(config.kafka().startingOffsets()).isEqualTo(StartingOffsets.EARLIEST);
    assertThat(config.kafka().topics().raw())
        .containsEntry("audit.raw.vault", Optional.of(Source.VAULT))
        .containsEntry("audit.raw.mixed", Optional.empty())
        .hasSize(2);
    assertThat(config.kafka().topics().rawPattern().orElseThrow().pattern())
        .isEqualTo("audit\\.raw\\.team-.*");
    assertThat(config.kafka().alertsDelivery()).isEqualTo(AlertsDelivery.AT_LEAST_ONCE);
    assertThat(config.kafka().security().sasl().orElseThrow().password().env())
        .isEqualTo("VIGIL_KAFKA_PASSWORD");
    assertThat(config.kafka().security().ssl().orElseThrow().truststoreType()).isEqualTo("PEM");
    assertThat(config.kafka().clientProperties()).containsEntry("linger.ms", "10");
    assertThat(config.watermarks().idleness()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.checkpoints().storage()).isEqualTo("s3://bucket/vigil");
    assertThat(config.checkpoints().tolerableFailures()).isEqualTo(2);
    assertThat(config.checkpoints().restartAttempts()).isEqualTo(3);
    assertThat(config.checkpoints().restartResetAfter()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.checkpoints().finalSavepointTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.checkpoints().retainedStates()).isEqualTo(OptionalInt.of(5));
    assertThat(config.sinks().kafkaEvents()).isFalse();
    assertThat(config.sinks().filesDirectory()).contains(dir.resolve("out").toUri().toString());
    assertThat(config.openSearch().orElseThrow().urls())
        .containsExactly(URI.create("http://localhost:9200"));
    assertThat(config.sinks().openSearch())
        .isEqualTo(new VigilConfig.OpenSearchSinks(true, true, true, true));
    assertThat(config.notifications()).isPresent();
  }

  @Test
  void relativeStorePathsAreResolvedAgainstTheConfigDirectory() {
    VigilConfig config =
        VigilConfigLoader.parse(
            "vigil.yaml",
            "kafka:\n  security:\n    protocol: SSL\n    ssl:\n      truststore_path: tls/ca.pem\n"
                + "      keystore_path: /etc/vigil/client.p12\n",
            dir);
    VigilConfig.Ssl ssl = config.kafka().security().ssl().orElseThrow();
    assertThat(ssl.truststore()).contains(dir.resolve("tls/ca.pem"));
    assertThat(ssl.keystore()).contains(Path.of("/etc/vigil/client.p12"));
  }

  @Test
  void relativeKafkaSecretFilesAreResolvedAgainstTheConfigDirectory() {
    VigilConfig config =
        VigilConfigLoader.parse(
            "vigil.yaml",
            """
            kafka:
              security:
                protocol: SASL_SSL
                sasl:
                  username: vigil
                  password_file: secrets/kafka
                ssl:
                  truststore_path: tls/ca.p12
                  truststore_password_file: ./secrets/../secrets/truststore
                  keystore_path: tls/client.p12
                  keystore_password_file: /run/secrets/keystore
            """,
            dir);
    VigilConfig.Security security = config.kafka().security();
    assertThat(security.sasl().orElseThrow().password().file())
        .isEqualTo(dir.resolve("secrets/kafka").toString());
    VigilConfig.Ssl ssl = security.ssl().orElseThrow();
    assertThat(ssl.truststorePassword().orElseThrow().file())
        .isEqualTo(dir.resolve("secrets/truststore").toString());
    assertThat(ssl.keystorePassword().orElseThrow().file()).isEqualTo("/run/secrets/keystore");
  }

  @Test
  void loadReadsAFileAndResolvesPathsAgainstItsDirectory() throws Exception {
    Path file = dir.resolve("conf/vigil.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "checkpoints:\n  storage: state/cp\n");
    VigilConfig config = VigilConfigLoader.load(file);
    assertThat(config.checkpoints().storage())
        .isEqualTo(dir.resolve("conf/state/cp").toUri().toString());
  }

  @Test
  void aLocalStorageIsOneUriWithoutATrailingSlashWhetherItExistsOrNot() throws Exception {
    Path file = dir.resolve("vigil.yaml");
    String expected = "file://" + dir.resolve("ck");
    Files.writeString(file, "checkpoints:\n  storage: ck\n");
    assertThat(VigilConfigLoader.load(file).checkpoints().storage()).isEqualTo(expected);

    // Path.toUri ends an existing directory's URI in a slash: a second run named it otherwise.
    Files.createDirectories(dir.resolve("ck"));
    assertThat(VigilConfigLoader.load(file).checkpoints().storage()).isEqualTo(expected);
    Files.writeString(file, "checkpoints:\n  storage: ck/\n");
    assertThat(VigilConfigLoader.load(file).checkpoints().storage()).isEqualTo(expected);
    Files.writeString(file, "checkpoints:\n  storage: " + expected + "/\n");
    assertThat(VigilConfigLoader.load(file).checkpoints().storage()).isEqualTo(expected);
    Files.writeString(file, "checkpoints:\n  storage: s3://bucket/vigil/\n");
    assertThat(VigilConfigLoader.load(file).checkpoints().storage())
        .isEqualTo("s3://bucket/vigil/");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> VigilConfigLoader.load(dir.resolve("nope.yaml")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageEndingWith("nope.yaml: no such file or directory");
  }

  @Test
  void invalidYamlNamesItsLine() {
    failsWith("kafka:\n  topics: [unclosed\n", 3, "", "invalid YAML");
  }

  @Test
  void duplicateKeysAreRefused() {
    failsWith("kafka:\n  group_id: a\n  group_id: b\n", 3, "", "duplicate key 'group_id'");
  }

  @Test
  void aSecondDocumentIsRefused() {
    failsWith("job: {}\n---\njob: {}\n", 3, "", "more than one YAML document");
  }

  @Test
  void theRootMustBeAMapping() {
    failsWith("- a\n- b\n", 1, "", "must be a mapping of sections");
  }

  @Test
  void unknownTopLevelKeysAreRefused() {
    failsWith("job: {}\nkafak: {}\n", 2, "kafak", "unknown key; did you mean 'kafka'?");
    failsWith("job: {}\nxyzzy: {}\n", 2, "xyzzy", "unknown key; known keys here: checkpoints,");
  }

  @Test
  void unknownNestedKeysAreRefusedWithTheirPath() {
    failsWith(
        "checkpoints:\n  intervall: 5s\n",
        2,
        "checkpoints.intervall",
        "unknown key; did you mean 'interval'?");
  }

  @Test
  void aSectionMustBeAMapping() {
    failsWith("kafka: localhost:9092\n", 1, "kafka", "must be a mapping");
  }

  @Test
  void durationsTakeMinutesAsTheCommandLineDoes() {
    VigilConfig config =
        parse("watermarks:\n  idleness: 10min\n  out_of_orderness: 1w\n  vault_pair_memory: 2h\n");
    assertThat(config.watermarks().idleness()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.watermarks().outOfOrderness()).isEqualTo(Duration.ofDays(7));
    assertThat(config.watermarks().vaultPairMemory()).isEqualTo(Duration.ofHours(2));
    assertThat(parse("watermarks:\n  vault_pair_memory: 0s\n").watermarks().vaultPairMemory())
        .isZero();
  }

  @Test
  void badDurationsAreExplained() {
    failsWith(
        "watermarks:\n  out_of_orderness: 30 seconds\n",
        2,
        "watermarks.out_of_orderness",
        "'30 seconds' is not a duration; write a whole number and a unit: 500ms, 30s, 10m (or"
            + " 10min), 2h, 1d, 1w");
    failsWith(
        "watermarks:\n  idleness: 5\n",
        2,
        "watermarks.idleness",
        "'5' has no unit; add one, e.g. 5s or 5m");
  }

  @Test
  void zeroIsRefusedWhereItMakesNoSense() {
    // Said as such: "must be a duration like 30s, got '0s'" left the reader puzzled.
    failsWith(
        "watermarks:\n  idleness: 0s\n",
        2,
        "watermarks.idleness",
        "must be longer than zero, got '0s'");
    failsWith(
        "kafka:\n  partition_discovery: 0m\n",
        2,
        "kafka.partition_discovery",
        "must be longer than zero, got '0m'");
    failsWith(
        "checkpoints:\n  restart_reset_after: 0s\n",
        2,
        "checkpoints.restart_reset_after",
        "must be longer than zero, got '0s'");
  }

  @Test
  void theFinalSavepointWaitIsPositiveAndWithinTheCheckpointTimeout() {
    failsWith(
        "checkpoints:\n  final_savepoint_timeout: 0s\n",
        2,
        "checkpoints.final_savepoint_timeout",
        "must be longer than zero, got '0s'");
    failsWith(
        "checkpoints:\n  timeout: 30s\n  final_savepoint_timeout: 45s\n",
        3,
        "checkpoints.final_savepoint_timeout",
        "must be at most checkpoints.timeout (30s), after which Flink aborts the savepoint");
    // Unwritten, it follows a checkpoint timeout shorter than its default.
    assertThat(parse("checkpoints:\n  timeout: 20s\n").checkpoints().finalSavepointTimeout())
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void retainedStatesIsACountOfAtLeastOneOrAll() {
    assertThat(parse("checkpoints:\n  retained_states: ALL\n").checkpoints().retainedStates())
        .isEmpty();
    assertThat(parse("checkpoints:\n  retained_states: 1\n").checkpoints().retainedStates())
        .isEqualTo(OptionalInt.of(1));
    failsWith(
        "checkpoints:\n  retained_states: 0\n",
        2,
        "checkpoints.retained_states",
        "must be a whole number of at least 1, or all, got 0");
    failsWith(
        "checkpoints:\n  retained_states: none\n",
        2,
        "checkpoints.retained_states",
        "must be a whole number of at least 1, or all, got 'none'");
    failsWith(
        "checkpoints:\n  retained_states: 2.5\n",
        2,
        "checkpoints.retained_states",
        "must be a whole number of at least 1, or all, got 2.5");
  }

  @Test
  void aTooShortCheckpointIntervalIsRefused() {
    failsWith("checkpoints:\n  interval: 10ms\n", 2, "checkpoints.interval", "at least 100ms");
  }

  @Test
  void numbersAreCheckedForTypeAndRange() {
    failsWith("job:\n  parallelism: two\n", 2, "job.parallelism", "must be a whole number");
    failsWith("job:\n  parallelism: 0\n", 2, "job.parallelism", "between 1 and 32768, got 0");
    failsWith(
        "job:\n  parallelism: 8\n  max_parallelism: 4\n",
        3,
        "job.max_parallelism",
        "at least job.parallelism (8)");
    failsWith("job:\n  rest_port: 70000\n", 2, "job.rest_port", "between 0 and 65535, got 70000");
    failsWith("job:\n  rest-port: 8081\n", 2, "job.rest-port", "did you mean 'rest_port'?");
  }

  @Test
  void prometheusMetricsAreServedOnTheLoopbackInterfaceUnlessAHostIsGiven() {
    assertThat(parse("").metrics().prometheus()).isEmpty();
    assertThat(parse("metrics:\n  prometheus: {}\n").metrics().prometheus())
        .contains(new VigilConfig.Prometheus("127.0.0.1", 9249));
    VigilConfig.Prometheus given =
        parse("metrics:\n  prometheus:\n    host: 0.0.0.0\n    port: 19249\n")
            .metrics()
            .prometheus()
            .orElseThrow();
    assertThat(given).isEqualTo(new VigilConfig.Prometheus("0.0.0.0", 19249));
    assertThat(given.url()).hasToString("http://0.0.0.0:19249/metrics");
    assertThat(new VigilConfig.Prometheus("::1", 9249).url())
        .hasToString("http://[::1]:9249/metrics");
  }

  @Test
  void prometheusSettingsAreChecked() {
    failsWith(
        "metrics:\n  prometheus:\n", 2, "metrics.prometheus", "must be a mapping; give at least");
    failsWith(
        "metrics:\n  prometheus:\n    port: 0\n",
        3,
        "metrics.prometheus.port",
        "between 1 and 65535, got 0");
    failsWith(
        "metrics:\n  prometheus:\n    host: http://localhost\n",
        3,
        "metrics.prometheus.host",
        "must be a host name or IP address to listen on");
    failsWith(
        "metrics:\n  prometheus:\n    prot: 9249\n",
        3,
        "metrics.prometheus.prot",
        "did you mean 'port'?");
    failsWith("metrics:\n  promethus: {}\n", 2, "metrics.promethus", "did you mean 'prometheus'?");
    failsWith(
        "job:\n  rest_port: 9250\nmetrics:\n  prometheus:\n    port: 9250\n",
        5,
        "metrics.prometheus.port",
        "is job.rest_port too");
  }

  @Test
  void booleansMustBeBooleans() {
    failsWith(
        "checkpoints:\n  retain_on_cancel: maybe\n",
        2,
        "checkpoints.retain_on_cancel",
        "must be true or false");
  }

  @Test
  void choicesListTheirValues() {
    failsWith(
        "checkpoints:\n  mode: twice\n",
        2,
        "checkpoints.mode",
        "must be one of exactly_once, at_least_once, got 'twice'");
    failsWith(
        "kafka:\n  starting_offsets: newest\n",
        2,
        "kafka.starting_offsets",
        "must be one of committed, earliest, latest");
  }

  @Test
  void bootstrapServersNeedHostAndPort() {
    failsWith(
        "kafka:\n  bootstrap_servers: kafka-1\n", 2, "kafka.bootstrap_servers", "host:port pairs");
  }

  @Test
  void topicNamesFollowKafkasRule() {
    failsWith(
        "kafka:\n  topics:\n    alerts: audit alerts\n",
        3,
        "kafka.topics.alerts",
        "'audit alerts' is not a valid topic name");
    failsWith(
        "kafka:\n  topics:\n    raw:\n      audit/raw: vault\n",
        4,
        "kafka.topics.raw.audit/raw",
        "is not a valid topic name");
  }

  @Test
  void aRawTopicNamesAKnownSourceOrAuto() {
    failsWith(
        "kafka:\n  topics:\n    raw:\n      audit.raw.okta: okta\n",
        4,
        "kafka.topics.raw.audit.raw.okta",
        "must be auto, vault, aws_cloudtrail (or cloudtrail), azure_monitor (or azure) or"
            + " gcp_audit (or gcp), got 'okta'");
  }

  @Test
  void aRawTopicTakesTheShortSourceNamesOfTheCommandLineToo() {
    VigilConfig config =
        VigilConfigLoader.parse(
            "vigil.yaml",
            "kafka:\n  topics:\n    raw:\n      t1: cloudtrail\n      t2: Azure\n      t3: gcp\n",
            dir);
    assertThat(config.kafka().topics().raw())
        .containsExactly(
            Map.entry("t1", Optional.of(Source.AWS_CLOUDTRAIL)),
            Map.entry("t2", Optional.of(Source.AZURE_MONITOR)),
            Map.entry("t3", Optional.of(Source.GCP_AUDIT)));
  }

  @Test
  void aConfigThatIsADirectoryOrNotTextSaysSoInWords() throws Exception {
    Path binary = Files.write(dir.resolve("binary.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3});
    assertThatThrownBy(() -> VigilConfigLoader.load(dir))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageEndingWith(": is a directory, not a file");
    assertThatThrownBy(() -> VigilConfigLoader.load(binary))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            binary + ":1: not UTF-8 text (invalid byte 0xC3 at offset 3): save it as UTF-8");
  }

  @Test
  void someRawTopicIsRequired() {
    failsWith(
        "kafka:\n  topics:\n    raw: {}\n",
        3,
        "kafka.topics.raw",
        "name at least one raw topic, or a raw_pattern");
  }

  @Test
  void aBadPatternIsExplained() {
    failsWith(
        "kafka:\n  topics:\n    raw_pattern: 'audit.raw.(vault'\n",
        3,
        "kafka.topics.raw_pattern",
        "is not a valid regular expression");
  }

  @Test
  void anOutputTopicMustNotBeReadAsRaw() {
    failsWith(
        "kafka:\n  topics:\n    raw:\n      audit.alerts: auto\n",
        3,
        "kafka.topics.raw",
        "the output topic audit.alerts must not also be read as raw");
  }

  @Test
  void aPatternMatchingAnOutputTopicIsNamedWhereItIsWritten() {
    failsWith(
        "kafka:\n  topics:\n    raw_pattern: 'audit\\..*'\n",
        3,
        "kafka.topics.raw_pattern",
        "matches the output topic audit.events, which must not also be read as raw; anchor it to"
            + " the raw topics (audit\\.raw\\..*)");
  }

  @Test
  void secretsAreNeverInline() {
    failsWith(
            """
            kafka:
              security:
                protocol: SASL_SSL
                sasl:
                  username: vigil
                  password: hunter2
            """,
            6,
            "kafka.security.sasl.password",
            "secrets are not accepted inline")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void anInlineSecretThatReadsAsAYamlAliasIsNotQuotedBack() {
    // Unquoted, "*Xy9-hunter2" is a YAML alias: refused before any key is looked at.
    failsWith(
            """
            opensearch:
              url: http://127.0.0.1:9200
              password: *Xy9-hunter2
            """,
            3,
            "",
            "an unquoted value starting with '*' reads as a YAML alias; quote the value")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void aSecretComesFromOneOfEnvOrFile() {
    failsWith(
        """
        kafka:
          security:
            protocol: SASL_PLAINTEXT
            sasl:
              username: vigil
              password_env: A
              password_file: /run/secrets/b
        """,
        7,
        "kafka.security.sasl.password_file",
        "either password_env or password_file, not both");
  }

  @Test
  void saslNeedsAUsernameAndAPassword() {
    failsWith(
        "kafka:\n  security:\n    protocol: SASL_SSL\n    sasl:\n      password_env: X\n",
        4,
        "kafka.security.sasl.username",
        "is required");
    failsWith(
        "kafka:\n  security:\n    protocol: SASL_SSL\n    sasl:\n      username: v\n",
        4,
        "kafka.security.sasl.password_env",
        "is required (or password_file)");
  }

  @Test
  void securitySectionsMustMatchTheProtocol() {
    failsWith(
        "kafka:\n  security:\n    protocol: SASL_SSL\n",
        2,
        "kafka.security.sasl",
        "is required with protocol SASL_SSL");
    failsWith(
        "kafka:\n  security:\n    ssl:\n      truststore_path: /ca.pem\n",
        3,
        "kafka.security.ssl",
        "is only used with protocol SSL or SASL_SSL");
    failsWith(
        "kafka:\n  security:\n    protocol: TLS\n",
        3,
        "kafka.security.protocol",
        "must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
    failsWith(
        "kafka:\n  security:\n    protocol: SASL_SSL\n    sasl:\n      mechanism: GSSAPI\n",
        5,
        "kafka.security.sasl.mechanism",
        "must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512");
  }

  @Test
  void aKeyPasswordNeedsAKeystore() {
    failsWith(
        "kafka:\n  security:\n    protocol: SSL\n    ssl:\n      key_password_env: K\n",
        4,
        "kafka.security.ssl.keystore_path",
        "is required when a keystore or key password is given");
  }

  @Test
  void clientPropertiesCannotCarryCredentialsOrOverrideTheJob() {
    failsWith(
        "kafka:\n  client_properties:\n    ssl.truststore.password: x\n",
        3,
        "kafka.client_properties.ssl.truststore.password",
        "credentials are not accepted here");
    failsWith(
        "kafka:\n  client_properties:\n    group.id: other\n",
        3,
        "kafka.client_properties.group.id",
        "is set by Vigil itself");
    failsWith(
        "kafka:\n  client_properties:\n    linger.ms: [1]\n",
        3,
        "kafka.client_properties.linger.ms",
        "must be a string, number or boolean");
  }

  /**
   * Settings Kafka itself treats as passwords whose names say nothing of it: a PEM private key, a
   * key's passphrase, certificates inline. Written in vigil.yaml, they would travel in the job
   * graph, where only where a secret is may go.
   */
  @Test
  void clientPropertiesCannotCarryWhatKafkaTreatsAsASecret() {
    for (String key :
        List.of(
            "ssl.keystore.key",
            "sasl.oauthbearer.assertion.private.key.passphrase",
            "ssl.keystore.certificate.chain",
            "ssl.truststore.certificates")) {
      failsWith(
          "kafka:\n  client_properties:\n    " + key + ": \"-----BEGIN PRIVATE KEY----- x\"\n",
          3,
          "kafka.client_properties." + key,
          "Kafka treats this setting as a secret, which is not accepted here: give keys and"
              + " certificates as files (kafka.security.ssl.keystore_path, truststore_path, with"
              + " type PEM) and passwords with *_env or *_file");
    }
  }

  @Test
  void clientPropertiesCannotBreakTheIdempotentOrTransactionalProducers() {
    failsWith(
        "kafka:\n  client_properties:\n    linger.ms: 5\n    acks: \"1\"\n",
        4,
        "kafka.client_properties.acks",
        "must be all (or -1) with kafka.alerts_delivery: exactly_once, whose transactional alerts"
            + " producer is idempotent, got '1'");
    failsWith(
        "kafka:\n  client_properties:\n    enable.idempotence: false\n",
        3,
        "kafka.client_properties.enable.idempotence",
        "must stay true with kafka.alerts_delivery: exactly_once");
    failsWith(
        "kafka:\n  client_properties:\n    max.in.flight.requests.per.connection: 6\n",
        3,
        "kafka.client_properties.max.in.flight.requests.per.connection",
        "must be a whole number from 1 to 5 with kafka.alerts_delivery: exactly_once");
    // At-least-once producers are idempotent too unless told otherwise.
    failsWith(
        "kafka:\n  alerts_delivery: at_least_once\n  client_properties:\n    acks: 1\n",
        4,
        "kafka.client_properties.acks",
        "must be all (or -1) while the producers are idempotent (the default); set"
            + " enable.idempotence: false too");
    VigilConfig relaxed =
        parse(
            "kafka:\n  alerts_delivery: at_least_once\n  client_properties:\n"
                + "    acks: 1\n    enable.idempotence: false\n"
                + "    max.in.flight.requests.per.connection: 10\n");
    assertThat(relaxed.kafka().clientProperties()).containsEntry("acks", "1");
    assertThat(parse("kafka:\n  client_properties:\n    acks: all\n    enable.idempotence: true\n"))
        .isNotNull();
    assertThat(parse("kafka:\n  client_properties:\n    acks: -1\n")).isNotNull();
  }

  @Test
  void theProducersRequestSizeMustHoldADeadLetter() {
    failsWith(
        "kafka:\n  client_properties:\n    max.request.size: 1000\n",
        3,
        "kafka.client_properties.max.request.size",
        "must be a whole number of bytes, at least 65536, got '1000'");
    failsWith(
        "kafka:\n  client_properties:\n    max.request.size: 1mb\n",
        3,
        "kafka.client_properties.max.request.size",
        "must be a whole number of bytes, at least 65536, got '1mb'");
  }

  @Test
  void theProducersBufferMustHoldTheLargestRecordTheyMaySend() {
    failsWith(
        "kafka:\n  client_properties:\n    buffer.memory: 4194304\n",
        3,
        "kafka.client_properties.buffer.memory",
        "must be a whole number of bytes, at least max.request.size (9437184, Vigil's default),"
            + " or the producers cannot send a record that max.request.size allows, got"
            + " '4194304'");
    failsWith(
        "kafka:\n  client_properties:\n    max.request.size: 2000000\n"
            + "    buffer.memory: 1000000\n",
        4,
        "kafka.client_properties.buffer.memory",
        "at least max.request.size (2000000)");
    failsWith(
        "kafka:\n  client_properties:\n    buffer.memory: 32m\n",
        3,
        "kafka.client_properties.buffer.memory",
        "must be a whole number of bytes");
    // Above Kafka's default buffer of 32 MiB, the request size needs a buffer to match.
    failsWith(
        "kafka:\n  client_properties:\n    max.request.size: 40000000\n",
        3,
        "kafka.client_properties.max.request.size",
        "must be at most buffer.memory, 33554432 by default, or the producers cannot send a"
            + " record this large; set buffer.memory to at least 40000000 too");
    assertThat(
            parse(
                "kafka:\n  client_properties:\n    max.request.size: 40000000\n"
                    + "    buffer.memory: 40000000\n"))
        .isNotNull();
    assertThat(parse("kafka:\n  client_properties:\n    buffer.memory: 9437184\n")).isNotNull();
    // Without a Kafka output there is no producer to refuse a record.
    assertThat(
            parse(
                "kafka:\n  client_properties:\n    buffer.memory: 1000000\n"
                    + "sinks:\n  kafka:\n    events: false\n    dead_letter: false\n"
                    + "    alerts: false\n  files:\n    directory: out\n"))
        .isNotNull();
  }

  @Test
  void theTransactionTimeoutStaysWithinTheBrokersLimitAndOutlivesACheckpoint() {
    failsWith(
        "kafka:\n  transaction_timeout: 1h\n",
        2,
        "kafka.transaction_timeout",
        "must be at most 15m");
    failsWith(
        "kafka:\n  transaction_timeout: 1m\ncheckpoints:\n  interval: 30s\n  timeout: 1m\n",
        2,
        "kafka.transaction_timeout",
        "must be longer than checkpoints.interval plus checkpoints.timeout (90s) with"
            + " exactly_once alerts");
  }

  @Test
  void aConstraintBetweenTwoKeysIsReportedAtTheOneWrittenWithTheValueItNeeds() {
    // The transaction timeout cannot exceed 15m, so the checkpoint timeout must shrink.
    failsWith(
        "checkpoints:\n  timeout: 20m\n",
        2,
        "checkpoints.timeout",
        "must be shorter than 890s with exactly_once alerts: checkpoints.interval (10s) plus"
            + " checkpoints.timeout must stay below kafka.transaction_timeout (15m, its default, at"
            + " most 15m)");
    failsWith(
        "kafka:\n  transaction_timeout: 15m\ncheckpoints:\n  timeout: 15m\n",
        4,
        "checkpoints.timeout",
        "must be shorter than 890s");
    failsWith(
        "kafka:\n  transaction_timeout: 2m\ncheckpoints:\n  interval: 30s\n",
        2,
        "kafka.transaction_timeout",
        "must be longer than checkpoints.interval plus checkpoints.timeout (630s)");
    failsWith(
        "checkpoints:\n  interval: 5m\n",
        2,
        "checkpoints.interval",
        "must be shorter than 5m with exactly_once alerts: checkpoints.interval plus"
            + " checkpoints.timeout (10m) must stay below kafka.transaction_timeout (15m, its"
            + " default, at most 15m)");
    failsWith(
        "job:\n  parallelism: 200\n",
        2,
        "job.parallelism",
        "must be at most job.max_parallelism (128, its default); raise job.max_parallelism too");
    failsWith(
        "job:\n  rest_port: 9249\nmetrics:\n  prometheus: {}\n",
        2,
        "job.rest_port",
        "is metrics.prometheus.port too (its default)");
  }

  @Test
  void atLeastOnceAlertsNeedNoTransactionTimeoutCheck() {
    VigilConfig config =
        parse(
            "kafka:\n  alerts_delivery: at_least_once\n  transaction_timeout: 1m\n"
                + "checkpoints:\n  timeout: 5m\n");
    assertThat(config.kafka().alertsDelivery()).isEqualTo(AlertsDelivery.AT_LEAST_ONCE);
  }

  @Test
  void aMissingRulesPathIsNamed() {
    failsWith(
        "rules:\n  path: nowhere\n", 2, "rules.path", "no rules at " + dir.resolve("nowhere"));
  }

  @Test
  void aRulesPathWithoutRuleFilesIsNamed() throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir.resolve("my-rules"));
    failsWith(
        "rules:\n  path: my-rules\n",
        2,
        "rules.path",
        "my-rules: no rule files (*.yml, *.yaml) in it (the directory is empty)");
  }

  @Test
  void theSourcesSectionReadsTheSuperAdminsAndTheUsersTablesWithTheFile() throws Exception {
    Files.createDirectories(dir.resolve("maps"));
    Files.writeString(
        dir.resolve("maps/gcp.yaml"),
        "rules:\n  - match: {methodName: storage.buckets.get}\n    category: SYSTEM\n");

    VigilConfig config =
        parse(
            "sources:\n  gcp:\n    super_admins: [admin@example.com, Break.Glass@example.com]\n"
                + "  mappings_dir: maps\n");

    assertThat(config.normalizer().gcpSuperAdmins())
        .containsExactly("admin@example.com", "Break.Glass@example.com");
    assertThat(gcpCategory(config, "storage.buckets.get")).isEqualTo(Category.SYSTEM);
    assertThat(parse("").normalizer().gcpSuperAdmins()).isEmpty();
    assertThat(gcpCategory(parse(""), "storage.buckets.get")).isNotEqualTo(Category.SYSTEM);
  }

  @Test
  void aMistakeInAUsersTableStopsTheLoadWithTheTablesFileAndLine() throws Exception {
    Files.createDirectories(dir.resolve("maps"));
    Path table = dir.resolve("maps/vault.yaml");
    Files.writeString(
        table, "rules:\n  - match: {pathh: \"sys/*\"}\n    category: SECRET_ACCESS\n");

    assertThatThrownBy(() -> parse("sources:\n  mappings_dir: maps\n"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            table + ":2: rule 1: match key 'pathh' is not one the VAULT parser supplies (path,");
  }

  @Test
  void sourcesMistakesAreLocatedInTheFile() {
    failsWith(
        "sources:\n  mappings_dir: nowhere\n",
        2,
        "sources.mappings_dir",
        "no directory at " + dir.resolve("nowhere"));
    failsWith(
        "sources:\n  gcp:\n    super_admins: [admin@example.com, breakglass]\n",
        3,
        "sources.gcp.super_admins",
        "must list emails (admin@example.com), got 'breakglass'");
    failsWith(
        "sources:\n  gcp:\n    super_admins: admin@example.com\n",
        3,
        "sources.gcp.super_admins",
        "must be a list of strings");
    failsWith(
        "sources:\n  gcp:\n    superadmins: [admin@example.com]\n",
        3,
        "sources.gcp.superadmins",
        "did you mean 'super_admins'?");
  }

  @Test
  void absentSourcesKeysFallBackToTheEnvironmentOfTheProcessReadingTheFile() throws Exception {
    Files.createDirectories(dir.resolve("maps"));
    Files.writeString(
        dir.resolve("maps/vault.yaml"),
        "rules:\n  - match: {path: \"x/*\"}\n    category: SYSTEM\n");
    Map<String, String> environment =
        Map.of(
            "VIGIL_GCP_SUPER_ADMINS",
            "env@example.com",
            "VIGIL_MAPPINGS_DIR",
            dir.resolve("maps").toString());

    VigilConfig fromEnvironment = VigilConfigLoader.parse("vigil.yaml", "", dir, environment);
    VigilConfig fromFile =
        VigilConfigLoader.parse(
            "vigil.yaml",
            "sources:\n  gcp:\n    super_admins: [file@example.com]\n",
            dir,
            environment);

    assertThat(fromEnvironment.normalizer().gcpSuperAdmins()).containsExactly("env@example.com");
    assertThat(
            fromEnvironment
                .normalizer()
                .table(VaultParser.TABLE)
                .lookup(Map.of("path", "x/y"))
                .map(Mapping::category))
        .contains(Category.SYSTEM);
    assertThat(fromFile.normalizer().gcpSuperAdmins()).containsExactly("file@example.com");
    assertThatThrownBy(
            () ->
                VigilConfigLoader.parse(
                    "vigil.yaml", "", dir, Map.of("VIGIL_MAPPINGS_DIR", "/no/such/dir")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "vigil.yaml: VIGIL_MAPPINGS_DIR (read as sources.mappings_dir is not set): no directory"
                + " at /no/such/dir");
  }

  private static Category gcpCategory(VigilConfig config, String methodName) {
    return config
        .normalizer()
        .table(GcpAuditParser.TABLE)
        .lookup(Map.of("methodName", methodName))
        .map(Mapping::category)
        .orElse(Category.OTHER);
  }

  @Test
  void someAlertOutputMustRemain() {
    failsWith("sinks:\n  kafka:\n    alerts: false\n", 1, "sinks", "every alert output is off");
  }

  @Test
  void notifyErrorsAreLocatedInTheFile() {
    failsWith(
        "job: {}\nnotify:\n  grouping:\n    enabled: perhaps\n",
        4,
        "notify.grouping.enabled",
        "must be true or false");
  }

  @Test
  void theOpenSearchSectionMustBeAMapping() {
    failsWith("opensearch: http://localhost:9200\n", 1, "opensearch", "must be a mapping");
  }

  @Test
  void aMessageReadsAsFileLineKeyProblem() {
    assertThatThrownBy(() -> parse("job:\n  parallelism: -1\n"))
        .hasMessage("vigil.yaml:2: job.parallelism: must be between 1 and 32768, got -1");
  }

  @Test
  void theOpenSearchSectionIsReadWithItsDefaultsAndEverySinkOn() {
    VigilConfig config = parse("opensearch:\n  url: http://127.0.0.1:9200\n");
    OpenSearchConfig cluster = config.openSearch().orElseThrow();
    assertThat(cluster.urls()).containsExactly(URI.create("http://127.0.0.1:9200"));
    assertThat(cluster.username()).isNull();
    assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(cluster.responseTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(cluster.index()).isEqualTo(IndexSettings.DEFAULT);
    assertThat(cluster.bulk()).isEqualTo(BulkConfig.DEFAULT);
    assertThat(cluster.retentionFile()).isNull();
    assertThat(config.sinks().openSearch())
        .isEqualTo(new VigilConfig.OpenSearchSinks(true, true, true, true));
  }

  @Test
  void aProductionOpenSearchSectionKeepsOnlyReferencesToSecretsAndResolvesItsFiles() {
    VigilConfig config =
        parse(
            """
            opensearch:
              urls: [https://search-1.example:9200, https://search-2.example:9200]
              username: vigil
              password_file: secrets/opensearch
              tls:
                ca_pem: tls/ca.pem
              retention_file: retention.yaml
              index: {shards: 2, replicas: 1, refresh_interval: 5s}
              bulk: {max_actions: 500, max_bytes: 2mb, give_up_after: 0s}
            sinks:
              opensearch:
                dead_letter: false
                install_templates: false
            """);
    OpenSearchConfig cluster = config.openSearch().orElseThrow();
    assertThat(cluster.urls()).hasSize(2);
    assertThat(cluster.username()).isEqualTo("vigil");
    assertThat(cluster.password().file()).isEqualTo(dir.resolve("secrets/opensearch").toString());
    assertThat(cluster.password().env()).isNull();
    assertThat(cluster.tls().caPem()).isEqualTo(dir.resolve("tls/ca.pem").toString());
    assertThat(cluster.retentionFile()).isEqualTo(dir.resolve("retention.yaml").toString());
    assertThat(cluster.index()).isEqualTo(new IndexSettings(2, 1, Duration.ofSeconds(5)));
    assertThat(cluster.bulk().maxActions()).isEqualTo(500);
    assertThat(cluster.bulk().maxBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(cluster.bulk().giveUpAfter()).isZero();
    assertThat(config.sinks().openSearch())
        .isEqualTo(new VigilConfig.OpenSearchSinks(true, true, false, false));
  }

  @Test
  void theOpenSearchPasswordIsNeverInline() {
    failsWith(
            "opensearch:\n  url: https://search:9200\n  username: vigil\n  password: hunter2\n",
            4,
            "opensearch.password",
            "secrets are not accepted inline; name an environment variable with password_env")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    failsWith(
            "opensearch:\n  url: https://search:9200\n  tls:\n    truststore: ts.p12\n"
                + "    truststore_password: hunter2\n",
            5,
            "opensearch.tls.truststore_password",
            "secrets are not accepted inline")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void openSearchErrorsAreLocatedInTheFile() {
    failsWith(
        "job: {}\nopensearch:\n  url: http://localhost:9200\n  bulk:\n    max_actions: lots\n",
        5,
        "opensearch.bulk.max_actions",
        "must be a whole number, got 'lots'");
    failsWith(
        "opensearch:\n  url: http://localhost:9200\n  tls:\n    verify_hostnme: false\n",
        4,
        "opensearch.tls.verify_hostnme",
        "unknown key; did you mean 'verify_hostname'?");
    failsWith(
        "opensearch:\n  url: http://localhost:9200\n  username: vigil\n"
            + "  password_env: VIGIL_OPENSEARCH_PASSWORD\n",
        1,
        "opensearch",
        "basic auth over plain http would send the password in clear");
    failsWith("opensearch:\n  index: {}\n", 1, "opensearch", "set exactly one of url or urls");
    // Once reported at opensearch.bulk as "bulk initial_backoff must be > 0 and max_backoff ...".
    assertThatThrownBy(
            () ->
                parse(
                    "opensearch:\n  url: http://localhost:9200\n  bulk:\n    initial_backoff: 0s\n"))
        .hasMessage(
            "vigil.yaml:4: opensearch.bulk.initial_backoff: must be longer than zero, got '0s'");
    failsWith(
        "opensearch:\n  url: ftp://search\n", 2, "opensearch.url", "is not an http(s)://host");
    failsWith(
        "opensearch:\n  urls: [http://a:9200, https://b:9200]\n",
        2,
        "opensearch.urls",
        "share one scheme and path prefix");
  }

  @Test
  void openSearchSinksNeedTheSection() {
    failsWith(
        "sinks:\n  opensearch:\n    events: true\n",
        3,
        "sinks.opensearch.events",
        "needs an opensearch: section");
    assertThat(parse("sinks:\n  opensearch:\n    events: false\n").sinks().openSearch())
        .isEqualTo(VigilConfig.OpenSearchSinks.NONE);
  }

  @Test
  void openSearchAlertsAreAnAlertOutput() {
    VigilConfig config =
        parse("opensearch:\n  url: http://localhost:9200\nsinks:\n  kafka:\n    alerts: false\n");
    assertThat(config.sinks().kafkaAlerts()).isFalse();
    assertThat(config.sinks().openSearch().alerts()).isTrue();
    failsWith(
        "opensearch:\n  url: http://localhost:9200\n"
            + "sinks:\n  kafka:\n    alerts: false\n  opensearch:\n    alerts: false\n",
        3,
        "sinks",
        "every alert output is off");
  }

  @Test
  void theNotifySectionIsReadWithItsSecretFilesResolved() {
    VigilConfig config =
        parse(
            """
            notify:
              destinations:
                oncall:
                  type: pagerduty
                  routing_key_file: secrets/pd
                siem:
                  type: webhook
                  url: https://siem.example/hook
                  hmac_key_env: VIGIL_WEBHOOK_KEY
            """);
    NotifyConfig notify = config.notifications().orElseThrow();
    assertThat(notify.destinations().get("oncall").secret().file())
        .isEqualTo(dir.resolve("secrets/pd").toString());
    assertThat(notify.destinations().get("siem").secret().env()).isEqualTo("VIGIL_WEBHOOK_KEY");
  }

  @Test
  void theConfigTravelsWithTheJob() throws Exception {
    VigilConfig config =
        parse(
            """
            opensearch:
              url: http://localhost:9200
            notify:
              destinations:
                oncall:
                  type: pagerduty
                  routing_key_env: VIGIL_PD_ROUTING_KEY
            """);
    // Both go into sinks that Flink serializes into the job graph.
    assertThat(roundTrip(config.openSearch().orElseThrow()))
        .isEqualTo(config.openSearch().orElseThrow());
    assertThat(roundTrip(config.notifications().orElseThrow()))
        .isEqualTo(config.notifications().orElseThrow());
  }

  private static Object roundTrip(java.io.Serializable value) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }

  /** docs/configuration.md's example is what users copy: it must load as documented. */
  @Test
  void theDocumentedExampleLoads() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    int start = doc.indexOf("```yaml", doc.indexOf("## Example"));
    assertThat(start).as("docs/configuration.md has a ```yaml example").isNotNegative();
    String yaml = doc.substring(start + "```yaml".length(), doc.indexOf("```", start + 7));
    VigilConfig config = VigilConfigLoader.parse("configuration.md", yaml, Path.of(".."));
    assertThat(config.openSearch().orElseThrow().username()).isEqualTo("vigil");
    assertThat(config.sinks().openSearch())
        .isEqualTo(new VigilConfig.OpenSearchSinks(true, true, true, true));
    assertThat(config.notifications().orElseThrow().destinations()).containsOnlyKeys("oncall");
    assertThat(config.normalizer().gcpSuperAdmins())
        .containsExactly("admin@example.com", "breakglass@example.com");
  }

  @Test
  void aCredentialReadAfterLoadingIsLocatedByItsKey() {
    VigilConfig config =
        parse(
            "kafka:\n  security:\n    protocol: SASL_SSL\n    sasl:\n      username: bob\n"
                + "      password_env: KAFKA_PW\n"
                + "opensearch:\n  url: https://os:9200\n  username: bob\n"
                + "  password_file: pw.txt\n");

    InvalidConfigException kafkaPassword =
        config.credentialError(
            new InvalidConfigException(
                null,
                0,
                "kafka.security.sasl.password_env",
                "environment variable KAFKA_PW is not set"));
    assertThat(kafkaPassword.getMessage())
        .isEqualTo(
            "vigil.yaml:6: kafka.security.sasl.password_env: environment variable KAFKA_PW is not"
                + " set");
    assertThat(kafkaPassword.key()).isEqualTo("kafka.security.sasl.password_env");
    assertThat(kafkaPassword.problem()).isEqualTo("environment variable KAFKA_PW is not set");
    assertThat(
            config
                .credentialError(
                    new InvalidConfigException(null, 0, "opensearch.password_file", "cannot read"))
                .getMessage())
        .isEqualTo("vigil.yaml:10: opensearch.password_file: cannot read");
    // A key the file has no credential at keeps its key, in the file without a line.
    assertThat(
            config
                .credentialError(
                    new InvalidConfigException(null, 0, "opensearch.tls.ca_pem", "cannot load"))
                .getMessage())
        .isEqualTo("vigil.yaml: opensearch.tls.ca_pem: cannot load");
    assertThat(
            config
                .credentialError(new InvalidConfigException(null, 0, "", "something else"))
                .getMessage())
        .isEqualTo("vigil.yaml: something else");
  }

  @Test
  void valuesOutsideTheirSetAreQuotedAlike() {
    failsWith(
        "kafka:\n  security:\n    protocol: plain\n",
        3,
        "kafka.security.protocol",
        "must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got 'plain'");
    failsWith(
        "notify:\n  destinations:\n    d:\n      type: slak\n",
        4,
        "notify.destinations.d.type",
        "got 'slak'");
  }

  @Test
  void aFileThatIsNotUtf8NamesTheLineAndByte() throws Exception {
    Path file = dir.resolve("latin.yaml");
    Files.write(
        file, "job:\n  name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> VigilConfigLoader.load(file, "latin.yaml"))
        .hasMessage(
            "latin.yaml:2: not UTF-8 text (invalid byte 0xE9 at offset 16): save it as UTF-8");
  }
}
