package dev.vigil.rules.engine;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;

/**
 * The JSON text of a list of strings, as Jackson's {@code ObjectMapper.writeValueAsString} writes
 * it ({@code ["a",null,"b"]}: no spaces, Jackson's escapes), without a generator and serializer
 * provider per call. Correlation group keys (part of alert ids) and the JSON text matchers compare
 * lists against are built once or more per event; the text must stay what Jackson writes.
 */
final class JsonArrays {

  private JsonArrays() {}

  /** Whether {@link #ofStrings} can write the list: its items are all strings or null. */
  static boolean allStrings(List<?> list) {
    for (int i = 0, n = list.size(); i < n; i++) {
      Object item = list.get(i);
      if (item != null && !(item instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** The JSON array of the strings (null items as {@code null}); see {@link #allStrings}. */
  static String ofStrings(List<?> strings) {
    StringBuilder out = new StringBuilder(2 + 16 * strings.size()).append('[');
    for (int i = 0, n = strings.size(); i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      String item = (String) strings.get(i);
      if (item == null) {
        out.append("null");
      } else {
        out.append('"');
        appendEscaped(item, out);
        out.append('"');
      }
    }
    return out.append(']').toString();
  }

  private static void appendEscaped(String text, StringBuilder out) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        // Rare: Jackson's own quoting, so the escapes are exactly its generator's.
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return;
      }
    }
    out.append(text);
  }
}
