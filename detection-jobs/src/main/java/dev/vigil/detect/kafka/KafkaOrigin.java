package dev.vigil.detect.kafka;

/**
 * The origin of a record read from Kafka, {@code kafka:<topic>/<partition>@<offset>}: the form of
 * {@code AuditEvent.origin} and {@code DeadLetter.origin} that lets an analyst fetch the exact raw
 * record again. Topic names cannot contain '/' or '@', so the form parses back unambiguously.
 */
public record KafkaOrigin(String topic, int partition, long offset) {

  static final String PREFIX = "kafka:";

  public static String format(String topic, int partition, long offset) {
    return PREFIX + topic + '/' + partition + '@' + offset;
  }

  /** Reads an origin back; envelope members ({@code ...@12#3}) give their record's position. */
  public static KafkaOrigin parse(String origin) {
    int slash = origin.lastIndexOf('/');
    int at = origin.indexOf('@', slash + 1);
    if (!origin.startsWith(PREFIX) || slash < PREFIX.length() + 1 || at < 0) {
      throw new IllegalArgumentException("not a Kafka origin: " + origin);
    }
    int member = origin.indexOf('#', at);
    String offset = member < 0 ? origin.substring(at + 1) : origin.substring(at + 1, member);
    try {
      return new KafkaOrigin(
          origin.substring(PREFIX.length(), slash),
          Integer.parseInt(origin.substring(slash + 1, at)),
          Long.parseLong(offset));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a Kafka origin: " + origin, e);
    }
  }

  @Override
  public String toString() {
    return format(topic, partition, offset);
  }
}
