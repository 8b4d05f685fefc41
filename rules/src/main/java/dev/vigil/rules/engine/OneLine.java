package dev.vigil.rules.engine;

/**
 * Values from audit records shown on one line of text a person reads: an alert summary, a rule
 * test's explanation. Line breaks become spaces, and a long value is cut with an ellipsis, never
 * between the two halves of a surrogate pair (a halved pair would reach JSON as a lone escape and
 * Avro as '?').
 */
public final class OneLine {

  private OneLine() {}

  /** {@code value} on one line, its start kept when longer than {@code max} characters. */
  public static String cutEnd(String value, int max) {
    String flat = flat(value);
    if (flat.length() <= max) {
      return flat;
    }
    return flat.substring(0, pairSafe(flat, max - 1)) + "…";
  }

  /**
   * {@code value} on one line, cut in its middle when longer than {@code max} characters: a third
   * of them from its start, the rest from its end. For identifiers (resource ids, ARNs, paths),
   * whose start names the scope and whose end the thing itself.
   */
  public static String cutMiddle(String value, int max) {
    String flat = flat(value);
    if (flat.length() <= max) {
      return flat;
    }
    int head = max / 3;
    int tail = flat.length() - (max - head - 1);
    if (Character.isLowSurrogate(flat.charAt(tail))) {
      tail++;
    }
    head = pairSafe(flat, head);
    return flat.substring(0, head) + "…" + flat.substring(tail);
  }

  private static String flat(String value) {
    return value.replace('\n', ' ').replace('\r', ' ');
  }

  /** {@code end}, or one less when the character before it starts a surrogate pair. */
  private static int pairSafe(String text, int end) {
    return end > 0 && Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end;
  }
}
