package dev.vigil.ingest.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vigil.ingest.spi.DurationSyntax;
import dev.vigil.ingest.spi.NearNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * One mapping of a configuration file (vigil.yaml, or one of its sections) while it is read: typed
 * getters for the value forms a user writes (text, paths, counts, sizes, durations, booleans, one
 * of a set, lists, secrets named by {@code _env}/{@code _file} as a {@link SecretSource}), and the
 * refusal of keys nobody reads, with a "did you mean" ({@link NearNames}).
 *
 * <p>Why one reader: every section of vigil.yaml used to have its own (the job's keys, {@code
 * notify:}, {@code opensearch:}), each with its own idea of a size, a count or an unknown key, and
 * each locating its mistakes differently, down to messages parsed back with a regular expression to
 * find their line. The sections' owners live in different modules (dashboards reads {@code
 * opensearch:}, detection-jobs the rest), so the reader lives here, in the module they all depend
 * on, and each owner reads its section from a {@code ConfigMapping} handed down by the file's
 * loader. Every mistake then reads the same: {@code <file>:<line>: <dotted.key>: <what is wrong and
 * what is allowed>}, as an {@link InvalidConfigException}.
 *
 * <p>How an error finds its line: the mapping remembers its place in the {@link YamlDocument} as a
 * JSON pointer ({@code /kafka/security}); an error about a key asks the document for the line of
 * that key's pointer, or of its nearest ancestor when the key is absent (a rule that a missing key
 * breaks is reported where its mapping starts). A mapping not read from a file ({@link #of}, e.g.
 * built from command-line flags) names only the dotted key, which its caller may turn into a flag.
 *
 * <p>Unknown keys: {@link #rejectUnknown()} at the end of a mapping refuses every key no getter
 * asked for, so the accepted keys cannot drift from the keys read; {@link #onlyKeys} refuses them
 * up front, for a mapping with rules between keys that a misspelled key would otherwise trip first
 * ({@code pasword_env} reported as "username needs a password").
 */
public final class ConfigMapping {

  private final String file;
  private final YamlDocument document;
  private final Path base;
  private final JsonNode node;
  private final String path;
  private final String pointer;
  private final Set<String> asked = new LinkedHashSet<>();

  private ConfigMapping(
      String file, YamlDocument document, Path base, JsonNode node, String path, String pointer) {
    this.file = file;
    this.document = document;
    this.base = base;
    this.node = node;
    this.path = path;
    this.pointer = pointer;
  }

  /**
   * The top mapping of a configuration file.
   *
   * @param file the file's name as the user typed it, for messages
   * @param base the directory relative paths ({@link #path}, secret files) are resolved against
   */
  public static ConfigMapping root(String file, YamlDocument document, Path base) {
    ConfigMapping root = new ConfigMapping(file, document, base, document.root(), "", "");
    if (!document.root().isObject()) {
      throw root.error("", "the file must be a mapping of keys, got " + describe(document.root()));
    }
    return root;
  }

  /**
   * A mapping read from no file, named {@code path} in messages ({@code opensearch}): errors carry
   * the dotted key but no file or line, and paths are taken as given.
   */
  public static ConfigMapping of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new InvalidConfigException(null, 0, path, "must be a mapping");
    }
    return new ConfigMapping(null, null, null, node, path, "");
  }

  /** The file's name as given to {@link #root}, or null. */
  public String file() {
    return file;
  }

  /** The dotted path of {@code name} in this mapping ({@code kafka.security.protocol}). */
  public String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** An error about the key {@code name} of this mapping (empty: this mapping itself). */
  public InvalidConfigException error(String name, String problem) {
    return name.isEmpty() ? errorAt(List.of(), problem) : errorAt(List.of(name), problem);
  }

  /** An error about a key nested below this mapping, given name by name. */
  public InvalidConfigException errorAt(List<String> names, String problem) {
    String at = pointer;
    String dotted = path;
    for (String name : names) {
      at = YamlDocument.child(at, name);
      dotted = dotted.isEmpty() ? name : dotted + "." + name;
    }
    return new InvalidConfigException(
        file, document == null ? 0 : document.lineOf(at), dotted, problem);
  }

  /** An error about a key below this mapping given by its dotted path ({@code bulk.max_bytes}). */
  public InvalidConfigException errorAtPath(String dottedPath, String problem) {
    return errorAt(List.of(dottedPath.split("\\.")), problem);
  }

  /**
   * Whether the file sets the key at {@code dottedPath} below this mapping: a rule between two keys
   * is reported at the one the user wrote, not at one that only has its default.
   */
  public boolean writes(String dottedPath) {
    JsonNode at = node;
    for (String name : dottedPath.split("\\.")) {
      at = at.get(name);
      if (at == null || at.isNull()) {
        return false;
      }
    }
    return true;
  }

  private JsonNode value(String name) {
    asked.add(name);
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  /** Whether {@code name} has a value; it becomes one of the keys this mapping accepts. */
  public boolean has(String name) {
    return value(name) != null;
  }

  /**
   * Whether the mapping holds {@code name} at all, even empty, for a key that is refused when
   * present (an inline secret): unlike {@link #has}, it does not make the key an accepted one, so
   * no "did you mean" ever suggests it.
   */
  public boolean holds(String name) {
    return node.has(name);
  }

  /**
   * The keys of this mapping in file order, each accepted: for a mapping of names the user picks.
   */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    asked.addAll(keys);
    return keys;
  }

  /** The child mapping, or an empty one when absent, so that its defaults apply. */
  public ConfigMapping section(String name) {
    JsonNode value = value(name);
    if (value != null && !value.isObject()) {
      throw error(name, "must be a mapping, got " + describe(value));
    }
    return new ConfigMapping(
        file,
        document,
        base,
        value != null ? value : JsonNodeFactory.instance.objectNode(),
        key(name),
        YamlDocument.child(pointer, name));
  }

  /** Text (a number is read as written); surrounding blanks are trimmed, empty is refused. */
  public String text(String name, String fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual() && !value.isNumber()) {
      throw error(name, "must be a string, got " + describe(value));
    }
    String text = value.asText().trim();
    if (text.isEmpty()) {
      throw error(name, "must not be empty");
    }
    return text;
  }

  /** A file or directory, resolved against the file's directory when relative; null when absent. */
  public String path(String name) {
    String text = text(name, null);
    if (text == null) {
      return null;
    }
    return base == null ? text : base.resolve(text).normalize().toString();
  }

  /** A whole number from {@code min} to {@code max}. */
  public int integer(String name, int fallback, int min, int max) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error(name, "must be a whole number, got " + describe(value));
    }
    int number = value.asInt();
    if (number < min || number > max) {
      throw error(
          name,
          (max == Integer.MAX_VALUE
                  ? "must be at least " + min
                  : "must be between " + min + " and " + max)
              + ", got "
              + number);
    }
    return number;
  }

  /**
   * A count of at least {@code min}, or the word {@code unbounded} (case-insensitive) for no limit,
   * returned as empty.
   */
  public OptionalInt countOrUnbounded(
      String name, OptionalInt fallback, int min, String unbounded) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (value.isTextual() && value.asText().trim().equalsIgnoreCase(unbounded)) {
      return OptionalInt.empty();
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min) {
      throw error(
          name,
          "must be a whole number of at least "
              + min
              + ", or "
              + unbounded
              + ", got "
              + describe(value));
    }
    return OptionalInt.of(value.asInt());
  }

  /** A size in bytes: a whole number of bytes, or one with a unit ({@code 512kb}, {@code 5mb}). */
  public long bytes(String name, long fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    long size;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      size = value.asLong();
    } else if (value.isTextual()) {
      size = size(value.asText());
    } else {
      size = -1;
    }
    if (size < 0) {
      throw error(
          name,
          "must be a size: a whole number of bytes, or one with a unit (100b, 512kb, 5mb, 1gb),"
              + " got "
              + describe(value));
    }
    if (size == 0) {
      throw error(name, "must be larger than zero, got " + describe(value));
    }
    return size;
  }

  /** The bytes {@code text} names, or -1 when it is not a size. */
  private static long size(String text) {
    String lower = text.trim().toLowerCase(Locale.ROOT);
    long factor = 1;
    String digits = lower;
    if (lower.endsWith("kb") || lower.endsWith("mb") || lower.endsWith("gb")) {
      factor =
          lower.endsWith("kb") ? 1024 : lower.endsWith("mb") ? 1024 * 1024 : 1024L * 1024 * 1024;
      digits = lower.substring(0, lower.length() - 2);
    } else if (lower.endsWith("b")) {
      digits = lower.substring(0, lower.length() - 1);
    }
    digits = digits.trim();
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 18) {
      return -1;
    }
    try {
      return Math.multiplyExact(Long.parseLong(digits), factor);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  /** {@code true} or {@code false} (YAML's {@code yes}/{@code no} read as them). */
  public boolean bool(String name, boolean fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw error(name, "must be true or false, got " + describe(value));
    }
    return value.asBoolean();
  }

  /** A duration in {@link DurationSyntax}; zero ({@code 0s}) only when allowed. */
  public Duration duration(String name, Duration fallback, boolean zeroAllowed) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual() && !value.isNumber()) {
      throw error(
          name, "must be a duration (" + DurationSyntax.EXAMPLES + "), got " + describe(value));
    }
    Duration span;
    try {
      span = DurationSyntax.parse(value.asText());
    } catch (IllegalArgumentException e) {
      throw error(name, e.getMessage());
    }
    if (span.isZero() && !zeroAllowed) {
      throw error(name, "must be longer than zero, got " + describe(value));
    }
    return span;
  }

  /** One of {@code choices} (case-insensitive, '-' and '_' alike), returned as listed. */
  public String choice(String name, String fallback, List<String> choices) {
    String text = text(name, null);
    if (text == null) {
      return fallback;
    }
    String normalized = text.toLowerCase(Locale.ROOT).replace('-', '_');
    for (String choice : choices) {
      if (choice.toLowerCase(Locale.ROOT).replace('-', '_').equals(normalized)) {
        return choice;
      }
    }
    throw error(name, "must be one of " + String.join(", ", choices) + ", got '" + text + "'");
  }

  /** A list of non-empty strings, trimmed. */
  public List<String> strings(String name, List<String> fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isArray()) {
      throw error(name, "must be a list of strings, got " + describe(value));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw error(name, "must be a list of non-empty strings");
      }
      out.add(item.asText().trim());
    }
    return List.copyOf(out);
  }

  /** A mapping of names to non-empty strings (numbers and booleans as written), in file order. */
  public Map<String, String> stringMap(String name, Map<String, String> fallback) {
    JsonNode value = value(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isObject()) {
      throw error(name, "must be a mapping of names to values, got " + describe(value));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode item = entry.getValue();
      if (!(item.isTextual() || item.isNumber() || item.isBoolean()) || item.asText().isBlank()) {
        throw errorAt(List.of(name, entry.getKey()), "must be a string, number or boolean");
      }
      out.put(entry.getKey(), item.asText().trim());
    }
    return out;
  }

  /**
   * A secret named by {@code <name>_env} or {@code <name>_file}, at most one of them; null when
   * neither is given. The source's key is the dotted key that named it ({@code
   * kafka.security.sasl.password_env}), its file resolved like every path of the file. A literal
   * {@code <name>} is refused without echoing it: values in a configuration file end up in
   * repositories and tickets; so is a {@code <name>_env} value that is not a variable's name (a
   * secret pasted in place of the name).
   */
  public SecretSource secret(String name) {
    if (holds(name)) {
      throw error(
          name,
          "secrets are not accepted inline; name an environment variable with "
              + name
              + "_env or a file with "
              + name
              + "_file");
    }
    String env = text(name + "_env", null);
    String secretFile = path(name + "_file");
    if (env != null && secretFile != null) {
      throw error(name + "_file", "give either " + name + "_env or " + name + "_file, not both");
    }
    if (env != null) {
      try {
        return new SecretSource(key(name + "_env"), env, null);
      } catch (InvalidConfigException e) {
        throw error(name + "_env", e.problem()); // not a variable's name: located here
      }
    }
    return secretFile == null ? null : new SecretSource(key(name + "_file"), null, secretFile);
  }

  /**
   * Refuses now any key outside {@code known}, which become the accepted keys: for a mapping whose
   * rules between keys a misspelled key would otherwise trip before {@link #rejectUnknown}.
   */
  public void onlyKeys(Collection<String> known) {
    asked.addAll(known);
    rejectUnknown();
  }

  /** Refuses the first key no getter asked for, with the accepted keys near it. */
  public void rejectUnknown() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!asked.contains(name)) {
        throw error(name, unknownKey(name, asked));
      }
    }
  }

  /**
   * What to say of a key nobody reads: the known keys near it ({@code unknown key; did you mean
   * 'interval'?}), or all of them when none is near, so a typo gets its fix and a guess its
   * options.
   */
  static String unknownKey(String typed, Collection<String> known) {
    if (known.isEmpty()) {
      return "unknown key; this mapping takes none";
    }
    List<String> suggestions = NearNames.near(typed, known);
    return suggestions.isEmpty()
        ? "unknown key; known keys here: " + String.join(", ", new TreeSet<>(known))
        : "unknown key; " + NearNames.didYouMean(suggestions);
  }

  /** A value as an error quotes it: text in quotes, numbers and booleans bare, or its kind. */
  private static String describe(JsonNode value) {
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.isTextual() ? "'" + value.asText() + "'" : value.asText();
  }
}
