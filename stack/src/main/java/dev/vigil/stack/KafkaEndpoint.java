package dev.vigil.stack;

import java.util.Optional;

/**
 * Where a running Kafka broker of the local stack answers.
 *
 * @param bootstrapServers the value for a client's {@code bootstrap.servers}, e.g. {@code
 *     127.0.0.1:9092}
 * @param saslPlain the listener that takes SASL/PLAIN logins, when the stack runs one ({@link
 *     StackConfig#kafkaSaslPort})
 */
public record KafkaEndpoint(String bootstrapServers, Optional<SaslPlain> saslPlain) {

  /**
   * A {@code SASL_PLAINTEXT} listener and the one user it knows: a fixed test login on loopback,
   * for tests of clients that authenticate.
   *
   * @param bootstrapServers the value for a client's {@code bootstrap.servers}
   */
  public record SaslPlain(String bootstrapServers, String username, String password) {}
}
