package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka clients that cannot even be built are a message for the operator, not a crash. */
class TopicSetupTest {

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

  /** A topic whose Kafka sink is off is neither described nor warned about. */
  @Test
  void onlyTheTopicsWhoseKafkaSinkIsOnAreChecked() {
    VigilConfig config =
        VigilConfigLoader.parse(
            "vigil.yaml",
            """
            kafka:
              bootstrap_servers: kafka-1:9092
            sinks:
              kafka:
                alerts: false
                events: false
              files:
                directory: out
            """,
            dir);
    assertThat(TopicSetup.writtenTopics(config.kafka(), config.sinks()))
        .containsExactly("audit.deadletter");
    VigilConfig all =
        VigilConfigLoader.parse("vigil.yaml", "kafka:\n  bootstrap_servers: kafka-1:9092\n", dir);
    assertThat(TopicSetup.writtenTopics(all.kafka(), all.sinks()))
        .containsExactly("audit.events", "audit.deadletter", "audit.alerts");
  }

  @Test
  void brokersOnTransactionProtocolOneOrOlderGetNoWarning() {
    assertThat(TopicSetup.transactionVersionWarning("kafka-1:9092", (short) 1)).isEmpty();
    assertThat(TopicSetup.transactionVersionWarning("kafka-1:9092", (short) 0)).isEmpty();
  }
}
