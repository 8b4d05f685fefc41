package dev.vigil.ingest.yaml;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

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
 * variable or file, never a value: {@code <key>: environment variable X is not set or empty}. So
 * that a secret pasted by mistake where a variable's name belongs is not echoed by that message (to
 * a terminal, or under systemd to the journal), a {@code *_env} value that is not an environment
 * variable's name (POSIX: letters, digits and underscores, not starting with a digit) is refused
 * without being shown.
 *
 * @param key the dotted key it was named by ({@code opensearch.password_env}), for messages
 * @param env an environment variable's name, or null
 * @param file a file's path (text, so the reference can travel to Flink task managers), or null
 */
public record SecretSource(String key, String env, String file) implements Serializable {

  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * @throws InvalidConfigException when {@code env} is not an environment variable's name (the
   *     message does not show it)
   */
  public SecretSource {
    if ((env == null) == (file == null)) {
      throw new IllegalArgumentException(key + ": a secret is an environment variable or a file");
    }
    if (env != null && !isVariableName(env)) {
      throw new InvalidConfigException(null, 0, key, notAVariableName(key));
    }
  }

  /** Whether {@code name} is a POSIX environment variable name. */
  private static boolean isVariableName(String name) {
    return VARIABLE_NAME.matcher(name).matches();
  }

  /**
   * Why the value of {@code key}, a {@code *_env} key, is refused when it is not a variable's name,
   * without the value: it may be the secret itself, pasted in the wrong place. The example name is
   * made from the key ({@code opensearch.password_env}: {@code VIGIL_OPENSEARCH_PASSWORD}).
   */
  static String notAVariableName(String key) {
    int lastDot = key.lastIndexOf('.');
    String name = key.substring(lastDot + 1).replaceFirst("_env$", "");
    String section = lastDot < 0 ? "" : key.substring(0, key.indexOf('.')) + "_";
    String example =
        ("VIGIL_" + section + name).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    return "not an environment variable name (its value is not shown, in case it is the secret"
        + " itself); give the variable's name, such as "
        + example;
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
