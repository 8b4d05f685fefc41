package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.notify.NotifyConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

  @TempDir Path dir;

  private VigilConfig.Kafka kafka(String yaml) {
    return VigilConfigLoader.parse("vigil.yaml", yaml, dir).kafka();
  }

  @Test
  void plaintextNeedsNoCredentials() {
    Properties properties =
        KafkaClientProperties.of(
            kafka("kafka:\n  bootstrap_servers: k:9092\n  client_properties:\n    linger.ms: 10\n"),
            name -> null);
    assertThat(properties)
        .containsEntry("bootstrap.servers", "k:9092")
        .containsEntry("security.protocol", "PLAINTEXT")
        .containsEntry("linger.ms", "10")
        .doesNotContainKey("sasl.jaas.config");
  }

  @Test
  void saslReadsThePasswordFromTheEnvironmentIntoTheJaasConfig() {
    Properties properties =
        KafkaClientProperties.of(
            kafka(
                "kafka:\n  security:\n    protocol: SASL_SSL\n    sasl:\n      mechanism: PLAIN\n"
                    + "      username: vigil\n      password_env: VIGIL_KAFKA_PASSWORD\n"),
            Map.of("VIGIL_KAFKA_PASSWORD", "pa\"ss\n")::get);
    assertThat(properties)
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"vigil\" password=\"pa\\\"ss\";");
  }

  @Test
  void tlsStoresAndTheirPasswordsFromFiles() throws Exception {
    Path secret = dir.resolve("ts-pass");
    Files.writeString(secret, "changeit\n");
    Properties properties =
        KafkaClientProperties.of(
            kafka(
                "kafka:\n  security:\n    protocol: SSL\n    ssl:\n"
                    + "      truststore_path: /etc/ca.p12\n"
                    + "      truststore_password_file: "
                    + secret
                    + "\n      endpoint_identification: false\n"),
            name -> null);
    assertThat(properties)
        .containsEntry("ssl.truststore.location", "/etc/ca.p12")
        .containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("ssl.truststore.password", "changeit")
        .containsEntry("ssl.endpoint.identification.algorithm", "");
  }

  @Test
  void aMissingSecretNamesTheKeyAndVariableButNoValue() {
    VigilConfig.Kafka kafka =
        kafka(
            "kafka:\n  security:\n    protocol: SASL_PLAINTEXT\n    sasl:\n      username: v\n"
                + "      password_env: VIGIL_KAFKA_PASSWORD\n");
    assertThatThrownBy(() -> KafkaClientProperties.of(kafka, name -> null))
        .isInstanceOf(NotifyConfigException.class)
        .hasMessage(
            "kafka.security.sasl.password_env: environment variable VIGIL_KAFKA_PASSWORD is not"
                + " set or empty");
  }
}
