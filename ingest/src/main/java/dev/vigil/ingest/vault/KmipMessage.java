package dev.vigil.ingest.vault;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;

/**
 * What a Vault {@code kmip-request}/{@code kmip-response} entry says about the KMIP operation and
 * its result, decoded from the TTLV-as-JSON message that Vault logs under {@code
 * request.data.kmip_request} and {@code response.data.kmip_response}.
 *
 * <p>Design: only protocol enumerations are read (the batch items' {@code Operation}, {@code
 * ResultStatus} and {@code ResultReason}) and turned into names from the KMIP specification, so no
 * payload value (key material, attributes, identifiers) ever reaches the event. The walk is bounded
 * to the message's own batch items: a hostile or odd message costs a few node visits. Enumeration
 * values arrive as hex strings ({@code "0x0000000a"}), integers or names; all three are accepted.
 *
 * @param operation snake_case name of the first batch item's operation ({@code get}, {@code
 *     discover_versions}), {@code 0x..} for a code the specification does not name, or null
 * @param status {@code success}, {@code operation_failed}, {@code operation_pending}, {@code
 *     operation_undone}: the worst over the batch items; null when no item has a result status
 * @param reason snake_case name of the failing item's result reason ({@code permission_denied}), or
 *     null
 */
record KmipMessage(String operation, String status, String reason) {

  static final String SUCCESS = "success";
  static final String FAILED = "operation_failed";
  static final String PENDING = "operation_pending";
  static final String UNDONE = "operation_undone";

  private static final int MAX_BATCH_ITEMS = 64;

  // KMIP 1.0-2.0 Operation enumeration.
  private static final Map<Integer, String> OPERATIONS =
      Map.ofEntries(
          Map.entry(0x01, "create"),
          Map.entry(0x02, "create_key_pair"),
          Map.entry(0x03, "register"),
          Map.entry(0x04, "re_key"),
          Map.entry(0x05, "derive_key"),
          Map.entry(0x06, "certify"),
          Map.entry(0x07, "re_certify"),
          Map.entry(0x08, "locate"),
          Map.entry(0x09, "check"),
          Map.entry(0x0A, "get"),
          Map.entry(0x0B, "get_attributes"),
          Map.entry(0x0C, "get_attribute_list"),
          Map.entry(0x0D, "add_attribute"),
          Map.entry(0x0E, "modify_attribute"),
          Map.entry(0x0F, "delete_attribute"),
          Map.entry(0x10, "obtain_lease"),
          Map.entry(0x11, "get_usage_allocation"),
          Map.entry(0x12, "activate"),
          Map.entry(0x13, "revoke"),
          Map.entry(0x14, "destroy"),
          Map.entry(0x15, "archive"),
          Map.entry(0x16, "recover"),
          Map.entry(0x17, "validate"),
          Map.entry(0x18, "query"),
          Map.entry(0x19, "cancel"),
          Map.entry(0x1A, "poll"),
          Map.entry(0x1B, "notify"),
          Map.entry(0x1C, "put"),
          Map.entry(0x1D, "re_key_key_pair"),
          Map.entry(0x1E, "discover_versions"),
          Map.entry(0x1F, "encrypt"),
          Map.entry(0x20, "decrypt"),
          Map.entry(0x21, "sign"),
          Map.entry(0x22, "signature_verify"),
          Map.entry(0x23, "mac"),
          Map.entry(0x24, "mac_verify"),
          Map.entry(0x25, "rng_retrieve"),
          Map.entry(0x26, "rng_seed"),
          Map.entry(0x27, "hash"),
          Map.entry(0x28, "create_split_key"),
          Map.entry(0x29, "join_split_key"),
          Map.entry(0x2A, "import"),
          Map.entry(0x2B, "export"),
          Map.entry(0x2C, "log"),
          Map.entry(0x2D, "login"),
          Map.entry(0x2E, "logout"),
          Map.entry(0x2F, "delegated_login"),
          Map.entry(0x30, "adjust_attribute"),
          Map.entry(0x31, "set_attribute"));

