package dev.vigil.detect.kafka;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfig.Sasl;
import dev.vigil.detect.config.VigilConfig.Ssl;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.SecretSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The client settings every Vigil Kafka client shares: brokers, security, and the user's further
 * {@code client_properties}.
 *
 * <p>Credentials are not in them: their password-typed settings ({@code sasl.jaas.config}, {@code
 * ssl.*.password}) hold a placeholder that the client resolves where it is built, through {@link
 * SecretConfigProvider}, from the environment variable or file vigil.yaml names. These settings are
 * part of the Kafka source and sinks, which travel in the job graph to the cluster; with the
 * placeholders, the graph carries where each secret is, never its value, like the OpenSearch and
 * pager sinks. {@link #checkSecrets} reads each one once before the start, so a missing one is a
 * message at start rather than a failing task. Kafka's own config logging masks the resolved
 * values.
 */
public final class KafkaClientProperties {

  private KafkaClientProperties() {}

  public static Properties of(VigilConfig.Kafka kafka) {
    Properties properties = new Properties();
    properties.putAll(kafka.clientProperties());
    properties.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.setProperty(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, kafka.security().protocol());
    kafka.security().sasl().ifPresent(sasl -> sasl(sasl, properties));
    kafka.security().ssl().ifPresent(ssl -> ssl(ssl, properties));
    if (!secrets(kafka).isEmpty()) {
      properties.setProperty(AbstractConfig.CONFIG_PROVIDERS_CONFIG, SecretConfigProvider.NAME);
      properties.setProperty(
          AbstractConfig.CONFIG_PROVIDERS_CONFIG + "." + SecretConfigProvider.NAME + ".class",
          SecretConfigProvider.class.getName());
    }
    return properties;
  }

  /**
   * Reads every Kafka credential vigil.yaml names, as the clients will, and forgets it: the check
   * before the start.
   *
   * @throws InvalidConfigException naming the key and the variable or file, never a value, or a
   *     file whose path cannot be written into a client setting
   */
  public static void checkSecrets(VigilConfig.Kafka kafka, Function<String, String> environment) {
    for (SecretSource secret : secrets(kafka)) {
      secret.read(environment);
      SecretConfigProvider.placeholder(secret, SecretConfigProvider.TEXT);
    }
  }

  private static List<SecretSource> secrets(VigilConfig.Kafka kafka) {
    List<SecretSource> secrets = new ArrayList<>();
    kafka.security().sasl().ifPresent(sasl -> secrets.add(sasl.password()));
    kafka
        .security()
        .ssl()
        .ifPresent(
            ssl -> {
              ssl.truststorePassword().ifPresent(secrets::add);
              ssl.keystorePassword().ifPresent(secrets::add);
              ssl.keyPassword().ifPresent(secrets::add);
            });
    return secrets;
  }

  private static void sasl(Sasl sasl, Properties properties) {
    String module =
        sasl.mechanism().equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    properties.setProperty(SaslConfigs.SASL_MECHANISM, sasl.mechanism());
    properties.setProperty(
        SaslConfigs.SASL_JAAS_CONFIG,
        module
            + " required username=\""
            + jaasQuoted(sasl.username())
            + "\" password=\""
            + SecretConfigProvider.placeholder(sasl.password(), SecretConfigProvider.JAAS)
            + "\";");
  }

  private static void ssl(Ssl ssl, Properties properties) {
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
                    SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, placeholder(secret)));
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
                    SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, placeholder(secret)));
    ssl.keyPassword()
        .ifPresent(
            secret ->
                properties.setProperty(SslConfigs.SSL_KEY_PASSWORD_CONFIG, placeholder(secret)));
    properties.setProperty(
        SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
        ssl.endpointIdentification() ? "https" : "");
  }

  private static String placeholder(SecretSource secret) {
    return SecretConfigProvider.placeholder(secret, SecretConfigProvider.TEXT);
  }

  /** JAAS option values are double-quoted; a quote or backslash inside is escaped. */
  static String jaasQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
