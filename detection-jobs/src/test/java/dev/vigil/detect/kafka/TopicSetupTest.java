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
        .hasMessageStartingWith(
            "cannot check or create the Kafka topics on no-such-host.invalid:9092: ")
        .hasMessageContaining("No resolvable bootstrap urls given in bootstrap.servers");
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
