package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka clients that cannot even be built are a message for the operator, not a crash; output
 * topics are read and checked only where their Kafka sink is on.
 */
class TopicSetupTest {

  private static final int MAX_REQUEST = OutputRecordLimits.MAX_REQUEST_BYTES;

  @TempDir Path dir;

  @Test
  void brokersWhoseNamesDoNotResolveAreNamedInTheMessage() {
    VigilConfig config =
        VigilConfigLoader.parse(
            "vigil.yaml", "kafka:\n  bootstrap_servers: no-such-host.invalid:9092\n", dir);

    assertThatThrownBy(() -> TopicSetup.ensureTopics(config.kafka(), config.sinks()))
        .isInstanceOf(TopicSetup.TopicSetupException.class)
        .hasMessage(
            "cannot reach the Kafka brokers at no-such-host.invalid:9092 (kafka.bootstrap_servers):"
                + " check that they are running and that their names resolve and answer from this"
                + " machine");
  }

  @Test
  void brokersThatDoNotAnswerGetTheSameLineAsNamesThatDoNotResolve() {
    // Nothing listens on port 9 of this machine: the client retries until its timeout.
    VigilConfig config =
        VigilConfigLoader.parse("vigil.yaml", "kafka:\n  bootstrap_servers: 127.0.0.1:9\n", dir);

    assertThatThrownBy(() -> TopicSetup.ensureTopics(config.kafka(), config.sinks()))
        .isInstanceOf(TopicSetup.TopicSetupException.class)
        .hasMessage(TopicSetup.unreachable("127.0.0.1:9"));
  }

  @Test
  void aTrustStoreThatDoesNotLoadIsNamedInTheMessage() {
    VigilConfig config =
        VigilConfigLoader.parse(
            "vigil.yaml",
            """
            kafka:
              bootstrap_servers: 127.0.0.1:9
              security:
                protocol: SSL
                ssl:
                  truststore_path: missing-ca.p12
            """,
            dir);

    assertThatThrownBy(() -> TopicSetup.ensureTopics(config.kafka(), config.sinks()))
        .isInstanceOf(TopicSetup.TopicSetupException.class)
        .hasMessageStartingWith("cannot check or create the Kafka topics on 127.0.0.1:9: ")
        .hasMessageContaining(dir.resolve("missing-ca.p12").toString());
  }

  @Test
  void brokersOnTransactionProtocolTwoGetOneLineNamingBothWaysOut() {
    assertThat(TopicSetup.transactionVersionWarning("kafka-1:9092", (short) 2))
        .hasValue(
            "the Kafka brokers at kafka-1:9092 run transaction.version 2, under which a job"
                + " restored from a checkpoint logs an already committed alert transaction as"
                + " fenced (a likely data loss) though it is not, hiding real losses; downgrade it"
                + " (kafka-features.sh --bootstrap-server kafka-1:9092 downgrade --feature"
                + " transaction.version=1) or set kafka.alerts_delivery: at_least_once");
  }

  @Test
  void anOutputTopicTakingSmallerRecordsThanTheJobWritesGetsOneLineNamingTheFix() {
    VigilConfig.Kafka kafka =
        VigilConfigLoader.parse("vigil.yaml", "kafka:\n  bootstrap_servers: kafka-1:9092\n", dir)
            .kafka();
    assertThat(TopicSetup.smallTopicWarning(kafka, "audit.events", 1_048_588, 9_437_184))
        .hasValue(
            "the topic audit.events takes records of at most 1048588 bytes (max.message.bytes),"
                + " fewer than the 9437184 Vigil writes: larger events go to audit.deadletter as"
                + " dead letters (reason TOO_LARGE_FOR_SINK); raise it with kafka-configs.sh"
                + " --bootstrap-server kafka-1:9092 --alter --entity-type topics --entity-name"
                + " audit.events --add-config max.message.bytes=9437184");
    assertThat(TopicSetup.smallTopicWarning(kafka, "audit.deadletter", 1_048_588, 9_437_184))
        .hasValueSatisfying(
            warning ->
                assertThat(warning)
                    .contains(
                        "Vigil writes: larger dead letters are written with their raw record cut"
                            + " to fit (reason TOO_LARGE_FOR_SINK)"));
    assertThat(TopicSetup.smallTopicWarning(kafka, "audit.events", 9_437_184, 9_437_184)).isEmpty();
  }

