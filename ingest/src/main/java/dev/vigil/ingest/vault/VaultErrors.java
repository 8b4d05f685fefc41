package dev.vigil.ingest.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code error} of a Vault audit entry, as a message and a stable code.
 *
 * <p>Vault writes the bare error on the request entry ({@code "permission denied"}) and, on the
 * response entry, the same error wrapped by Go's multierror ({@code "1 error occurred:\n\t*
 * permission denied\n\n"}). {@link #message} unwraps that, so both entries of one request carry the
 * same message. Vault has no error codes; {@link #code} names the families of Vault's own error
 * texts ({@code sdk/logical/error.go}, {@code vault/request_handling.go}) so rules and dashboards
 * can group by them. Any other error is {@code other}.
 */
final class VaultErrors {

  static final String PERMISSION_DENIED = "permission_denied";

  // Lower-case fragments of Vault's error texts and their codes; the first fragment found wins.
  private static final String[][] FAMILIES = {
    {"permission denied", PERMISSION_DENIED},
    {"invalid credentials", "invalid_credentials"},
    {"invalid username or password", "invalid_credentials"},
    {"invalid role id", "invalid_credentials"},
    {"invalid secret id", "invalid_credentials"},
    {"invalid role or secret id", "invalid_credentials"},
    {"missing client token", "missing_client_token"},
    {"wrapping token is not valid", "invalid_wrapping_token"},
    {"invalid token", "invalid_token"},
    {"bad token", "invalid_token"},
    {"vault is sealed", "sealed"},
    {"rate limit quota exceeded", "rate_limited"},
    {"upstream rate limited", "rate_limited"},
    {"lease count quota exceeded", "quota_exceeded"},
    {"request needs further approval", "approval_required"},
    {"unsupported path", "unsupported_path"},
    {"no handler for route", "unsupported_path"},
    {"unsupported operation", "unsupported_operation"},
    {"lease not found", "lease_not_found"},
    {"cannot write to readonly storage", "read_only"},
    {"invalid request", "invalid_request"},
  };

  private VaultErrors() {}

  /**
   * The error without Go's multierror wrapping: each wrapped error, joined by {@code "; "}. Null
   * for a null or blank error.
   */
  static String message(String error) {
    if (error == null || error.isBlank()) {
      return null;
    }
    String text = error.strip();
    int colon = text.indexOf(':');
    if (colon < 0 || !isMultierrorHeader(text.substring(0, colon))) {
      return text;
    }
    List<String> errors = new ArrayList<>();
    for (String line : text.substring(colon + 1).split("\n")) {
      String item = line.strip();
      if (item.startsWith("* ")) {
        errors.add(item.substring(2).strip());
      } else if (!item.isEmpty() && !errors.isEmpty()) {
        // A wrapped error that itself spans lines continues the previous item.
        int last = errors.size() - 1;
        errors.set(last, errors.get(last) + " " + item);
      }
    }
    return errors.isEmpty() ? text : String.join("; ", errors);
  }

  /** The code of an unwrapped error message (see the class comment); null for no error. */
  static String code(String message) {
    if (message == null) {
      return null;
    }
    String lower = message.toLowerCase(Locale.ROOT);
    for (String[] family : FAMILIES) {
      if (lower.contains(family[0])) {
        return family[1];
      }
    }
    return "other";
  }

  /** {@code "1 error occurred"}, {@code "3 errors occurred"}: go-multierror's first line. */
  private static boolean isMultierrorHeader(String head) {
    int space = head.indexOf(' ');
    if (space <= 0 || !head.substring(0, space).chars().allMatch(Character::isDigit)) {
      return false;
    }
    String rest = head.substring(space + 1);
    return rest.equals("error occurred") || rest.equals("errors occurred");
  }
}
