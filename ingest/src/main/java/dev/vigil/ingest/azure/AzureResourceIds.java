package dev.vigil.ingest.azure;

import java.util.Locale;
import java.util.Set;

/**
 * Reads ARM resource ids ({@code /subscriptions/<id>/resourceGroups/<rg>/providers/<Namespace>/
 * <type>/<name>[/<child type>/<name>...]}) and Key Vault object URIs ({@code
 * https://<vault>.vault.azure.net/secrets/<name>[/<version>]}) without regular expressions: both
 * arrive in any letter case, so every comparison ignores case.
 */
final class AzureResourceIds {

  private static final String SUBSCRIPTIONS = "/subscriptions/";
  private static final String TENANTS = "/tenants/";
  private static final String PROVIDERS = "/providers/";
  private static final String RESOURCE_GROUPS = "/resourceGroups/";

  /** The path collections of Key Vault and Managed HSM objects (a vault URI's first segment). */
  private static final Set<String> OBJECT_COLLECTIONS =
      Set.of(
          "secrets",
          "keys",
          "certificates",
          "deletedsecrets",
          "deletedkeys",
          "deletedcertificates",
          "storage");

  private AzureResourceIds() {}

  /** The subscription id of a resource id, lower-cased; null when it names none. */
  static String subscription(String resourceId) {
    return segmentAfter(resourceId, SUBSCRIPTIONS);
  }

  /** The tenant id of a tenant-scoped id ({@code /tenants/<id>/providers/Microsoft.aadiam}). */
  static String tenant(String resourceId) {
    return segmentAfter(resourceId, TENANTS);
  }

  /**
   * The resource provider and type of a resource id, lower-cased: {@code microsoft.keyvault/vaults}
   * for a vault, {@code microsoft.storage/storageaccounts/blobservices} for its blob service. The
   * last {@code /providers/} counts, so an extension resource (a lock on a storage account) has the
   * extension's type. A resource group or subscription id gives {@code
   * microsoft.resources/resourcegroups} or {@code microsoft.resources/subscriptions}; null for
   * anything else without a provider.
   */
  static String type(String resourceId) {
    if (resourceId == null) {
      return null;
    }
    int at = lastIndexOfIgnoreCase(resourceId, PROVIDERS);
    if (at < 0) {
      // Resource groups and subscriptions are ARM resources without a provider segment.
      if (lastIndexOfIgnoreCase(resourceId, RESOURCE_GROUPS) >= 0) {
        return "microsoft.resources/resourcegroups";
      }
      return subscription(resourceId) != null ? "microsoft.resources/subscriptions" : null;
    }
    // Read in place rather than split: the namespace, then <type>/<name> pairs whose types are
    // kept, up to the first empty type.
    int start = at + PROVIDERS.length();
    int end = segmentEnd(resourceId, start);
    if (isBlank(resourceId, start, end)) {
      return null;
    }
    StringBuilder type = new StringBuilder(resourceId.length() - start);
    boolean ascii = appendLowerAscii(type, resourceId, start, end);
    while (end < resourceId.length()) {
      int typeStart = end + 1;
      int typeEnd = segmentEnd(resourceId, typeStart);
      if (typeEnd == typeStart) {
        break;
      }
      type.append('/');
      ascii &= appendLowerAscii(type, resourceId, typeStart, typeEnd);
      end = typeEnd < resourceId.length() ? segmentEnd(resourceId, typeEnd + 1) : typeEnd;
    }
    // Letters outside ASCII were copied as they are: lower-case them the way String does.
    return ascii ? type.toString() : type.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * Appends a part of {@code text} with its ASCII letters lower-cased, in one pass rather than a
   * copy and a lower-cased copy of the copy; false when it holds other characters, which it copies
   * unchanged.
   */
  private static boolean appendLowerAscii(StringBuilder out, String text, int start, int end) {
    boolean ascii = true;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      } else if (c >= 0x80) {
        ascii = false;
      }
      out.append(c);
    }
    return ascii;
  }

  /** {@link String#isBlank} of a part of the text, without cutting it out. */
  private static boolean isBlank(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      if (!Character.isWhitespace(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Where the segment starting at {@code start} ends: the next {@code /}, or the text's end. */
  private static int segmentEnd(String text, int start) {
    int slash = text.indexOf('/', start);
    return slash < 0 ? text.length() : slash;
  }

  /**
   * The identity of a Key Vault object ({@code https://vault.vault.azure.net/secrets/name}),
   * lower-cased (vault and object names are case-insensitive) and without its version or query, so
   * that every version of a secret counts as the same secret. Null when the URI names no object (a
   * vault, a list of secrets).
   */
  static KeyVaultObject keyVaultObject(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return null;
    }
    int pathStart = uri.indexOf('/', scheme + 3);
    if (pathStart < 0) {
      return null;
    }
    int end = uri.length();
    int query = uri.indexOf('?', pathStart);
    if (query >= 0) {
      end = query;
    }
    String[] path = uri.substring(pathStart + 1, end).split("/", -1);
    if (path.length < 2 || path[0].isEmpty() || path[1].isEmpty()) {
      return null;
    }
    String collection = path[0].toLowerCase(Locale.ROOT);
    if (!OBJECT_COLLECTIONS.contains(collection)) {
      return null;
    }
    String id =
        (uri.substring(0, pathStart) + "/" + collection + "/" + path[1]).toLowerCase(Locale.ROOT);
    return new KeyVaultObject(id, "microsoft.keyvault/vaults/" + collection);
  }

  /**
   * A Key Vault object's version-less id and its type ({@code microsoft.keyvault/vaults/secrets}).
   */
  record KeyVaultObject(String id, String type) {}

  private static String segmentAfter(String id, String prefix) {
    if (id == null || !id.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return null;
    }
    int start = prefix.length();
    int end = id.indexOf('/', start);
    String segment = end < 0 ? id.substring(start) : id.substring(start, end);
    return segment.isBlank() ? null : segment.toLowerCase(Locale.ROOT);
  }

  /**
   * Tries only the positions of the part's first character, which must have no case ({@code /} for
   * both parts here): comparing at every position was a tenth of Azure's normalize time.
   */
  private static int lastIndexOfIgnoreCase(String text, String part) {
    char first = part.charAt(0);
    // The second character is an ASCII letter in both parts: a cheap test before the full one.
    char second = part.charAt(1);
    for (int i = text.lastIndexOf(first, text.length() - part.length());
        i >= 0;
        i = text.lastIndexOf(first, i - 1)) {
      if ((text.charAt(i + 1) | 0x20) == second
          && text.regionMatches(true, i, part, 0, part.length())) {
        return i;
      }
    }
    return -1;
  }
}
