package dev.vigil.ingest.mapping;

import dev.vigil.event.Category;
import java.util.Set;

/**
 * What a mapping table says about one operation. {@code action} and {@code ocsfClassUid} are null
 * when the rule leaves them to the parser; {@code flags} are source-specific markers a parser
 * documents in its table's header (for example {@code root_credential}).
 */
public record Mapping(Category category, String action, Integer ocsfClassUid, Set<String> flags) {

  public boolean has(String flag) {
    return flags.contains(flag);
  }
}
