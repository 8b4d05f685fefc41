package dev.vigil.rules.yaml;

import dev.vigil.ingest.yaml.YamlDocument;
import dev.vigil.ingest.yaml.YamlTrees;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RuleException;
import java.util.List;

/**
 * Reads a multi-document YAML file into {@link YamlDocument}s that remember each node's line, with
 * its mistakes as the rule pipeline reports them: {@link RuleError}s of the file. The reading
 * itself (line of every node, duplicate keys and aliases refused) is {@link YamlTrees}, shared with
 * vigil.yaml and the mapping tables.
 */
public final class YamlReader {

  private YamlReader() {}

  public static List<YamlDocument> read(String file, String text) throws RuleException {
    try {
      return YamlTrees.read(text);
    } catch (YamlTrees.InvalidYamlException e) {
      throw new RuleException(
          e.problems().stream()
              .map(problem -> new RuleError(file, problem.line(), problem.message()))
              .toList());
    }
  }
}
