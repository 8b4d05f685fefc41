package dev.vigil.ingest.vault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.Actor;
import dev.vigil.event.ActorType;
import dev.vigil.ingest.spi.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The actor of a Vault audit entry, from its {@code auth} block (or, for a login's response, from
 * {@code response.auth}: the identity that just logged in).
 *
 * <p>Design: Vault names no actor kind, so the kind is inferred in this order: a token whose
 * policies contain {@code root} is {@link ActorType#ROOT}; an {@code auth} with no token, accessor,
 * entity, display name or policy (Vault writes only {@code token_type}) is {@link
 * ActorType#ANONYMOUS}; then the auth method: human methods (userpass, ldap, oidc, ...) are {@link
 * ActorType#USER}, machine methods (approle, kubernetes, jwt, cert, cloud IAM methods) are {@link
 * ActorType#SERVICE}; then token metadata that only workloads carry (Nomad {@code AllocationID},
 * Kubernetes {@code service_account_name}, AppRole {@code role_name}) or only people carry ({@code
 * username}, {@code email}); otherwise {@link ActorType#UNKNOWN}. The auth method comes from the
 * login's mount when the entry is a login, else from the display name's prefix (Vault builds it as
 * {@code <auth mount>-<name>}) when that prefix is a known method, else it is unknown (null).
 * {@code auth.token_type} is never used: it is the kind of token ({@code service}, {@code batch}),
 * not how it was obtained, and {@code default} is only Vault's word for "no token" on
 * unauthenticated requests. Metadata is not used either: JWT and OIDC claim mappings put any key
 * there, so a key names no method for sure.
 *
 * <p>The actor's id: the entity, else the token's accessor, else the HMAC of the token itself (see
 * {@link #tokenHmac}).
 */
final class VaultActors {

  private static final String HMAC_PREFIX = "hmac-sha256:";

  private static final Set<String> USER_METHODS =
      Set.of("userpass", "ldap", "oidc", "okta", "radius", "github", "saml", "kerberos");
  private static final Set<String> SERVICE_METHODS =
      Set.of(
          "approle",
          "kubernetes",
          "jwt",
          "cert",
          "aws",
          "gcp",
          "azure",
          "alicloud",
          "oci",
          "cf",
          "kmip");
  private static final Set<String> SERVICE_METADATA =
      Set.of("AllocationID", "service_account_name", "role_name");
  private static final Set<String> USER_METADATA = Set.of("username", "email");

  private VaultActors() {}

  /**
   * @param auth the {@code auth} block to read (may be missing or not an object)
   * @param requestToken the request's {@code client_token}, or null
   * @param loginMethod the auth method of a login entry, or null
   * @param mfa true when the entry proves a completed MFA step, else null (unknown)
   */
  static Actor fromAuth(JsonNode auth, String requestToken, String loginMethod, Boolean mfa) {
    // Constructors rather than Avro's builders, which check every value again on every record.
    if (auth == null || !auth.isObject()) {
      return new Actor(null, null, ActorType.UNKNOWN, false, null, loginMethod, mfa, List.of());
    }
    List<String> policies = policies(auth);
    String entityId = Json.text(auth, "entity_id");
    String accessor = Json.text(auth, "accessor");
    String displayName = Json.text(auth, "display_name");
    boolean authenticated =
        entityId != null
            || accessor != null
            || displayName != null
            || !policies.isEmpty()
            || Json.text(auth, "client_token") != null;
    String method = loginMethod != null ? loginMethod : methodOf(displayName);
    boolean root = policies.contains("root");
    JsonNode metadata = auth.path("metadata");
    ActorType type;
    if (root) {
      type = ActorType.ROOT;
    } else if (!authenticated) {
      type = ActorType.ANONYMOUS;
    } else {
      type = kindOf(method, metadata);
    }
    return new Actor(
        entityId != null ? entityId : accessor != null ? accessor : tokenHmac(auth, requestToken),
        nameOf(displayName, metadata),
        type,
        root,
        accessor,
        method,
        mfa,
        policies);
  }

  /**
   * The HMAC of the token used, for an entry that names neither entity nor accessor: Vault could
   * not resolve the token (revoked, expired, made up), and writes only its type in {@code auth}.
   * The HMAC is the same for every use of one token, so the denied requests of a replayed token
   * count against it. Only an HMAC: an audit device with {@code log_raw} writes the token itself, a
   * secret that must not leave {@code raw}.
   */
  private static String tokenHmac(JsonNode auth, String requestToken) {
    String token = Json.text(auth, "client_token");
    if (token == null) {
      token = requestToken;
    }
    return token != null && token.startsWith(HMAC_PREFIX) ? token : null;
  }

  /** A KMIP client authenticates with a TLS client certificate; its serial number names it. */
  static Actor kmipClient(String certificateSerial) {
    return new Actor(
        certificateSerial,
        null,
        certificateSerial != null ? ActorType.SERVICE : ActorType.UNKNOWN,
        false,
        null,
        "kmip",
        null,
        List.of());
  }

  /** The token's policies: {@code policies}, then any extra {@code token_/identity_policies}. */
  static List<String> policies(JsonNode auth) {
    List<String> policies = new ArrayList<>();
    for (String field : new String[] {"policies", "token_policies", "identity_policies"}) {
      JsonNode list = auth.get(field);
      if (list == null || !list.isArray()) {
        continue;
      }
      for (JsonNode policy : list) {
        String name = Json.scalarText(policy);
        if (name != null && !policies.contains(name)) {
          policies.add(name);
        }
      }
    }
    return policies;
  }

  private static ActorType kindOf(String method, JsonNode metadata) {
    String normalized = method == null ? "" : method.toLowerCase(Locale.ROOT);
    if (USER_METHODS.contains(normalized)) {
      return ActorType.USER;
    }
    if (SERVICE_METHODS.contains(normalized)) {
      return ActorType.SERVICE;
    }
    if (metadata.isObject()) {
      for (String key : SERVICE_METADATA) {
        if (Json.text(metadata, key) != null) {
          return ActorType.SERVICE;
        }
      }
      for (String key : USER_METADATA) {
        if (Json.text(metadata, key) != null) {
          return ActorType.USER;
        }
      }
    }
    return ActorType.UNKNOWN;
  }

  /**
   * The auth method a display name starts with: {@code oidc-alice} → {@code oidc}, {@code approle}
   * → {@code approle}; {@code root} and {@code token-*} → {@code token}. Null when the prefix is
   * not a known method (a custom mount name tells nothing reliable).
   */
  private static String methodOf(String displayName) {
    if (displayName == null || displayName.startsWith(HMAC_PREFIX)) {
      return null;
    }
    int dash = displayName.indexOf('-');
    String prefix =
        (dash > 0 ? displayName.substring(0, dash) : displayName).toLowerCase(Locale.ROOT);
    if (prefix.equals("root") || prefix.equals("token")) {
      return "token";
    }
    return USER_METHODS.contains(prefix) || SERVICE_METHODS.contains(prefix) ? prefix : null;
  }

  /**
   * The most telling name: the OIDC/JWT {@code email} claim when mapped into metadata (display
   * names of OIDC logins are opaque subject ids), the AppRole {@code role_name} when the display
   * name is only the mount ({@code approle}), else the display name.
   */
  private static String nameOf(String displayName, JsonNode metadata) {
    String email = usable(Json.text(metadata, "email"));
    if (email != null) {
      return email;
    }
    String display = usable(displayName);
    String roleName = usable(Json.text(metadata, "role_name"));
    if (roleName != null && (display == null || display.indexOf('-') < 0)) {
      return roleName;
    }
    return display;
  }

  private static String usable(String value) {
    return value == null || value.startsWith(HMAC_PREFIX) ? null : value;
  }
}
