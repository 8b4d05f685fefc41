package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfig.Sasl;
import dev.vigil.detect.config.VigilConfig.Ssl;
import dev.vigil.detect.notify.SecretRef;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The client settings every Vigil Kafka client shares: brokers, security, and the user's further
 * {@code client_properties}. Credentials are read from their environment variable or file here,
 * when a client is about to be built, and go only into Kafka's password-typed settings ({@code
 * sasl.jaas.config}, {@code ssl.*.password}), which Kafka's own config logging masks.
 */
public final class KafkaClientProperties {

  private KafkaClientProperties() {}

  public static Properties of(VigilConfig.Kafka kafka) {
    return of(kafka, System::getenv);
  }

  static Properties of(VigilConfig.Kafka kafka, Function<String, String> environment) {
    Properties properties = new Properties();
    properties.putAll(kafka.clientProperties());
    properties.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.setProperty(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, kafka.security().protocol());
    kafka.security().sasl().ifPresent(sasl -> sasl(sasl, properties, environment));
    kafka.security().ssl().ifPresent(ssl -> ssl(ssl, properties, environment));
    return properties;
  }

  private static void sasl(Sasl sasl, Properties properties, Function<String, String> environment) {
    String module =
        sasl.mechanism().equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    String password = sasl.password().resolve(environment).reveal();
    properties.setProperty(SaslConfigs.SASL_MECHANISM, sasl.mechanism());
    properties.setProperty(
        SaslConfigs.SASL_JAAS_CONFIG,
        module
            + " required username=\""
            + jaasQuoted(sasl.username())
            + "\" password=\""
            + jaasQuoted(password)
            + "\";");
  }

  private static void ssl(Ssl ssl, Properties properties, Function<String, String> environment) {
    ssl.truststore()
        .ifPresent(
            path -> {
              properties.setProperty(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, path.toString());
              properties.setProperty(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, ssl.truststoreType());
            });
    ssl.truststorePassword()
        .ifPresent(
            secret ->
                properties.setProperty(
                    SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, reveal(secret, environment)));
    ssl.keystore()
        .ifPresent(
            path -> {
              properties.setProperty(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, path.toString());
              properties.setProperty(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, ssl.keystoreType());
            });
    ssl.keystorePassword()
        .ifPresent(
            secret ->
                properties.setProperty(
                    SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, reveal(secret, environment)));
    ssl.keyPassword()
        .ifPresent(
            secret ->
                properties.setProperty(
                    SslConfigs.SSL_KEY_PASSWORD_CONFIG, reveal(secret, environment)));
    properties.setProperty(
        SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
        ssl.endpointIdentification() ? "https" : "");
  }

  private static String reveal(SecretRef secret, Function<String, String> environment) {
    return secret.resolve(environment).reveal();
  }

  /** JAAS option values are double-quoted; a quote or backslash inside is escaped. */
  static String jaasQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
