package dev.vigil.ingest.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.Category;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.ingest.yaml.YamlTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * mappings/<source>.yaml} on the classpath; a user's table of the same name ({@link
 * dev.vigil.ingest.NormalizerSettings}) is read first, so its rules take precedence.
 *
 * <p>Every table is checked against its source's {@link Schema} when it is read, with the file and
 * line of each mistake: a match key the parser does not supply, or a flag it does not read, would
 * never take effect, so it is an error rather than a rule that silently never matches. For the same
 * reason a rule's {@code target} (request fields naming what the operation changed) is accepted in
 * {@code cloudtrail.yaml} only, the one parser that reads it.
 */
public final class MappingTable {

  private static final List<String> RULE_KEYS =
      List.of("match", "category", "action", "ocsf_class_uid", "flags", "target", "note");

  /** The one table whose parser reads a rule's {@code target} (see {@link Mapping#target()}). */
  private static final String TARGET_TABLE = "cloudtrail.yaml";

  /** The built-in rules of each source, read once per JVM: they are immutable. */
  private static final Map<Source, List<Rule>> BUILT_IN = new ConcurrentHashMap<>();

  /**
   * What a source's table may say: the keys its parser supplies to {@link #lookup} and the flags it
   * reads from a {@link Mapping}; its parser declares it.
   *
   * @param source the source whose parser reads the table
   * @param matchKeys every key the parser may supply (a key absent from a record never matches)
   * @param flags every flag the parser reads, or documents
   */
  public record Schema(Source source, List<String> matchKeys, List<String> flags) {
    public Schema {
      matchKeys = List.copyOf(matchKeys);
      flags = List.copyOf(flags);
    }

    /** The table's file name, as built in and in an override directory. */
    public String fileName() {
      return MappingTable.fileName(source);
    }
  }

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

  /** The built-in table of a source. */
  public static MappingTable builtIn(Schema schema) {
    return new MappingTable(builtInRules(schema));
  }

  /**
   * A user's rules ahead of the built-in ones.
   *
   * @param name the user's file, as messages name it
   * @param text its content
   * @throws MappingTableException when the user's table has a mistake, with its file and line
   */
  public static MappingTable withOverride(Schema schema, String name, String text) {
    List<Rule> rules = new ArrayList<>(read(name, text, schema));
    rules.addAll(builtInRules(schema));
    return new MappingTable(rules);
  }

  /**
   * A table of these rules alone, without the built-in ones (tests of the table's semantics).
   *
   * @throws MappingTableException when the text has a mistake, with its file and line
   */
  static MappingTable of(Schema schema, String name, String text) {
    return new MappingTable(read(name, text, schema));
  }

  /**
   * Checks a user's table without building it: the mistakes {@link #withOverride} would throw.
   *
   * @throws MappingTableException at the first mistake, with its file and line
   */
  public static void check(Schema schema, String name, String text) {
    read(name, text, schema);
  }

  public static String fileName(Source source) {
    return switch (source) {
      case VAULT -> "vault.yaml";
      case AWS_CLOUDTRAIL -> "cloudtrail.yaml";
      case AZURE_MONITOR -> "azure.yaml";
      case GCP_AUDIT -> "gcp.yaml";
    };
  }

