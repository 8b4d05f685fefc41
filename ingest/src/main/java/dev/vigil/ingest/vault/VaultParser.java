package dev.vigil.ingest.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.Actor;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.event.Src;
import dev.vigil.event.Target;
import dev.vigil.ingest.RecordRejectedException;
import dev.vigil.ingest.mapping.Mapping;
import dev.vigil.ingest.mapping.MappingTable;
import dev.vigil.ingest.mapping.OperationCache;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.ingest.spi.IpAddresses;
import dev.vigil.ingest.spi.Json;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import dev.vigil.ingest.spi.Timestamps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Parses entries of the HashiCorp Vault audit devices (file, socket, syslog: one JSON object per
 * entry): {@code request} and {@code response} entries of the HTTP API and the {@code kmip-request}
 * / {@code kmip-response} entries of the KMIP secrets engine.
 *
 * <p>Design: category, action and OCSF class come from {@code mappings/vault.yaml}, keyed by the
 * request's path, operation, mount type/class/point and the entry type, so a user adds a path
 * without touching Java. Everything else follows fixed rules (docs/schema.md, "Vault"):
 *
 * <ul>
 *   <li>{@code event_id} is {@code <request.id>:<entry type>}, so a request and its response share
 *       a request key ({@link EventIds#requestKey}); without {@code request.id} (help requests,
 *       KMIP) it is the hash of the raw entry.
 *   <li>Outcome: an {@code error} means FAILURE; a response without one means SUCCESS; a request
 *       entry is written before Vault handles the request, so without an error its outcome is
 *       UNKNOWN. Denied: {@code permission denied} in the error, {@code policy_results.allowed:
 *       false}, or a KMIP {@code Permission Denied} result.
 *   <li>The actor is the token in {@code auth}, except on a login's response, where it is the
 *       identity that logged in ({@code response.auth}); see {@link VaultActors}.
 * </ul>
 *
 * <p>Vault HMACs request and response values; nothing under {@code request.data} or {@code
 * response.data} is copied into the event (only KMIP protocol enumerations are decoded there, see
 * {@link KmipMessage}). HMAC'd header values are dropped rather than shown as user agents.
 */
public final class VaultParser implements SourceParser {

  /** What {@code vault.yaml} may say: the keys of {@link MatchKey#asMap}, the flags read here. */
  public static final MappingTable.Schema TABLE =
      new MappingTable.Schema(
          Source.VAULT,
          List.of("path", "operation", "mount_type", "mount_class", "mount_point", "type"),
          List.of("root_credential", "token_issue", "mfa", "dynamic_credential"));

  private static final Set<String> ENTRY_TYPES =
      Set.of("request", "response", "kmip-request", "kmip-response");
  private static final String HMAC_PREFIX = "hmac-sha256:";
  private static final int DEFAULT_OCSF_CLASS = 6003;
  private static final String ROOT_TOKEN = "root_token";
  // Globs with two stars cost up to quadratic time in the key's length; real Vault paths are far
  // shorter, so the table sees at most this much of a path (target.resource keeps all of it).
  private static final int MAX_MATCHED_PATH = 4096;

  private static final int CACHE_ENTRIES = 4096;

  /**
   * Table lookups by their keys: scanning the rules for every record was a fifth of its time. Most
   * of a stream repeats a few paths (the same secrets read, tokens looked up and renewed); the
   * cache is bounded for those that do not (see {@link OperationCache}).
   */
  private final OperationCache<MatchKey, Optional<Mapping>> mappings;

  /** The parser with the built-in table. */
  public VaultParser() {
    this(MappingTable.builtIn(TABLE));
  }

  /** A parser over a given table: the built-in one with a user's rules, or a test's. */
  public VaultParser(MappingTable table) {
    this.mappings = new OperationCache<>(CACHE_ENTRIES, key -> table.lookup(key.asMap()));
  }

  @Override
  public Source source() {
    return Source.VAULT;
  }

  /** An entry needs both; {@code request} alone decides. */
  @Override
  public boolean recognizesKey(String key) {
    return key.equals("request");
  }

  @Override
  public int recognize(SourceRecord input) {
    ObjectNode record = input.json();
    JsonNode type = record.get("type");
    JsonNode request = record.get("request");
    if (type == null
        || !type.isTextual()
        || !ENTRY_TYPES.contains(type.textValue())
        || request == null
        || !request.isObject()) {
      return 0;
    }
    // Without a time it is still a Vault entry, to be dead-lettered as one.
    return record.hasNonNull("time") ? 90 : 40;
  }

  @Override
  public AuditEvent parse(SourceRecord input) {
    ObjectNode record = input.json();
    JsonNode typeNode = record.get("type");
    if (typeNode == null || typeNode.isNull()) {
      throw new RecordRejectedException(
          DeadLetterReason.MISSING_FIELD, "the Vault audit entry has no type");
    }
    String type = typeNode.asText();
    if (!typeNode.isTextual() || !ENTRY_TYPES.contains(type)) {
      throw new RecordRejectedException(
          DeadLetterReason.UNKNOWN_FORMAT,
          "the Vault audit entry type is not one of " + ENTRY_TYPES.stream().sorted().toList());
    }
    JsonNode request = record.get("request");
    if (request == null || request.isNull()) {
      throw new RecordRejectedException(
          DeadLetterReason.MISSING_FIELD, "the Vault audit entry has no request");
    }
    if (!request.isObject()) {
      throw new RecordRejectedException(
          DeadLetterReason.WRONG_TYPE, "request of the Vault audit entry is not an object");
    }
    JsonNode errorNode = record.get("error");
    if (errorNode != null && !errorNode.isNull() && !errorNode.isTextual()) {
      throw new RecordRejectedException(
          DeadLetterReason.WRONG_TYPE, "error of the Vault audit entry is not a string");
    }
    var time = Timestamps.parse(Json.text(record, "time"), "time");
    boolean kmip = type.startsWith("kmip-");
    boolean response = type.endsWith("response");
    JsonNode responseNode = record.path("response");

    KmipMessage kmipMessage = null;
    String path;
    String operation;
    if (kmip) {
      kmipMessage =
          KmipMessage.of(
              Json.at(request, "data.kmip_request"), Json.at(responseNode, "data.kmip_response"));
      path = null;
      operation = "kmip:" + (kmipMessage.operation() != null ? kmipMessage.operation() : "unknown");
    } else {
      path = Json.text(request, "path");
      operation = Json.text(request, "operation");
      if (path == null || operation == null) {
        throw new RecordRejectedException(
            DeadLetterReason.MISSING_FIELD,
            "the Vault audit entry has no request." + (path == null ? "path" : "operation"));
      }
    }

    // Read from the nodes already in hand: dotted paths from the record would look them up again.
    String mountType = Json.text(request, "mount_type");
    if (mountType == null) {
      mountType = Json.text(responseNode, "mount_type");
    }
    String mountClass = Json.text(request, "mount_class");
    if (mountClass == null) {
      mountClass = Json.text(responseNode, "mount_class");
    }
    MatchKey matchKey =
        MatchKey.of(
            type, operation, path, mountType, mountClass, Json.text(request, "mount_point"));
    Mapping mapping = mappings.get(matchKey, matchKey.chars()).orElse(null);
    boolean login = mapping != null && "login".equals(mapping.action());

    // Outcome and denial.
    String errorMessage = VaultErrors.message(Json.scalarText(errorNode));
    String errorCode = VaultErrors.code(errorMessage);
    Outcome outcome;
    if (errorMessage != null) {
      outcome = Outcome.FAILURE;
    } else if (kmip && response) {
      outcome = kmipOutcome(kmipMessage.status());
      if (outcome == Outcome.FAILURE) {
        errorCode = kmipMessage.errorCode();
        errorMessage = kmipMessage.errorMessage();
      }
    } else {
      outcome = response ? Outcome.SUCCESS : Outcome.UNKNOWN;
    }
    boolean denied =
        VaultErrors.PERMISSION_DENIED.equals(errorCode)
            || Boolean.FALSE.equals(Json.bool(record, "auth.policy_results.allowed"))
            || (kmipMessage != null && VaultErrors.PERMISSION_DENIED.equals(kmipMessage.reason()));

    // Actor.
    Actor actor;
    if (kmip) {
      actor = VaultActors.kmipClient(Json.text(request, "client_certificate_serial_number"));
    } else {
      JsonNode auth = record.get("auth");
      JsonNode loginAuth = responseNode.path("auth");
      if (login && response && loginAuth.isObject() && !loginAuth.isEmpty()) {
        auth = loginAuth;
      }
      Boolean mfa =
          mapping != null && mapping.has("mfa") && response && outcome == Outcome.SUCCESS
              ? Boolean.TRUE
              : null;
      actor =
          VaultActors.fromAuth(
              auth,
              Json.text(request, "client_token"),
              login ? loginMethod(path, mountType) : null,
              mfa);
    }

    boolean rootCredential =
        mapping != null
            && (mapping.has("root_credential")
                || (mapping.has("token_issue")
                    && response
                    && VaultActors.policies(responseNode.path("auth")).contains("root")));

    String namespace = Json.firstText(request, "namespace.path", "namespace.id");
    // Constructors, as the other parsers use, rather than Avro's builders: every field is given,
    // and a builder copies the schema's field list and checks each value again on every record.
    return new AuditEvent(
        eventId(request, type, input),
        time,
        Source.VAULT,
        mapping != null ? mapping.category() : Category.OTHER,
        mapping != null && mapping.ocsfClassUid() != null
            ? mapping.ocsfClassUid()
            : DEFAULT_OCSF_CLASS,
        mapping != null && mapping.action() != null ? mapping.action() : actionOf(operation),
        operation,
        outcome,
        denied,
        errorCode,
        errorMessage,
        actor,
        new Src(
            IpAddresses.normalizeHostPort(Json.text(request, "remote_address")),
            userAgent(request)),
        new Target(
            path,
            rootCredential
                ? ROOT_TOKEN
                : kmip ? "kmip" : mountType != null ? mountType : mountClass,
            namespace,
            null),
        input.raw(),
        input.origin());
  }

  /**
   * The values {@code mappings/vault.yaml} matches on (documented in its header): an absent mount
   * type matches as {@code ""}, an absent mount class or point never matches.
   */
  private record MatchKey(
      String type,
      String operation,
      String path,
      String mountType,
      String mountClass,
      String mountPoint) {

    static MatchKey of(
        String type,
        String operation,
        String path,
        String mountType,
        String mountClass,
        String mountPoint) {
      String matchedPath = path == null ? "" : path;
      return new MatchKey(
          type,
          operation,
          matchedPath.length() <= MAX_MATCHED_PATH
              ? matchedPath
              : matchedPath.substring(0, MAX_MATCHED_PATH),
          mountType != null ? mountType : "",
          mountClass,
          mountPoint);
    }

    int chars() {
      return type.length()
          + operation.length()
          + path.length()
          + mountType.length()
          + (mountClass == null ? 0 : mountClass.length())
          + (mountPoint == null ? 0 : mountPoint.length());
    }

    // equals, hashCode and toString are written out, not generated: on JDK 17 the generated ones
    // cache a
    // method handle whose type names this record (JDK-8078641, fixed in 18), which keeps a Flink
    // job's class loader alive after the job ends; this key is hashed for every record.
    @Override
    public boolean equals(Object other) {
      return other instanceof MatchKey that
          && Objects.equals(type, that.type)
          && Objects.equals(operation, that.operation)
          && path.equals(that.path)
          && mountType.equals(that.mountType)
          && Objects.equals(mountClass, that.mountClass)
          && Objects.equals(mountPoint, that.mountPoint);
    }

    @Override
    public int hashCode() {
      // No varargs array: this runs for every record.
      int hash = Objects.hashCode(type);
      hash = 31 * hash + Objects.hashCode(operation);
      hash = 31 * hash + Objects.hashCode(path);
      hash = 31 * hash + Objects.hashCode(mountType);
      hash = 31 * hash + Objects.hashCode(mountClass);
      hash = 31 * hash + Objects.hashCode(mountPoint);
      return hash;
    }

    @Override
    public String toString() {
      return "MatchKey["
          + "type="
          + type
          + ", operation="
          + operation
          + ", path="
          + path
          + ", mountType="
          + mountType
          + ", mountClass="
          + mountClass
          + ", mountPoint="
          + mountPoint
          + "]";
    }

    Map<String, String> asMap() {
      Map<String, String> keys = new HashMap<>(8);
      keys.put("type", type);
      keys.put("operation", operation);
      keys.put("path", path);
      keys.put("mount_type", mountType);
      putIfPresent(keys, "mount_class", mountClass);
      putIfPresent(keys, "mount_point", mountPoint);
      return keys;
    }
  }

  private static String eventId(JsonNode request, String type, SourceRecord input) {
    String requestId = EventIds.own(Json.text(request, "id"));
    return requestId != null ? requestId + ":" + type : input.rawId();
  }

  private static Outcome kmipOutcome(String status) {
    if (status == null || status.equals(KmipMessage.PENDING)) {
      return Outcome.UNKNOWN;
    }
    return status.equals(KmipMessage.SUCCESS) ? Outcome.SUCCESS : Outcome.FAILURE;
  }

  /**
   * The auth method of a login: the mount's type when the entry says ({@code jwt}), else the mount
   * path between {@code auth/} and the next {@code /} ({@code auth/approle/login}). Null for logins
   * outside {@code auth/} (MFA validation), whose method the display name tells.
   */
  private static String loginMethod(String path, String mountType) {
    if (!path.startsWith("auth/")) {
      return null;
    }
    if (mountType != null) {
      return mountType;
    }
    int end = path.indexOf('/', 5);
    return end > 5 ? path.substring(5, end) : null;
  }

  /** The normalized verb of a Vault operation, for paths the table gives no action. */
  static String actionOf(String operation) {
    return switch (operation) {
      case "create" -> "create";
      case "read" -> "read";
      case "update", "patch" -> "update";
      case "delete" -> "delete";
      case "list", "scan" -> "list";
      case "renew" -> "renew";
      case "revoke" -> "revoke";
      default -> "other";
    };
  }

  /** The caller's user agent when Vault was told to log it in clear ({@code headers}). */
  private static String userAgent(JsonNode request) {
    JsonNode headers = request.get("headers");
    if (headers == null || !headers.isObject()) {
      return null;
    }
    JsonNode value = null;
    for (var it = headers.fields(); it.hasNext(); ) {
      var header = it.next();
      if (header.getKey().equalsIgnoreCase("user-agent")) {
        value = header.getValue();
        break;
      }
    }
    if (value != null && value.isArray()) {
      value = value.isEmpty() ? null : value.get(0);
    }
    String agent = Json.scalarText(value);
    return agent == null || agent.startsWith(HMAC_PREFIX) ? null : agent;
  }

  private static void putIfPresent(Map<String, String> keys, String key, String value) {
    if (value != null) {
      keys.put(key, value);
    }
  }
}
