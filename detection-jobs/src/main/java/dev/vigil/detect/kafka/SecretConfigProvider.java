package dev.vigil.detect.kafka;

import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.ingest.yaml.SecretSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Reads vigil.yaml's Kafka credentials ({@code *_env}, {@code *_file}) where a Kafka client is
 * built, through Kafka's config providers: the client settings that travel in the job graph hold
 * {@code ${vigil:<encoding>:<key>=<variable or path>}}, and the client asks this provider for the
 * value when it starts, on the TaskManager (or the JobManager, for the source's enumerator). So a
 * serialized job graph, or a job-graph store of a highly available cluster, carries no password.
 *
 * <p>Why not Kafka's own {@code EnvVarConfigProvider} and {@code DirectoryConfigProvider}: they
 * leave a placeholder in place when the variable or file is missing (the client then logs in with
 * the placeholder as its password), they do not trim the newline a secret file written by {@code
 * echo} ends with, and a value substituted into {@code sasl.jaas.config} must be quoted for JAAS.
 * This provider resolves exactly as {@link SecretSource} does before the start, with its messages.
 *
 * <p>The key is the vigil.yaml key the secret was named by and its value ({@code
 * kafka.security.sasl.password_env=VIGIL_KAFKA_PASSWORD}): a key ending in {@code _env} names an
 * environment variable, one ending in {@code _file} a file. The encoding is {@value #TEXT}, the
 * value as it is, or {@value #JAAS}, quoted for a JAAS option value.
 */
public final class SecretConfigProvider implements ConfigProvider {

  /** The name the clients' {@code config.providers} give this provider. */
  static final String NAME = "vigil";

  static final String TEXT = "text";
  static final String JAAS = "jaas";

  private final Function<String, String> environment;

  /** What Kafka instantiates: secrets from this process's environment. */
  public SecretConfigProvider() {
    this(System::getenv);
  }

  SecretConfigProvider(Function<String, String> environment) {
    this.environment = environment;
  }

  /** The placeholder a client setting holds for {@code secret}, in {@code encoding}. */
  static String placeholder(SecretSource secret, String encoding) {
    if (secret.file() != null && secret.file().contains("}")) {
      // Kafka's placeholder ends at the first '}'.
      throw new InvalidConfigException(
          null, 0, secret.key(), "a secret file's path cannot contain '}' for the Kafka clients");
    }
    return "${"
        + NAME
        + ":"
        + encoding
        + ":"
        + secret.key()
        + "="
        + (secret.env() != null ? secret.env() : secret.file())
        + "}";
  }

  @Override
  public void configure(Map<String, ?> configs) {}

  /** Lists nothing: the keys are references, each asked for by name. */
  @Override
  public ConfigData get(String path) {
    return new ConfigData(Map.of());
  }

  @Override
  public ConfigData get(String encoding, Set<String> keys) {
    if (!TEXT.equals(encoding) && !JAAS.equals(encoding)) {
      throw new ConfigException("unknown encoding of a Vigil secret: " + encoding);
    }
    Map<String, String> values = new HashMap<>();
    for (String key : keys) {
      String value;
      try {
        value = reference(key).read(environment);
      } catch (InvalidConfigException e) {
        // Names the vigil.yaml key and the variable or file, never a value.
        throw new ConfigException(e.getMessage());
      }
      values.put(key, JAAS.equals(encoding) ? KafkaClientProperties.jaasQuoted(value) : value);
    }
    return new ConfigData(values);
  }

  private static SecretSource reference(String key) {
    int equals = key.indexOf('=');
    String name = equals < 0 ? "" : key.substring(0, equals);
    String where = key.substring(equals + 1);
    if (name.endsWith("_env")) {
      return new SecretSource(name, where, null);
    }
    if (name.endsWith("_file")) {
      return new SecretSource(name, null, where);
    }
    throw new ConfigException("not a reference to a Vigil secret: " + key);
  }

  @Override
  public void close() {}
}