  /**
   * Alerts take a few kilobytes: Kafka's default 1 MiB is plenty, only a tiny topic is worth a
   * line.
   */
  @Test
  void theAlertsTopicIsWarnedAboutOnlyBelowTheLeastAnOutputTopicMayTake() {
    VigilConfig.Kafka kafka =
        VigilConfigLoader.parse("vigil.yaml", "kafka:\n  bootstrap_servers: kafka-1:9092\n", dir)
            .kafka();
    assertThat(TopicSetup.smallTopicWarning(kafka, "audit.alerts", 1_048_588, 9_437_184)).isEmpty();
    assertThat(
            TopicSetup.smallTopicWarning(
                kafka, "audit.alerts", OutputRecordLimits.MIN_RECORD_BYTES, 9_437_184))
        .isEmpty();
    assertThat(TopicSetup.smallTopicWarning(kafka, "audit.alerts", 32_768, 9_437_184))
        .hasValueSatisfying(
            warning ->
                assertThat(warning)
                    .contains(
                        "Vigil writes: larger alerts go to audit.deadletter as dead letters (reason"
                            + " TOO_LARGE_FOR_SINK)"));
  }

  /**
   * A topic whose Kafka sink is off is neither read nor checked: an events topic of 32 KiB, which
   * would stop the start were events written to it, does not when they are not.
   */
  @Test
  void aSmallTopicWhoseKafkaSinkIsOffIsNeitherReadNorRefused() throws Exception {
    VigilConfig.Kafka kafka = kafka();
    List<String> read = new ArrayList<>();
    List<String> warnings = new ArrayList<>();

    OutputRecordLimits limits =
        TopicSetup.outputLimits(
            kafka, sinks(false, true, true), Set.of(), reader(read), warnings::add);

    assertThat(read).containsExactly("audit.deadletter", "audit.alerts");
    assertThat(warnings)
        .as("the dead-letter topic's, at Kafka's default, and none for the events topic")
        .singleElement()
        .asString()
        .startsWith("the topic audit.deadletter takes records of at most 1048588 bytes");
    assertThat(limits.deadLetter())
        .isEqualTo(
            OutputRecordLimits.limit(
                MAX_REQUEST, OutputRecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES));
    assertThat(limits.alerts()).isEqualTo(OutputRecordLimits.limit(MAX_REQUEST, MAX_REQUEST));
  }

  /** The same topics with every Kafka sink on: the events topic stops the start. */
  @Test
  void aSmallTopicWhoseKafkaSinkIsOnStopsTheStart() {
    assertThatThrownBy(
            () ->
                TopicSetup.outputLimits(
                    kafka(),
                    sinks(true, true, true),
                    Set.of(),
                    reader(new ArrayList<>()),
                    warning -> {}))
        .isInstanceOf(TopicSetup.TopicSetupException.class)
        .hasMessage(
            "the topic audit.events on kafka-1:9092 takes records of at most 32768 bytes"
                + " (max.message.bytes), too few for Vigil's dead letters: give it at least 65536,"
                + " or better 9437184");
  }

  /** The dead-letter topic below what the producers send gets a warning only when written. */
  @Test
  void aTopicWhoseKafkaSinkIsOffGetsNoWarning() throws Exception {
    List<String> read = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    TopicSetup.outputLimits(
        kafka(), sinks(false, false, true), Set.of(), reader(read), warnings::add);
    assertThat(read).containsExactly("audit.alerts");
    assertThat(warnings).isEmpty();

    TopicSetup.outputLimits(
        kafka(), sinks(false, true, true), Set.of(), reader(read), warnings::add);
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith("the topic audit.deadletter takes records of at most 1048588 bytes");
  }

