package dev.vigil.dashboards.client;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a password lives: an environment variable or a file (e.g. a mounted Kubernetes secret). The
 * configuration holds this reference, never the value, so a configuration dump, a serialized job
 * graph or an argv carries no credential; the value is read where the connection is opened. A
 * file's content is trimmed of surrounding whitespace (files written by {@code echo} end with a
 * newline).
 *
 * @param key the configuration key it was named by, for messages ({@code opensearch.password_env})
 * @param env an environment variable's name, or null
 * @param file a file's path (as text, to stay serializable), or null
 */
public record PasswordSource(String key, String env, String file) implements Serializable {

  public static PasswordSource fromEnv(String key, String variable) {
    return new PasswordSource(key, variable, null);
  }

  public static PasswordSource fromFile(String key, Path file) {
    return new PasswordSource(key, null, file.toString());
  }

  /**
   * Reads the password now.
   *
   * @throws IllegalArgumentException when the variable is unset or empty, or the file unreadable or
   *     empty; the message names the variable or file, never a value
   */
  public char[] resolve(Function<String, String> environment) {
    if (env != null) {
      String value = environment.apply(env);
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(
            key + ": environment variable " + env + " is not set or empty");
      }
      return value.trim().toCharArray();
    }
    Path path = Path.of(file);
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw new IllegalArgumentException(key + ": password file " + file + " is empty");
      }
      return value.toCharArray();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          key + ": cannot read password file " + file + ": " + IoProblems.readProblem(path, e));
    }
  }

  @Override
  public String toString() {
    return env != null ? "env:" + env : "file:" + file;
  }
}
