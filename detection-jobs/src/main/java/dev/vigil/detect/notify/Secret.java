package dev.vigil.detect.notify;

import dev.vigil.ingest.yaml.SecretSource;
import java.util.Objects;
import java.util.function.Function;

/**
 * A credential of a destination (PagerDuty routing key, webhook HMAC key, Slack webhook URL). Its
 * value leaves this object only through {@link #reveal()}, called where the value goes on the wire;
 * {@link #toString()} and {@link #mask(String)} keep it out of logs and error messages.
 */
public final class Secret {

  static final String MASK = "****";

  private final String value;
  private final String origin;

  private Secret(String value, String origin) {
    this.value = value;
    this.origin = origin;
  }

  /**
   * @param value the credential itself
   * @param origin where it came from, for messages (an environment variable's name or a file path)
   */
  public static Secret of(String value, String origin) {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("empty secret from " + origin);
    }
    return new Secret(value, origin);
  }

  /**
   * Reads the secret {@code source} names now.
   *
   * @throws dev.vigil.ingest.yaml.InvalidConfigException when the variable is unset or empty, or
   *     the file unreadable or empty; the message names the key and where it looked, never a value
   */
  public static Secret read(SecretSource source, Function<String, String> environment) {
    String origin = source.env() != null ? "env " + source.env() : "file " + source.file();
    return of(source.read(environment), origin);
  }

  public String reveal() {
    return value;
  }

  /** Where the value came from: {@code env VIGIL_PD_ROUTING_KEY} or {@code file /run/...}. */
  public String origin() {
    return origin;
  }

  /** The text with every occurrence of this secret replaced by {@value #MASK}. */
  public String mask(String text) {
    return text == null ? null : text.replace(value, MASK);
  }

  @Override
  public String toString() {
    return "Secret[" + MASK + " from " + origin + "]";
  }
}
