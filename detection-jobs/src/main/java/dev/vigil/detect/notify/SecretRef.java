package dev.vigil.detect.notify;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a secret lives: an environment variable or a file, as the configuration names it ({@code
 * routing_key_env: VIGIL_PD_ROUTING_KEY} or {@code routing_key_file: /run/secrets/pd}). The
 * configuration holds the reference, never the value, so a config dump or an argv never carries a
 * credential. A file's content is trimmed of surrounding whitespace (files written by {@code echo}
 * end with a newline).
 *
 * @param key the configuration key it was read from, for error messages
 * @param env the environment variable's name, or null
 * @param file the file's path (text, so the reference can travel to Flink task managers), or null
 */
public record SecretRef(String key, String env, String file) implements Serializable {

  /** Reads the value now; a missing variable or unreadable file is a configuration error. */
  public Secret resolve(Function<String, String> environment) {
    if (env != null) {
      String value = environment.apply(env);
      if (value == null || value.isBlank()) {
        throw new NotifyConfigException(
            key, "environment variable " + env + " is not set or empty");
      }
      return Secret.of(value.trim(), "env " + env);
    }
    Path path = Path.of(file);
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw new NotifyConfigException(key, "secret file " + file + " is empty");
      }
      return Secret.of(value, "file " + file);
    } catch (IOException e) {
      throw new NotifyConfigException(
          key, "cannot read secret file " + file + ": " + IoProblems.readProblem(path, e));
    }
  }

  @Override
  public String toString() {
    return env != null ? key + "=env:" + env : key + "=file:" + file;
  }
}