  /** A topic just created takes what it was created with, asked or not. */
  @Test
  void aTopicJustCreatedIsNotRead() throws Exception {
    List<String> read = new ArrayList<>();
    OutputRecordLimits limits =
        TopicSetup.outputLimits(
            kafka(), sinks(true, true, true), Set.of("audit.events"), reader(read), warning -> {});
    assertThat(read).containsExactly("audit.deadletter", "audit.alerts");
    assertThat(limits.events()).isEqualTo(OutputRecordLimits.limit(MAX_REQUEST, MAX_REQUEST));
  }

  @Test
  void theWrittenTopicsAreThoseWhoseKafkaSinkIsOn() {
    assertThat(TopicSetup.writtenTopics(kafka(), sinks(false, true, false)))
        .containsExactly("audit.deadletter");
    assertThat(TopicSetup.writtenTopics(kafka(), sinks(true, true, true)))
        .containsExactly("audit.events", "audit.deadletter", "audit.alerts");
  }

  private VigilConfig.Kafka kafka() {
    return VigilConfigLoader.parse("vigil.yaml", "kafka:\n  bootstrap_servers: kafka-1:9092\n", dir)
        .kafka();
  }

  private static VigilConfig.Sinks sinks(boolean events, boolean deadLetter, boolean alerts) {
    return new VigilConfig.Sinks(
        events, deadLetter, alerts, Optional.of("out"), VigilConfig.OpenSearchSinks.NONE);
  }

  /**
   * Brokers whose events topic takes 32 KiB, dead-letter topic Kafka's default and alerts topic
   * what the producers send; the topics asked about are added to {@code read}.
   */
  private static TopicSetup.TopicLimitReader reader(List<String> read) {
    Map<String, Integer> configured =
        Map.of(
            "audit.events",
            32_768,
            "audit.deadletter",
            OutputRecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
            "audit.alerts",
            MAX_REQUEST);
    return topics -> {
      read.addAll(topics);
      Map<String, Integer> limits = new LinkedHashMap<>();
      topics.forEach(topic -> limits.put(topic, configured.get(topic)));
      return limits;
    };
  }

  @Test
  void theTransactionProtocolMattersOnlyForExactlyOnceAlertsToKafka() throws Exception {
    TopicSetup.TransactionVersionReader versionTwo = () -> (short) 2;
    TopicSetup.TransactionVersionReader notToBeRead =
        () -> {
          throw new AssertionError("the brokers' transaction protocol was read");
        };

    VigilConfig exactlyOnce = VigilConfigLoader.parse("vigil.yaml", "", dir);
    assertThat(
            TopicSetup.transactionVersionWarning(
                exactlyOnce.kafka(), exactlyOnce.sinks(), versionTwo))
        .isPresent();
    VigilConfig alertsNotInKafka =
        VigilConfigLoader.parse(
            "vigil.yaml", "sinks:\n  kafka: {alerts: false}\n  files: {directory: out}\n", dir);
    assertThat(
            TopicSetup.transactionVersionWarning(
                alertsNotInKafka.kafka(), alertsNotInKafka.sinks(), notToBeRead))
        .isEmpty();
    VigilConfig atLeastOnce =
        VigilConfigLoader.parse("vigil.yaml", "kafka:\n  alerts_delivery: at_least_once\n", dir);
    assertThat(
            TopicSetup.transactionVersionWarning(
                atLeastOnce.kafka(), atLeastOnce.sinks(), notToBeRead))
        .isEmpty();
  }

  @Test
  void brokersOnTransactionProtocolOneOrOlderGetNoWarning() {
    assertThat(TopicSetup.transactionVersionWarning("kafka-1:9092", (short) 1)).isEmpty();
    assertThat(TopicSetup.transactionVersionWarning("kafka-1:9092", (short) 0)).isEmpty();
  }
}
