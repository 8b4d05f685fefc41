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
import java.util.stream.Stream;

/**
 * Packs of a given number of rules for the engine benchmark: the built-in pack (its cross-source
 * rules first), then the upstream SigmaHQ rules, then variants of the upstream rules, the way real
 * packs grow: a copy of a rule with its own id and other constants (every string value of its
 * detection gets a suffix, so an {@code eventName: StopLogging} becomes {@code StopLogging-v7};
 * values of {@code re}, {@code cidr} and comparison modifiers stay).
 */
public final class PackVariants {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> KEPT_MODIFIERS =
      Set.of("re", "cidr", "lt", "lte", "gt", "gte", "exists", "fieldref", "expand");

  private PackVariants() {}

  /** A pack of exactly {@code size} rule documents (base rules and correlations). */
  public static RulePack of(int size, Path sigmaDir) throws RuleException {
    RulePack builtIn = RulePack.builtIn();
    List<RuleFile> builtInFiles = new ArrayList<>(builtIn.files());
    // The cross-source rules (any/) first: the 10-rule pack is the built-in detections' core.
    builtInFiles.sort((a, b) -> Boolean.compare(!isAny(a), !isAny(b)));
    List<RuleFile> upstream = RulePack.load(List.of(sigmaDir)).files();
    List<RuleFile> out = new ArrayList<>();
    int count = 0;
    for (RuleFile file : concat(builtInFiles, upstream)) {
      if (count + file.documents().size() > size) {
        continue;
      }
      out.add(file);
      count += file.documents().size();
    }
    List<RuleFile> single =
        upstream.stream()
            .filter(f -> f.documents().size() == 1 && f.documents().get(0) instanceof SigmaRule)
            .toList();
    for (int variant = 1; count < size; variant++) {
      RuleFile original = single.get((variant - 1) % single.size());
      out.add(variant(original, variant));
      count++;
    }
    if (count != size) {
      throw new IllegalArgumentException(
          "no pack of exactly " + size + " rules from these files (got " + count + ")");
    }
    return new RulePack(out, builtIn.lists());
  }

  private static boolean isAny(RuleFile file) {
    return file.file().replace('\\', '/').contains("/any/");
  }

  private static List<RuleFile> concat(List<RuleFile> a, List<RuleFile> b) {
    List<RuleFile> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
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
