package dev.vigil.ingest.yaml;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a secret lives, as a configuration names it with {@code <name>_env} (an environment
 * variable) or {@code <name>_file} (a file, e.g. a mounted Kubernetes secret): what {@link
 * ConfigMapping#secret} returns, and what every section keeps in place of the value (OpenSearch's
 * passwords, the destinations' keys, Kafka's passwords). So a configuration dump, a serialized job
 * graph or an argv carries no credential; the value is read where it is used, on the machine that
 * uses it. A file's content is trimmed of surrounding whitespace (files written by {@code echo} end
 * with a newline).
 *
 * <p>A missing or unreadable secret is an {@link InvalidConfigException} naming the key and the
 * variable or file, never a value: {@code <key>: environment variable X is not set or empty}.
 *
 * @param key the dotted key it was named by ({@code opensearch.password_env}), for messages
 * @param env an environment variable's name, or null
 * @param file a file's path (text, so the reference can travel to Flink task managers), or null
 */
public record SecretSource(String key, String env, String file) implements Serializable {

  public SecretSource {
    if ((env == null) == (file == null)) {
      throw new IllegalArgumentException(key + ": a secret is an environment variable or a file");
    }
  }

  /**
   * Reads the secret now; its file is called a "secret file" in messages.
   *
   * @throws InvalidConfigException when the variable is unset or empty, or the file unreadable or
   *     empty
   */
  public String read(Function<String, String> environment) {
    return read(environment, "secret file");
  }

  /**
   * Reads a password now, as chars the caller can wipe once used; its file is called a "password
   * file" in messages, as OpenSearch's passwords always were.
   *
   * @throws InvalidConfigException as {@link #read(Function)} does
   */
  public char[] readPassword(Function<String, String> environment) {
    return read(environment, "password file").toCharArray();
  }

  private String read(Function<String, String> environment, String fileNoun) {
    if (env != null) {
      String value = environment.apply(env);
      if (value == null || value.isBlank()) {
        throw problem("environment variable " + env + " is not set or empty");
      }
      return value.trim();
    }
    Path path = Path.of(file);
    String value;
    try {
      value = Files.readString(path, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw problem(
          "cannot read " + fileNoun + " " + file + ": " + IoProblems.readProblem(path, e));
    }
    if (value.isEmpty()) {
      throw problem(fileNoun + " " + file + " is empty");
    }
    return value;
  }

  /** Without a file or line: the secret is read long after its file was, maybe on another host. */
  private InvalidConfigException problem(String problem) {
    return new InvalidConfigException(null, 0, key, problem);
  }

  @Override
  public String toString() {
    return env != null ? "env:" + env : "file:" + file;
  }
}
