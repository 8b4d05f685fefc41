package dev.vigil.ingest.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.event.Category;
import dev.vigil.event.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A per-source table that says which operations are secret access, policy changes and so on, kept
 * as YAML so that a user adds an operation without touching Java.
 *
 * <p>Design: an ordered list of rules, first match wins. A rule's {@code match} names keys the
 * parser supplies (Vault: {@code path}, {@code operation}, {@code mount_type}; CloudTrail: {@code
 * eventSource}, {@code eventName}; ...), each with one glob or a list of globs; all keys must
 * match, any glob of a key may. Globs are case-insensitive, {@code *} spans any characters
 * including {@code /}, {@code ?} is one character. The built-in table is {@code
 * mappings/<source>.yaml} on the classpath; a file of the same name in the directory named by the
 * system property {@code vigil.mappings.dir} (or env {@code VIGIL_MAPPINGS_DIR}) is read first, so
 * its rules take precedence. A rule's {@code target} (request fields naming what the operation
 * changed) is accepted in {@code cloudtrail.yaml} only, the one parser that reads it, so that a
 * user's {@code target} elsewhere is an error rather than silently ignored.
 */
public final class MappingTable {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> RULE_KEYS =
      Set.of("match", "category", "action", "ocsf_class_uid", "flags", "target", "note");

  /** The one table whose parser reads a rule's {@code target} (see {@link Mapping#target()}). */
  private static final String TARGET_TABLE = "cloudtrail.yaml";

  /** Every key some rule matches on; a lookup reads each from the caller's map once. */
  private final String[] keyNames;

  /** The rules in order, each key replaced by its index in {@link #keyNames}. */
  private final IndexedRule[] indexed;

  private MappingTable(List<Rule> rules) {
    Map<String, Integer> keyIndex = new LinkedHashMap<>();
    for (Rule rule : rules) {
      for (String key : rule.patterns().keySet()) {
        keyIndex.putIfAbsent(key, keyIndex.size());
      }
    }
    this.keyNames = keyIndex.keySet().toArray(String[]::new);
    this.indexed = rules.stream().map(rule -> rule.indexed(keyIndex)).toArray(IndexedRule[]::new);
  }

