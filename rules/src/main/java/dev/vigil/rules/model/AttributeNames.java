package dev.vigil.rules.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.rules.RuleValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The top-level attributes a rule document may use, and the known one an unknown name was most
 * likely meant to be.
 *
 * <p>Why: Sigma allows custom attributes, so an unknown name cannot be an error by itself. But a
 * misspelled Vigil or Sigma attribute is silently ignored: a file with {@code test:} instead of
 * {@code tests:} validates and its tests never run, {@code supress:} alerts without suppression. So
 * a name that is not known but is close to one that is (differing only in case, {@code -} or {@code
 * _}, or, for names of four letters or more, by one edit, two from eight letters on) is taken for a
 * misspelling. Shorter names ({@code id}) match only exactly, or {@code uid} and {@code ip} would
 * be refused.
 *
 * <p>The known names are the top-level properties of the rule schema ({@link
 * RuleValidator#SCHEMA_RESOURCE}), so the schema stays the one list of them.
 */
final class AttributeNames {

  /** In the schema's order, so that a name close to two known ones gets the same suggestion. */
  private static final List<String> KNOWN = load();

  private AttributeNames() {}

  /** The known attribute {@code name} was probably meant to be; empty for known or custom names. */
  static Optional<String> misspelled(String name) {
    if (KNOWN.contains(name)) { // a dozen or so names: a list is as quick as a set
      return Optional.empty();
    }
    String folded = fold(name);
    for (String known : KNOWN) {
      int allowed = known.length() >= 8 ? 2 : known.length() >= 4 ? 1 : 0;
      if (fold(known).equals(folded) || NearNames.distance(name, known) <= allowed) {
        return Optional.of(known);
      }
    }
    return Optional.empty();
  }

  private static String fold(String name) {
    return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private static List<String> load() {
    try (InputStream in =
        AttributeNames.class.getClassLoader().getResourceAsStream(RuleValidator.SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RuleValidator.SCHEMA_RESOURCE + " is missing from the class path");
      }
      JsonNode properties = new ObjectMapper().readTree(in).path("properties");
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      if (names.isEmpty()) {
        throw new IllegalStateException(RuleValidator.SCHEMA_RESOURCE + " names no attributes");
      }
      return List.copyOf(names);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
