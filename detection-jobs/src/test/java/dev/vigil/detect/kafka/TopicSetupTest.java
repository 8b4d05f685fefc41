package dev.vigil.detect.kafka;

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

    assertThatThrownBy(() -> TopicSetup.ensureTopics(config.kafka()))
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

    assertThatThrownBy(() -> TopicSetup.ensureTopics(config.kafka()))
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

    assertThatThrownBy(() -> TopicSetup.ensureTopics(config.kafka()))
        .isInstanceOf(TopicSetup.TopicSetupException.class)
        .hasMessageStartingWith("cannot check or create the Kafka topics on 127.0.0.1:9: ")
        .hasMessageContaining(dir.resolve("missing-ca.p12").toString());
  }
}
