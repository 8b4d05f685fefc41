package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.ingest.yaml.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

  private static final String PLAIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  @TempDir Path dir;

  private VigilConfig.Kafka kafka(String yaml) {
    return VigilConfigLoader.parse("vigil.yaml", yaml, dir).kafka();
  }

  @Test
  void plaintextNeedsNoCredentialsNorTheirProvider() {
    Properties properties =
        KafkaClientProperties.of(
            kafka(
                "kafka:\n  bootstrap_servers: k:9092\n  client_properties:\n    linger.ms: 10\n"));
    assertThat(properties)
        .containsEntry("bootstrap.servers", "k:9092")
        .containsEntry("security.protocol", "PLAINTEXT")
        .containsEntry("linger.ms", "10")
        .doesNotContainKey("sasl.jaas.config")
        .doesNotContainKey("config.providers");
  }

  @Test
  void theSaslPasswordIsReadByTheClientWhereItIsBuiltNotBefore() throws Exception {
    Path secret = dir.resolve("kafka-password");
    Files.writeString(secret, "pa\"ss\\word\n");
    Properties properties =
        KafkaClientProperties.of(
            kafka(
                "kafka:\n  security:\n    protocol: SASL_SSL\n    sasl:\n      mechanism: PLAIN\n"
                    + "      username: vigil\n      password_file: kafka-password\n"));

    String placeholder = "${vigil:jaas:kafka.security.sasl.password_file=" + secret + "}";
    assertThat(properties)
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry(
            "sasl.jaas.config",
            PLAIN_MODULE + " required username=\"vigil\" password=\"" + placeholder + "\";")
        .containsEntry("config.providers", "vigil")
        .containsEntry("config.providers.vigil.class", SecretConfigProvider.class.getName());
    assertThat(properties.toString()).doesNotContain("pa\"ss");
    // The real client resolves it, JAAS-quoted and trimmed of the file's newline.
    assertThat(producerConfig(properties).getPassword("sasl.jaas.config").value())
        .isEqualTo(PLAIN_MODULE + " required username=\"vigil\" password=\"pa\\\"ss\\\\word\";");
  }

  @Test
  void tlsStorePasswordsAreReadByTheClientToo() throws Exception {
    Path secret = dir.resolve("ts-pass");
    Files.writeString(secret, "changeit\n");
    Properties properties =
        KafkaClientProperties.of(
            kafka(
                "kafka:\n  security:\n    protocol: SSL\n    ssl:\n"
                    + "      truststore_path: /etc/ca.p12\n"
                    + "      truststore_password_file: "
                    + secret
                    + "\n      endpoint_identification: false\n"));
    assertThat(properties)
        .containsEntry("ssl.truststore.location", "/etc/ca.p12")
        .containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry(
            "ssl.truststore.password",
            "${vigil:text:kafka.security.ssl.truststore_password_file=" + secret + "}")
        .containsEntry("ssl.endpoint.identification.algorithm", "");
    assertThat(producerConfig(properties).getPassword("ssl.truststore.password").value())
        .isEqualTo("changeit");
  }

  @Test
  void theProviderReadsAnEnvironmentVariableAsTheCheckBeforeTheStartDoes() {
    SecretConfigProvider provider =
        new SecretConfigProvider(Map.of("VIGIL_KAFKA_PASSWORD", " pa\"ss\n")::get);
    String key = "kafka.security.sasl.password_env=VIGIL_KAFKA_PASSWORD";
    assertThat(provider.get("jaas", Set.of(key)).data()).containsEntry(key, "pa\\\"ss");
    assertThat(provider.get("text", Set.of(key)).data()).containsEntry(key, "pa\"ss");
  }

  @Test
  void aMissingSecretNamesTheKeyAndVariableButNoValueBeforeTheStartAndOnTheCluster() {
    VigilConfig.Kafka kafka =
        kafka(
            "kafka:\n  security:\n    protocol: SASL_PLAINTEXT\n    sasl:\n      username: v\n"
                + "      password_env: VIGIL_KAFKA_PASSWORD\n");
    String problem =
        "kafka.security.sasl.password_env: environment variable VIGIL_KAFKA_PASSWORD is not set"
            + " or empty";
    assertThatThrownBy(() -> KafkaClientProperties.checkSecrets(kafka, name -> null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(problem);
    assertThatThrownBy(
            () ->
                new SecretConfigProvider(name -> null)
                    .get("jaas", Set.of("kafka.security.sasl.password_env=VIGIL_KAFKA_PASSWORD")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(problem);
  }

  /**
   * Kafka's placeholder ends at the first '}': such a path is a mistake of the file, at its line.
   */
  @Test
  void aSecretFileWhosePathTheClientsCannotTakeIsRefusedAtItsKey() throws Exception {
    Files.writeString(dir.resolve("pass}word"), "x\n");
    VigilConfig config =
        VigilConfigLoader.parse(
            "vigil.yaml",
            "kafka:\n  security:\n    protocol: SASL_PLAINTEXT\n    sasl:\n      username: v\n"
                + "      password_file: pass}word\n",
            dir);
    assertThatThrownBy(() -> KafkaClientProperties.checkSecrets(config.kafka(), name -> null))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(config.credentialError(e).getMessage())
                    .isEqualTo(
                        "vigil.yaml:6: kafka.security.sasl.password_file: a secret file's path"
                            + " cannot contain '}' for the Kafka clients"));
  }

  @Test
  void aPresentSecretPassesTheCheck() {
    KafkaClientProperties.checkSecrets(
        kafka(
            "kafka:\n  security:\n    protocol: SASL_PLAINTEXT\n    sasl:\n      username: v\n"
                + "      password_env: VIGIL_KAFKA_PASSWORD\n"),
        Map.of("VIGIL_KAFKA_PASSWORD", "x")::get);
  }

  /**
   * Kafka 4 instantiates a config provider only if the JVM's {@code
   * org.apache.kafka.automatic.config.providers} allows it, when that property is set (unset, it
   * allows any): a cluster that sets it must list Vigil's.
   */
  @Test
  void aJvmThatRestrictsConfigProvidersMustListVigils() throws Exception {
    Path secret = dir.resolve("ts-pass");
    Files.writeString(secret, "changeit");
    Properties properties =
        KafkaClientProperties.of(
            kafka(
                "kafka:\n  security:\n    protocol: SSL\n    ssl:\n"
                    + "      truststore_path: /etc/ca.p12\n"
                    + "      truststore_password_file: ts-pass\n"));
    String property = "org.apache.kafka.automatic.config.providers";
    String before = System.getProperty(property);
    try {
      System.setProperty(property, "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
      assertThatThrownBy(() -> producerConfig(properties))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(SecretConfigProvider.class.getName())
          .hasMessageContaining(property);
      System.setProperty(
          property,
          "org.apache.kafka.common.config.provider.EnvVarConfigProvider,"
              + SecretConfigProvider.class.getName());
      assertThat(producerConfig(properties).getPassword("ssl.truststore.password").value())
          .isEqualTo("changeit");
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }

  /** The settings as a Kafka producer reads them, config providers applied. */
  private static ProducerConfig producerConfig(Properties properties) {
    Properties producer = new Properties();
    producer.putAll(properties);
    producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new ProducerConfig(producer);
  }
}
