package dev.vigil.ingest.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * The canonical names of google.rpc.Code, the codes of {@code protoPayload.status.code}. Exporters
 * write the code as a number, a numeric string, or (protobuf JSON with enum names) its name.
 */
final class RpcCodes {

  static final int OK = 0;
  static final int PERMISSION_DENIED = 7;

  private static final List<String> NAMES =
      List.of(
          "OK",
          "CANCELLED",
          "UNKNOWN",
          "INVALID_ARGUMENT",
          "DEADLINE_EXCEEDED",
          "NOT_FOUND",
          "ALREADY_EXISTS",
          "PERMISSION_DENIED",
          "RESOURCE_EXHAUSTED",
          "FAILED_PRECONDITION",
          "ABORTED",
          "OUT_OF_RANGE",
          "UNIMPLEMENTED",
          "INTERNAL",
          "UNAVAILABLE",
          "DATA_LOSS",
          "UNAUTHENTICATED");

  private RpcCodes() {}

  /** The code of a status.code node; null when absent or not a code at all. */
  static Long codeOf(JsonNode code) {
    if (code == null || code.isMissingNode() || code.isNull()) {
      return null;
    }
    if (code.isIntegralNumber()) {
      return code.longValue();
    }
    if (code.isTextual()) {
      String text = code.textValue().trim();
      if (!text.isEmpty() && text.length() < 10 && text.chars().allMatch(Character::isDigit)) {
        return Long.parseLong(text);
      }
      int index = NAMES.indexOf(text.toUpperCase(Locale.ROOT));
      return index >= 0 ? (long) index : null;
    }
    return null;
  }

  /**
   * {@code PERMISSION_DENIED} for 7, ...; the number itself for a code google.rpc does not name.
   */
  static String nameOf(long code) {
    return code >= 0 && code < NAMES.size() ? NAMES.get((int) code) : Long.toString(code);
  }
}