  private static final Map<Integer, String> STATUSES =
      Map.of(0, SUCCESS, 1, FAILED, 2, PENDING, 3, UNDONE);

  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(0x01, "item_not_found"),
          Map.entry(0x02, "response_too_large"),
          Map.entry(0x03, "authentication_not_successful"),
          Map.entry(0x04, "invalid_message"),
          Map.entry(0x05, "operation_not_supported"),
          Map.entry(0x06, "missing_data"),
          Map.entry(0x07, "invalid_field"),
          Map.entry(0x08, "feature_not_supported"),
          Map.entry(0x09, "operation_canceled_by_requester"),
          Map.entry(0x0A, "cryptographic_failure"),
          Map.entry(0x0B, "illegal_operation"),
          Map.entry(0x0C, "permission_denied"),
          Map.entry(0x0D, "object_archived"),
          Map.entry(0x0E, "index_out_of_bounds"),
          Map.entry(0x0F, "application_namespace_not_supported"),
          Map.entry(0x10, "key_format_type_not_supported"),
          Map.entry(0x11, "key_compression_type_not_supported"),
          Map.entry(0x12, "encoding_option_error"),
          Map.entry(0x13, "key_value_not_present"),
          Map.entry(0x14, "attestation_required"),
          Map.entry(0x15, "attestation_failed"),
          Map.entry(0x16, "sensitive"),
          Map.entry(0x17, "not_extractable"),
          Map.entry(0x18, "object_already_exists"),
          Map.entry(0x100, "general_failure"));

  /** Decodes the request message, and the response message when the entry has one. */
  static KmipMessage of(JsonNode requestMessage, JsonNode responseMessage) {
    String operation = null;
    String status = null;
    String reason = null;
    for (JsonNode message : new JsonNode[] {responseMessage, requestMessage}) {
      JsonNode items = message == null ? null : message.get("value");
      if (items == null || !items.isArray()) {
        continue;
      }
      int seen = 0;
      for (JsonNode item : items) {
        if (++seen > MAX_BATCH_ITEMS) {
          break;
        }
        if (!"BatchItem".equals(item.path("tag").asText()) || !item.path("value").isArray()) {
          continue;
        }
        for (JsonNode field : item.get("value")) {
          String tag = field.path("tag").asText();
          JsonNode value = field.get("value");
          switch (tag) {
            case "Operation" -> {
              if (operation == null) {
                operation = name(value, OPERATIONS);
              }
            }
            case "ResultStatus" -> {
              String itemStatus = name(value, STATUSES);
              if (itemStatus != null && severity(itemStatus) > severity(status)) {
                status = itemStatus;
              }
            }
            case "ResultReason" -> {
              if (reason == null) {
                reason = name(value, REASONS);
              }
            }
            default -> {}
          }
        }
      }
    }
    return new KmipMessage(operation, status, reason);
  }

  /** {@code kmip:<reason>} ({@code kmip:permission_denied}), or {@code kmip:<status>}. */
  String errorCode() {
    return "kmip:" + (reason != null ? reason : status);
  }

  /** {@code KMIP operation failed: permission denied}: the enumerations' names, in words. */
  String errorMessage() {
    return "KMIP "
        + String.valueOf(status).replace('_', ' ')
        + (reason != null ? ": " + reason.replace('_', ' ') : "");
  }

  private static int severity(String status) {
    if (status == null) {
      return -1;
    }
    return switch (status) {
      case SUCCESS -> 0;
      case PENDING -> 1;
      case UNDONE -> 2;
      default -> 3;
    };
  }

  /** The specification's name for an enumeration value given as hex text, integer or name. */
  private static String name(JsonNode value, Map<Integer, String> names) {
    if (value == null) {
      return null;
    }
    if (value.isIntegralNumber() && value.canConvertToInt()) {
      return nameOf(value.intValue(), names);
    }
    if (!value.isTextual()) {
      return null;
    }
    String text = value.textValue().trim();
    if (text.startsWith("0x") || text.startsWith("0X")) {
      String hex = text.substring(2);
      if (hex.isEmpty()
          || hex.length() > 8
          || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        return null;
      }
      return nameOf((int) Long.parseLong(hex, 16), names);
    }
    // A name such as "DiscoverVersions" or "Permission Denied": compare letters only.
    String letters = lettersOnly(text);
    for (String known : names.values()) {
      if (lettersOnly(known).equals(letters)) {
        return known;
      }
    }
    return null;
  }

  private static String nameOf(int code, Map<Integer, String> names) {
    String known = names.get(code);
    return known != null ? known : String.format(Locale.ROOT, "0x%08x", code);
  }

  private static String lettersOnly(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length() && out.length() < 64; i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        out.append(Character.toLowerCase(c));
      }
    }
    return out.toString();
  }
}
