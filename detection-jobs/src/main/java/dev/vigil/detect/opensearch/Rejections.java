package dev.vigil.detect.opensearch;

import org.opensearch.client.opensearch._types.ErrorCause;

/**
 * Words for OpenSearch's errors that are safe to log and to store in a dead letter's message.
 *
 * <p>OpenSearch quotes document content in some reasons ({@code Preview of field's value: '…'}, a
 * quoted id, a caused-by that repeats the value). The canonical fields carry no secret values by
 * contract, but {@code raw} does, and a message is read by more people than the document: the
 * description keeps the error types, and the reason with everything after a value preview cut and
 * every quoted span replaced by {@code '…'}. Field names and types, which OpenSearch writes in
 * brackets, stay: they are what a person needs to fix the mapping.
 */
final class Rejections {

  private static final String PREVIEW = "Preview of field's value";
  private static final int MAX_REASON = 300;

  private Rejections() {}

  static String describe(ErrorCause error) {
    if (error == null) {
      return "no error detail";
    }
    StringBuilder out = new StringBuilder(error.type());
    String reason = error.reason();
    if (reason != null && !reason.isBlank()) {
      out.append(": ").append(sanitize(reason));
    }
    ErrorCause cause = error.causedBy();
    if (cause != null && cause.type() != null) {
      out.append(" (caused by ").append(cause.type()).append(')');
    }
    return out.toString();
  }

  static String sanitize(String reason) {
    int preview = reason.indexOf(PREVIEW);
    String text = (preview >= 0 ? reason.substring(0, preview) : reason).trim();
    StringBuilder out = new StringBuilder(text.length());
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
          out.append("…").append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        out.append(c);
      } else {
        out.append(c);
      }
    }
    if (quote != 0) {
      out.append("…");
    }
    String result = out.toString();
    if (result.endsWith(".")) {
      result = result.substring(0, result.length() - 1);
    }
    return result.length() > MAX_REASON ? result.substring(0, MAX_REASON) + "…" : result;
  }
}
