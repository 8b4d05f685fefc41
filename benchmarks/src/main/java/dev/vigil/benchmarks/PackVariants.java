package dev.vigil.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleLoader;
import dev.vigil.rules.model.SigmaRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Packs of a given number of rules for the engine benchmark, drawn from three kinds: the built-in
 * pack, the upstream SigmaHQ cloud rules, and variants of the upstream rules, the way real packs
 * grow: a copy of a rule with its own id and other constants (every string value of its detection
 * gets a suffix, so an {@code eventName: StopLogging} becomes {@code StopLogging-v7}; values of
 * {@code re}, {@code cidr} and comparison modifiers stay).
 *
 * <p>Two compositions. {@link Composition#GROWN}: the built-in pack (its cross-source rules first),
 * then the upstream rules, then variants, cut at the size; so 10 rules are cross-source built-ins
 * only, and larger packs add rules of other kinds. {@link Composition#SAMPLED}: every size has the
 * mix of the 1000-rule grown pack (which it equals at 1000): each kind gets its share of the size
 * (at least one file of each), and within a kind the files are taken evenly spaced through its
 * list, so the per-rule cost of a small pack is that of the large one and the ratio of their
 * throughputs measures the number of rules, not a change in their kind.
 */
public final class PackVariants {

  /** How the rules of a pack are chosen. */
  public enum Composition {
    GROWN,
    SAMPLED
  }

  /** The size whose mix sampled packs reproduce. */
  static final int POPULATION = 1000;

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> KEPT_MODIFIERS =
      Set.of("re", "cidr", "lt", "lte", "gt", "gte", "exists", "fieldref", "expand");

  private PackVariants() {}

  /** A pack of exactly {@code size} rule documents (base rules and correlations). */
  public static RulePack of(int size, Path sigmaDir, Composition composition) throws RuleException {
    Kinds kinds = Kinds.load(sigmaDir, Math.max(size, POPULATION));
    if (composition == Composition.GROWN || size >= POPULATION) {
      return kinds.pack(grown(size, kinds));
    }
    return kinds.pack(sampled(size, kinds));
  }

  /** What a pack holds, by kind: {@code 3 built-in, 21 upstream, 76 variants}. */
  public static String describe(RulePack pack, Path sigmaDir) {
    String upstreamRoot = sigmaDir.toString().replace('\\', '/');
    int[] counts = new int[3];
    for (RuleFile file : pack.files()) {
      String name = file.file().replace('\\', '/');
      int kind = !name.startsWith(upstreamRoot) ? 0 : name.matches(".*-v[0-9]+\\.yml") ? 2 : 1;
      counts[kind] += file.documents().size();
    }
    return counts[0] + " built-in, " + counts[1] + " upstream, " + counts[2] + " variants";
  }

  /** The files of each kind, in order, with enough variants for a grown pack of {@code size}. */
  private record Kinds(
      RulePack builtIn,
      List<RuleFile> builtInFiles,
      List<RuleFile> upstream,
      List<RuleFile> variants) {

    static Kinds load(Path sigmaDir, int size) throws RuleException {
      RulePack builtIn = RulePack.builtIn();
      List<RuleFile> builtInFiles = new ArrayList<>(builtIn.files());
      // The cross-source rules (any/) first: the grown 10-rule pack is the built-in detections'
      // core.
      builtInFiles.sort((a, b) -> Boolean.compare(!isAny(a), !isAny(b)));
      List<RuleFile> upstream = RulePack.load(List.of(sigmaDir)).files();
      List<RuleFile> single =
          upstream.stream()
              .filter(f -> f.documents().size() == 1 && f.documents().get(0) instanceof SigmaRule)
              .toList();
      int needed = size - documents(builtInFiles) - documents(upstream);
      List<RuleFile> variants = new ArrayList<>();
      for (int variant = 1; variant <= needed; variant++) {
        variants.add(variant(single.get((variant - 1) % single.size()), variant));
      }
      return new Kinds(builtIn, builtInFiles, upstream, variants);
    }

    RulePack pack(List<RuleFile> files) {
      return new RulePack(files, builtIn.lists());
    }
  }

  private static List<RuleFile> grown(int size, Kinds kinds) {
    List<RuleFile> out = new ArrayList<>();
    int count = 0;
    for (List<RuleFile> kind : List.of(kinds.builtInFiles(), kinds.upstream(), kinds.variants())) {
      for (RuleFile file : kind) {
        if (count + file.documents().size() <= size) {
          out.add(file);
          count += file.documents().size();
        }
      }
    }
    if (count != size) {
      throw new IllegalArgumentException(
          "no pack of exactly " + size + " rules from these files (got " + count + ")");
    }
    return out;
  }

  /**
   * Each kind's share of the population's documents (largest remainders), at least one file each; a
   * kind whose whole files do not fill its share passes the rest on to the next kind.
   */
  private static List<RuleFile> sampled(int size, Kinds kinds) {
    List<List<RuleFile>> byKind = List.of(kinds.builtInFiles(), kinds.upstream(), kinds.variants());
    int[] quota =
        shares(
            size,
            byKind.stream().mapToInt(PackVariants::documents).toArray(),
            byKind.stream()
                .mapToInt(k -> k.stream().mapToInt(f -> f.documents().size()).min().orElse(0))
                .toArray());
    List<RuleFile> out = new ArrayList<>();
    int carried = 0;
    for (int k = 0; k < byKind.size(); k++) {
      int want = quota[k] + carried;
      int got = evenlySpaced(byKind.get(k), want, out);
      carried = want - got;
    }
    if (carried != 0) {
      throw new IllegalArgumentException("no sampled pack of exactly " + size + " rules");
    }
    return out;
  }

  /**
   * Shares of {@code size} proportional to {@code counts}, each at least its {@code minimum} (the
   * smallest file of the kind, so every kind is present); the largest share pays for the minimums.
   */
  private static int[] shares(int size, int[] counts, int[] minimum) {
    int total = IntStream.of(counts).sum();
    int[] quota = new int[counts.length];
    double[] remainder = new double[counts.length];
    int given = 0;
    int largestShare = 0;
    for (int k = 0; k < counts.length; k++) {
      double exact = (double) size * counts[k] / total;
      quota[k] = Math.max(minimum[k], (int) exact);
      remainder[k] = exact - (int) exact;
      given += quota[k];
      largestShare = counts[k] > counts[largestShare] ? k : largestShare;
    }
    quota[largestShare] -= Math.max(0, given - size);
    given = Math.min(given, size);
    while (given < size) {
      int largest = 0;
      for (int k = 1; k < counts.length; k++) {
        largest = remainder[k] > remainder[largest] ? k : largest;
      }
      quota[largest]++;
      remainder[largest] = -1;
      given++;
    }
    return quota;
  }

  /**
   * Adds to {@code out} files of {@code kind} taken evenly spaced through it (the middle of each of
   * {@code want} equal stretches, by documents), skipping a file that would exceed {@code want}
   * documents; returns the documents added.
   */
  private static int evenlySpaced(List<RuleFile> kind, int want, List<RuleFile> out) {
    int total = documents(kind);
    int count = 0;
    int position = 0;
    int point = 0;
    for (RuleFile file : kind) {
      int documents = file.documents().size();
      position += documents;
      boolean hit = false;
      while (point < want && (point + 0.5) * total / want < position) {
        point++;
        hit = true;
      }
      if (hit && count + documents <= want) {
        out.add(file);
        count += documents;
      }
    }
    return count;
  }

  private static int documents(List<RuleFile> files) {
    return files.stream().mapToInt(f -> f.documents().size()).sum();
  }

  private static boolean isAny(RuleFile file) {
    return file.file().replace('\\', '/').contains("/any/");
  }

  /** A copy of a single-rule file with its own id, title and detection constants. */
  static RuleFile variant(RuleFile original, int variant) throws RuleException {
    RuleDocument document = original.documents().get(0);
    try {
      ObjectNode rule =
          (ObjectNode)
              YAML.readTree(Files.readString(Path.of(original.file()), StandardCharsets.UTF_8));
      rule.put(
          "id",
          UUID.nameUUIDFromBytes((document.id() + "/" + variant).getBytes(StandardCharsets.UTF_8))
              .toString());
      rule.put("title", rule.path("title").asText() + " (variant " + variant + ")");
      rule.remove("name");
      ObjectNode detection = (ObjectNode) rule.get("detection");
      for (Iterator<Map.Entry<String, JsonNode>> it = detection.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> search = it.next();
        if (!search.getKey().equals("condition")) {
          search.setValue(suffixed(search.getValue(), "-v" + variant, true));
        }
      }
      return RuleLoader.load(
          original.file().replace(".yml", "-v" + variant + ".yml"), YAML.writeValueAsString(rule));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode suffixed(JsonNode node, String suffix, boolean editable) {
    if (node.isTextual()) {
      return editable ? TextNode.valueOf(node.asText() + suffix) : node;
    }
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, suffixed(array.get(i), suffix, editable));
      }
      return array;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        boolean kept =
            Stream.of(field.getKey().split("\\|")).skip(1).anyMatch(KEPT_MODIFIERS::contains);
        field.setValue(suffixed(field.getValue(), suffix, !kept));
      }
    }
    return node;
  }
}
