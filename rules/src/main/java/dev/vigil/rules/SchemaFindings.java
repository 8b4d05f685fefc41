package dev.vigil.rules;

import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import dev.vigil.ingest.yaml.YamlDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule schema's validation messages as an author should read them: one finding per mistake.
 *
 * <p>Why: for a value that may take one of several shapes ({@code suppress: 1h} or {@code suppress:
 * {period: 1h}}), the validator reports the failed {@code oneOf} and then why each shape failed: an
 * author who wrote the map with a bad period gets three lines, two of them about a shape they did
 * not choose ({@code object found, string expected}). So, per failed {@code oneOf}: when some
 * finding lies inside the value (the author chose a map or a list, and something in it is wrong),
 * only those are kept; when every shape failed on the value's type, their types are merged into one
 * finding ({@code integer found, string or object expected}). The validator writes a shape of
 * several types as a list ({@code object found, [string, number] expected}), which is merged too.
 */
final class SchemaFindings {

  /** A finding: where (a JSON pointer), what kind (the schema keyword), and the text. */
  record Finding(String pointer, String keyword, String text) {}

  private static final Pattern TYPE_MISMATCH = Pattern.compile("(\\S+) found, (.+) expected");

  private SchemaFindings() {}

  static List<Finding> of(Collection<ValidationMessage> messages) {
    List<Finding> all = new ArrayList<>();
    for (ValidationMessage message : messages) {
      String pointer = pointer(message.getInstanceLocation());
      if (message.getType().equals("additionalProperties") && message.getProperty() != null) {
        // At the unknown key's own line, where the loader reports a key it does not read too.
        pointer = YamlDocument.child(pointer, message.getProperty());
      }
      all.add(new Finding(pointer, message.getType(), text(message)));
    }
    List<Finding> kept = new ArrayList<>(all);
    for (Finding oneOf : all) {
      if (!oneOf.keyword().equals("oneOf")) {
        continue;
      }
      String at = oneOf.pointer();
      List<Finding> here = new ArrayList<>();
      boolean inside = false;
      for (Finding finding : all) {
        if (finding == oneOf) {
          continue;
        }
        if (finding.pointer().equals(at)) {
          here.add(finding);
        } else if (finding.pointer().startsWith(at + "/")) {
          inside = true;
        }
      }
      List<Finding> typeMismatches =
          here.stream().filter(f -> TYPE_MISMATCH.matcher(f.text()).matches()).toList();
      if (typeMismatches.isEmpty()) {
        continue; // not a choice of shapes (valid to more than one, say): keep the validator's text
      }
      kept.remove(oneOf);
      kept.removeAll(typeMismatches);
      if (!inside) {
        kept.add(new Finding(at, "type", merged(typeMismatches)));
      }
    }
    return kept;
  }

  /** {@code object found, string expected} and {@code object found, array expected}, as one. */
  private static String merged(List<Finding> typeMismatches) {
    String found = null;
    Set<String> expected = new LinkedHashSet<>();
    for (Finding finding : typeMismatches) {
      Matcher matcher = TYPE_MISMATCH.matcher(finding.text());
      if (matcher.matches()) {
        found = matcher.group(1);
        // A shape of several types reads "[string, number]": its types join the others.
        for (String type : matcher.group(2).replaceAll("^\\[|\\]$", "").split(", ")) {
          expected.add(type);
        }
      }
    }
    List<String> types = new ArrayList<>(expected);
    String last = types.remove(types.size() - 1);
    return found
        + " found, "
        + (types.isEmpty() ? "" : String.join(", ", types) + " or ")
        + last
        + " expected";
  }

  /** The message without the validator's own path prefix: the location is given separately. */
  private static String text(ValidationMessage message) {
    String text = message.getMessage();
    int colon = text.indexOf(": ");
    return text.startsWith("$") && colon > 0 ? text.substring(colon + 2) : text;
  }

  private static String pointer(JsonNodePath path) {
    StringBuilder pointer = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object element = path.getElement(i);
      pointer.append(
          element instanceof Integer index
              ? YamlDocument.child("", index)
              : YamlDocument.child("", String.valueOf(element)));
    }
    return pointer.toString();
  }
}
