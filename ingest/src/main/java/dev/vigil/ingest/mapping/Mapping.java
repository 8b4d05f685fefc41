package dev.vigil.ingest.mapping;

import dev.vigil.event.Category;
import java.util.List;
import java.util.Set;

/**
 * What a mapping table says about one operation. {@code action} and {@code ocsfClassUid} are null
 * when the rule leaves them to the parser; {@code flags} are source-specific markers a parser
 * documents in its table's header (for example {@code root_credential}); {@code target} lists the
 * request fields that name what the operation changed, most specific first (empty when the rule
 * names none; read by the CloudTrail parser, the only source whose records leave the target to the
 * request).
 */
public record Mapping(
    Category category,
    String action,
    Integer ocsfClassUid,
    Set<String> flags,
    List<String> target) {

  public Mapping(Category category, String action, Integer ocsfClassUid, Set<String> flags) {
    this(category, action, ocsfClassUid, flags, List.of());
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }
}