  private static List<Rule> builtInRules(Schema schema) {
    return BUILT_IN.computeIfAbsent(
        schema.source(),
        source -> {
          String resource = "mappings/" + fileName(source);
          try (InputStream in = MappingTable.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
              throw new IllegalStateException("built-in mapping table missing: " + resource);
            }
            return List.copyOf(
                read(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), schema));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read mapping table " + resource, e);
          }
        });
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

  /** The rules of one table's text, checked against {@code schema}. */
  private static List<Rule> read(String name, String text, Schema schema) {
    List<YamlDocument> documents;
    try {
      documents = YamlTrees.read(text);
    } catch (YamlTrees.InvalidYamlException e) {
      YamlTrees.Problem first = e.problems().get(0);
      throw new MappingTableException(name, first.line(), first.message());
    }
    if (documents.size() > 1) {
      throw new MappingTableException(
          name, documents.get(1).line(), "holds more than one YAML document");
    }
    if (documents.isEmpty() || !documents.get(0).root().isObject()) {
      throw new MappingTableException(
          name,
          documents.isEmpty() ? 0 : documents.get(0).line(),
          "a mapping table needs a top-level 'rules' list");
    }
    TableReader reader = new TableReader(name, documents.get(0), schema);
    return reader.rules();
  }

  /** Reads one document of a table, naming the line of each mistake. */
  private record TableReader(String name, YamlDocument document, Schema schema) {

    List<Rule> rules() {
      JsonNode root = document.root();
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!key.equals("rules")) {
          throw error(
              YamlDocument.child("", key),
              "unknown key '" + key + "'; a mapping table holds only a 'rules' list");
        }
      }
      JsonNode list = root.get("rules");
      if (list == null || !list.isArray()) {
        throw error("/rules", "a mapping table needs a top-level 'rules' list");
      }
      List<Rule> rules = new ArrayList<>();
      for (int index = 0; index < list.size(); index++) {
        rules.add(
            rule(list.get(index), YamlDocument.child("/rules", index), "rule " + (index + 1)));
      }
      return rules;
    }

    private Rule rule(JsonNode node, String at, String where) {
      if (!node.isObject()) {
        throw error(at, where + ": must be a mapping (match, category, ...)");
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!RULE_KEYS.contains(key)) {
          throw error(
              YamlDocument.child(at, key),
              where
                  + ": unknown key '"
                  + key
                  + "' (allowed: "
                  + String.join(", ", RULE_KEYS)
                  + ")"
                  + NearNames.suggestion(key, RULE_KEYS));
        }
      }
      Map<String, List<Predicate<String>>> patterns = match(node, at, where);
      Category category = category(node, at, where);
      String action = null;
      JsonNode actionNode = node.get("action");
      if (actionNode != null && !actionNode.isNull()) {
        if (!actionNode.isTextual() || actionNode.asText().isBlank()) {
          throw error(YamlDocument.child(at, "action"), where + ": 'action' must be a word");
        }
        action = actionNode.asText().trim();
      }
      Integer ocsf = null;
      JsonNode ocsfNode = node.get("ocsf_class_uid");
      if (ocsfNode != null && !ocsfNode.isNull()) {
        if (!ocsfNode.isIntegralNumber() || !ocsfNode.canConvertToInt()) {
          throw error(
              YamlDocument.child(at, "ocsf_class_uid"),
              where + ": 'ocsf_class_uid' must be an integer");
        }
        ocsf = ocsfNode.intValue();
      }
      JsonNode note = node.get("note");
      if (note != null && !note.isNull() && !note.isValueNode()) {
        throw error(YamlDocument.child(at, "note"), where + ": 'note' must be text");
      }
      return new Rule(
          patterns,
          new Mapping(category, action, ocsf, flags(node, at, where), target(node, at, where)));
    }

    private Map<String, List<Predicate<String>>> match(JsonNode node, String at, String where) {
      JsonNode match = node.get("match");
      String matchAt = YamlDocument.child(at, "match");
      if (match == null || !match.isObject() || match.isEmpty()) {
        throw error(
            match == null ? at : matchAt,
            where + ": 'match' must be a non-empty map of keys to globs");
      }
      Map<String, List<Predicate<String>>> patterns = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String key = entry.getKey();
        String keyAt = YamlDocument.child(matchAt, key);
        if (!schema.matchKeys().contains(key)) {
          throw error(
              keyAt,
              where
                  + ": match key '"
                  + key
                  + "' is not one the "
                  + schema.source()
                  + " parser supplies ("
                  + String.join(", ", schema.matchKeys())
                  + "), so the rule would never match"
                  + NearNames.suggestion(key, schema.matchKeys()));
        }
        JsonNode value = entry.getValue();
        List<Predicate<String>> globs = new ArrayList<>();
        for (JsonNode glob : value.isArray() ? value : List.of(value)) {
          if (!glob.isValueNode() || glob.isNull()) {
            throw error(keyAt, where + ": match." + key + " must be a string or a list of strings");
          }
          globs.add(glob(glob.asText()));
        }
        if (globs.isEmpty()) {
          throw error(keyAt, where + ": match." + key + " is an empty list, which nothing matches");
        }
        patterns.put(key, globs);
      }
      return patterns;
    }

    private Category category(JsonNode node, String at, String where) {
      JsonNode categoryNode = node.get("category");
      if (categoryNode == null || categoryNode.isNull()) {
        throw error(at, where + ": 'category' is required, one of " + List.of(Category.values()));
      }
      try {
        return Category.valueOf(categoryNode.asText());
      } catch (IllegalArgumentException e) {
        throw error(
            YamlDocument.child(at, "category"),
            where
                + ": category '"
                + categoryNode.asText()
                + "' is not one of "
                + List.of(Category.values())
                + NearNames.suggestion(
                    categoryNode.asText(),
                    Arrays.stream(Category.values()).map(Category::name).toList()));
      }
    }

    private Set<String> flags(JsonNode node, String at, String where) {
      JsonNode flagsNode = node.get("flags");
      if (flagsNode == null || flagsNode.isNull()) {
        return Set.of();
      }
      String flagsAt = YamlDocument.child(at, "flags");
      if (!flagsNode.isArray()) {
        throw error(flagsAt, where + ": 'flags' must be a list of strings");
      }
      Set<String> flags = new LinkedHashSet<>();
      for (int i = 0; i < flagsNode.size(); i++) {
        JsonNode flag = flagsNode.get(i);
        String flagAt = YamlDocument.child(flagsAt, i);
        if (!flag.isTextual()) {
          throw error(flagAt, where + ": 'flags' must be a list of strings");
        }
        if (!schema.flags().contains(flag.asText())) {
          throw error(
              flagAt,
              where
                  + ": flag '"
                  + flag.asText()
                  + "' is not one the "
                  + schema.source()
                  + " parser reads ("
                  + String.join(", ", schema.flags())
                  + ")"
                  + NearNames.suggestion(flag.asText(), schema.flags()));
        }
        flags.add(flag.asText());
      }
      return Set.copyOf(flags);
    }

    /** The request fields a rule's {@code target} names: a string or a list; empty when absent. */
    private List<String> target(JsonNode node, String at, String where) {
      JsonNode targetNode = node.get("target");
      if (targetNode == null || targetNode.isNull()) {
        return List.of();
      }
      String targetAt = YamlDocument.child(at, "target");
      if (!schema.fileName().equals(TARGET_TABLE)) {
        throw error(
            targetAt,
            where
                + ": 'target' is read from "
                + TARGET_TABLE
                + " only (CloudTrail request fields)");
      }
      List<String> fields = new ArrayList<>();
      for (JsonNode field : targetNode.isArray() ? targetNode : List.of(targetNode)) {
        if (!field.isTextual() || field.asText().isBlank()) {
          throw error(targetAt, where + ": 'target' must be a string or a list of strings");
        }
        fields.add(field.asText());
      }
      return List.copyOf(fields);
    }

    private MappingTableException error(String pointer, String problem) {
      return new MappingTableException(name, document.lineOf(pointer), problem);
    }
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