  /** The table for a source: the user's overrides, then the built-in rules. */
  public static MappingTable forSource(Source source) {
    String fileName = fileName(source);
    List<Rule> rules = new ArrayList<>();
    String overrideDir =
        Optional.ofNullable(System.getProperty("vigil.mappings.dir"))
            .orElse(System.getenv("VIGIL_MAPPINGS_DIR"));
    if (overrideDir != null && !overrideDir.isBlank()) {
      Path override = Path.of(overrideDir, fileName);
      if (Files.isRegularFile(override)) {
        try (InputStream in = Files.newInputStream(override)) {
          rules.addAll(parse(in, override.toString(), fileName.equals(TARGET_TABLE)));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read mapping table " + override, e);
        }
      }
    }
    String resource = "mappings/" + fileName;
    try (InputStream in = MappingTable.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in mapping table missing: " + resource);
      }
      rules.addAll(parse(in, resource, fileName.equals(TARGET_TABLE)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read mapping table " + resource, e);
    }
    return new MappingTable(rules);
  }

  /** A table from YAML text, for tests and tools. */
  public static MappingTable fromYaml(InputStream yaml, String name) throws IOException {
    return new MappingTable(parse(yaml, name, true));
  }

  public static String fileName(Source source) {
    return switch (source) {
      case VAULT -> "vault.yaml";
      case AWS_CLOUDTRAIL -> "cloudtrail.yaml";
      case AZURE_MONITOR -> "azure.yaml";
      case GCP_AUDIT -> "gcp.yaml";
    };
  }

  /**
   * The first rule all of whose keys match, or empty. Keys absent from {@code keys} never match.
   */
  public Optional<Mapping> lookup(Map<String, String> keys) {
    // A table has a few distinct keys but dozens of rules: reading each key from the map once,
    // rather than once per rule, took most of the time a lookup spent outside the globs.
    String[] values = new String[keyNames.length];
    for (int i = 0; i < keyNames.length; i++) {
      values[i] = keys.get(keyNames[i]);
    }
    for (IndexedRule rule : indexed) {
      if (rule.matches(values)) {
        return Optional.of(rule.mapping());
      }
    }
    return Optional.empty();
  }

  public int size() {
    return indexed.length;
  }

  private static List<Rule> parse(InputStream in, String name, boolean targetsRead)
      throws IOException {
    JsonNode root = YAML.readTree(in);
    JsonNode list = root == null ? null : root.get("rules");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException(name + ": a mapping table needs a top-level 'rules' list");
    }
    List<Rule> rules = new ArrayList<>();
    int index = 0;
    for (JsonNode node : list) {
      index++;
      String where = name + ", rule " + index;
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!RULE_KEYS.contains(key)) {
          throw new IllegalArgumentException(
              where + ": unknown key '" + key + "' (allowed: " + RULE_KEYS + ")");
        }
      }
      JsonNode match = node.get("match");
      if (match == null || !match.isObject() || match.isEmpty()) {
        throw new IllegalArgumentException(where + ": 'match' must be a non-empty map");
      }
      Map<String, List<Predicate<String>>> patterns = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        List<Predicate<String>> globs = new ArrayList<>();
        JsonNode value = entry.getValue();
        for (JsonNode glob : value.isArray() ? value : List.of(value)) {
          if (!glob.isValueNode() || glob.isNull()) {
            throw new IllegalArgumentException(
                where + ": match." + entry.getKey() + " must be a string or a list of strings");
          }
          globs.add(glob(glob.asText()));
        }
        patterns.put(entry.getKey(), globs);
      }
      String categoryName = node.path("category").asText("");
      Category category;
      try {
        category = Category.valueOf(categoryName);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where
                + ": category '"
                + categoryName
                + "' is not one of "
                + List.of(Category.values()));
      }
      String action = node.hasNonNull("action") ? node.get("action").asText() : null;
      JsonNode ocsfNode = node.path("ocsf_class_uid");
      if (!ocsfNode.isMissingNode() && !ocsfNode.isNull() && !ocsfNode.isInt()) {
        throw new IllegalArgumentException(where + ": 'ocsf_class_uid' must be an integer");
      }
      Integer ocsf = ocsfNode.isInt() ? ocsfNode.intValue() : null;
      Set<String> flags = new LinkedHashSet<>();
      JsonNode flagsNode = node.path("flags");
      if (!flagsNode.isMissingNode() && !flagsNode.isNull()) {
        if (!flagsNode.isArray()) {
          throw new IllegalArgumentException(where + ": 'flags' must be a list of strings");
        }
        for (JsonNode flag : flagsNode) {
          if (!flag.isTextual()) {
            throw new IllegalArgumentException(where + ": 'flags' must be a list of strings");
          }
          flags.add(flag.asText());
        }
      }
      List<String> target = strings(node.path("target"), where, "target");
      if (!target.isEmpty() && !targetsRead) {
        throw new IllegalArgumentException(
            where
                + ": 'target' is read from "
                + TARGET_TABLE
                + " only (CloudTrail request fields)");
      }
      rules.add(new Rule(patterns, new Mapping(category, action, ocsf, Set.copyOf(flags), target)));
    }
    return rules;
  }

  /** A string or a list of strings, as a list; empty when absent. */
  private static List<String> strings(JsonNode node, String where, String key) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (JsonNode value : node.isArray() ? node : List.of(node)) {
      if (!value.isTextual() || value.asText().isBlank()) {
        throw new IllegalArgumentException(
            where + ": '" + key + "' must be a string or a list of strings");
      }
      values.add(value.asText());
    }
    return List.copyOf(values);
  }

  /**
   * A matcher for one glob. Most globs in the tables are literals or prefixes ({@code
   * sys/policy*}); those are plain comparisons. The rest run a small backtracking matcher, several
   * times faster than a regex on these short strings (the regex engine showed as a quarter of Vault
   * normalize time). Other YAML tables of Vigil (the retention classes) use the same syntax through
   * this method.
   */
  public static Predicate<String> glob(String glob) {
    int star = glob.indexOf('*');
    if (glob.indexOf('?') < 0 && (star < 0 || star == glob.length() - 1)) {
      if (star < 0) {
        return value -> value.equalsIgnoreCase(glob);
      }
      String prefix = glob.substring(0, star);
      return value -> value.regionMatches(true, 0, prefix, 0, prefix.length());
    }
    char[] folded = new char[glob.length()];
    for (int i = 0; i < folded.length; i++) {
      folded[i] = fold(glob.charAt(i));
    }
    return value -> globMatches(folded, value);
  }

  /**
   * Whether the whole value matches: {@code *} any run of characters, {@code ?} one character.
   * Backtracks only to the last {@code *}, which is enough for globs (linear in practice).
   */
  private static boolean globMatches(char[] glob, String value) {
    int g = 0;
    int v = 0;
    int starAt = -1;
    int resumeAt = 0;
    while (v < value.length()) {
      if (g < glob.length && glob[g] == '*') {
        starAt = g++;
        resumeAt = v;
      } else if (g < glob.length && (glob[g] == '?' || glob[g] == fold(value.charAt(v)))) {
        g++;
        v++;
      } else if (starAt >= 0) {
        g = starAt + 1;
        v = ++resumeAt;
      } else {
        return false;
      }
    }
    while (g < glob.length && glob[g] == '*') {
      g++;
    }
    return g == glob.length;
  }

  /**
   * Case folding as {@link String#equalsIgnoreCase} does it, one character at a time. ASCII, all
   * that real keys hold, is folded directly: the two Unicode table lookups were most of the cost of
   * matching a glob.
   */
  private static char fold(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  private record Rule(Map<String, List<Predicate<String>>> patterns, Mapping mapping) {
    IndexedRule indexed(Map<String, Integer> keyIndex) {
      int[] keys = new int[patterns.size()];
      @SuppressWarnings("unchecked")
      Predicate<String>[][] globs = new Predicate[patterns.size()][];
      int i = 0;
      for (Map.Entry<String, List<Predicate<String>>> entry : patterns.entrySet()) {
        keys[i] = keyIndex.get(entry.getKey());
        globs[i] = entry.getValue().toArray(Predicate[]::new);
        i++;
      }
      return new IndexedRule(keys, globs, mapping);
    }
  }

  /**
   * A rule over the values of one lookup, by key index: all keys must match (an absent one never
   * does), any glob of a key may.
   */
  private record IndexedRule(int[] keys, Predicate<String>[][] globs, Mapping mapping) {
    boolean matches(String[] values) {
      for (int k = 0; k < keys.length; k++) {
        String value = values[keys[k]];
        if (value == null || !anyMatches(globs[k], value)) {
          return false;
        }
      }
      return true;
    }

    private static boolean anyMatches(Predicate<String>[] globs, String value) {
      for (Predicate<String> glob : globs) {
        if (glob.test(value)) {
          return true;
        }
      }
      return false;
    }
  }

  @Override
  public String toString() {
    return "MappingTable[" + indexed.length + " rules]";
  }
}
