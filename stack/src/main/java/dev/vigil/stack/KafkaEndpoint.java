package dev.vigil.stack;

/**
 * Where a running Kafka broker of the local stack answers.
 *
 * @param bootstrapServers the value for a client's {@code bootstrap.servers}, e.g. {@code
 *     127.0.0.1:9092}
 */
public record KafkaEndpoint(String bootstrapServers) {}
