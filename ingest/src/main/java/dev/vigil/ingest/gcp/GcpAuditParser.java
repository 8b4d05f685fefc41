package dev.vigil.ingest.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.Actor;
import dev.vigil.event.ActorType;
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
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Parses GCP Cloud Audit Logs: a Cloud Logging {@code LogEntry} whose {@code protoPayload} is a
 * {@code google.cloud.audit.AuditLog}, as exported to Pub/Sub, GCS or a SIEM.
 *
 * <p>Design: only the members that feed the event are read ({@code protoPayload.request}, {@code
 * response} and {@code metadata} can be megabytes of Kubernetes objects and are never walked; they
 * stay in {@code raw}). The category, action and OCSF class come from {@code mappings/gcp.yaml}
 * keyed by service, method and log type; the lookup runs its globs once per distinct triple and is
 * then served from a bounded {@link OperationCache}, so repeats cost one hash lookup. Everything
 * that depends on the record itself (status, authorization, principal) is read per record.
 *
 * <p>Exporters disagree on spelling: Panther lower-cases top-level keys in some rows ({@code
 * insertid}, {@code logname}, {@code protopayload}, {@code receivetimestamp}), renames
 * {@code @type} to {@code at_sign_type} or {@code at_type}, and writes {@code callerIP}; the
 * canonical spelling wins when both appear. Timestamps come with 0 to 9 fractional digits, as
 * Panther's {@code 2024-01-19 13:47:18.279921000}, or as a protobuf {@code {seconds, nanos}}
 * object.
 *
 * <p>Super-admins (the identities that are {@code actor.root}) are configuration, given to the
 * constructor as emails compared case-insensitively ({@link dev.vigil.ingest.NormalizerSettings}
 * carries them from vigil.yaml or the command line); this class reads no environment, so a parser
 * built on a Flink TaskManager sees exactly what the job was submitted with.
 */
public final class GcpAuditParser implements SourceParser {

  /** What {@code gcp.yaml} may say: the keys {@link #resolve} supplies, the flags it reads. */
  public static final MappingTable.Schema TABLE =
      new MappingTable.Schema(
          Source.GCP_AUDIT,
          List.of("serviceName", "methodName", "logType", "verb"),
          List.of("iam_policy", "outcome_failure", "outcome_unknown"));

  private static final int CACHE_ENTRIES = 4096;
  private static final int NAMED_PERMISSIONS = 3;
  private static final int API_ACTIVITY = 6003;
  private static final String AUDIT_LOG_TYPE = "google.cloud.audit.AuditLog";
  private static final String AUDIT_LOG_NAME = "cloudaudit.googleapis.com/";
  private static final String GFE_SUFFIX = ",gzip(gfe)";
  private static final String LOGIN_SERVICE = "login.googleapis.com";
  private static final String[] TYPE_KEYS = {"@type", "at_sign_type", "at_type"};
  private static final String[] AUDIT_DATA_HOLDERS = {
    "serviceData.policyDelta.auditConfigDeltas", "metadata.policyDelta.auditConfigDeltas"
  };
  private static final String[] ENTRY_KEYS = {"logName", "insertId", "timestamp", "resource"};
  private static final String[] ENTRY_KEYS_BESIDES_TIME = {"logName", "insertId", "resource"};

  /**
   * The principal of Google's own actions on a project's resources (system_event entries: live
   * migration, preemption, automatic restarts): a service, not a person.
   */
  private static final String GOOGLE_SYSTEMS = "system@google.com";

  private static final Set<String> ANONYMOUS_PRINCIPALS =
      Set.of("allusers", "system:anonymous", "system:unauthenticated");

  /** Workspace login challenge methods that are a second factor; {@code password} alone is not. */
  private static final Set<String> SECOND_FACTORS =
      Set.of(
          "backup_code",
          "google_authenticator",
          "google_prompt",
          "idv_any_phone",
          "idv_preregistered_phone",
          "internal_two_factor",
          "knowledge_employee_id",
          "knowledge_preregistered_email",
          "knowledge_preregistered_phone",
          "offline_otp",
          "passkey",
          "security_key",
          "totp");

  private final Set<String> superAdmins;
  private final MappingTable mappings;
  private final OperationCache<OperationKey, Operation> operations;

  /** No super-admins; the built-in table. */
  public GcpAuditParser() {
    this(Set.of());
  }

  /** Super-admins given as emails (any case); the built-in table. */
  public GcpAuditParser(Collection<String> superAdmins) {
    this(superAdmins, MappingTable.builtIn(TABLE));
  }

  /**
   * Super-admins given as emails (any case), over a given table (built in, with a user's rules).
   */
  public GcpAuditParser(Collection<String> superAdmins, MappingTable mappings) {
    Set<String> normalized = new LinkedHashSet<>();
    for (String admin : superAdmins) {
      String email = admin == null ? "" : admin.trim();
      if (!email.isEmpty()) {
        normalized.add(email.toLowerCase(Locale.ROOT));
      }
    }
    this.superAdmins = Set.copyOf(normalized);
    this.mappings = mappings;
    this.operations = new OperationCache<>(CACHE_ENTRIES, this::resolve);
  }

  /** The configured super-admins, lower-cased. */
  public Set<String> superAdmins() {
    return superAdmins;
  }

  @Override
  public Source source() {
    return Source.GCP_AUDIT;
  }

  /**
   * The keys {@link #recognize} needs one of: the payload, the log name, a monitored resource
   * (which every other LogEntry score requires), or a fragment's key.
   */
  private static final Set<String> RECOGNIZED_KEYS =
      Set.of(
          "protoPayload",
          "protopayload",
          "logName",
          "logname",
          "resource",
          "methodName",
          "serviceData",
          "policyDelta");

  @Override
  public boolean recognizesKey(String key) {
    return RECOGNIZED_KEYS.contains(key);
  }

  @Override
  public int recognize(SourceRecord input) {
    ObjectNode record = input.json();
    JsonNode payload = member(record, "protoPayload", "protopayload");
    if (payload != null) {
      if (!payload.isObject()) {
        return 60;
      }
      String type = payloadType(payload);
      return type != null && isAuditLogType(type) ? 100 : 80;
    }
    String logName = Json.scalarText(member(record, "logName", "logname"));
    if (logName != null && logName.contains("cloudaudit.googleapis.com")) {
      return 60;
    }
    JsonNode resource = record.get("resource");
    boolean monitoredResource = resource != null && resource.isObject() && resource.has("type");
    if (monitoredResource
        && (logName != null
            || member(record, "insertId", "insertid") != null
            || record.has("jsonPayload")
            || record.has("textPayload"))) {
      return 30;
    }
    // Fragments of an AuditLog cut out of their entry (a bare methodName, serviceData or
    // policyDelta): claimed so that the dead letter says what is missing, not "unknown format".
    JsonNode methodName = record.get("methodName");
    if ((methodName != null && methodName.isTextual())
        || record.has("serviceData")
        || record.has("policyDelta")) {
      return 5;
    }
    return 0;
  }

  @Override
  public AuditEvent parse(SourceRecord input) {
    ObjectNode record = input.json();
    JsonNode payload = member(record, "protoPayload", "protopayload");
    if (payload == null) {
      if (record.has("jsonPayload") || record.has("textPayload")) {
        throw new RecordRejectedException(
            DeadLetterReason.NOT_AN_AUDIT_EVENT,
            "a GCP LogEntry with a "
                + (record.has("jsonPayload") ? "jsonPayload" : "textPayload")
                + ", not an audit log entry (no protoPayload AuditLog)");
      }
      throw new RecordRejectedException(
          DeadLetterReason.MISSING_FIELD,
          "not a complete Cloud Audit LogEntry: protoPayload is absent"
              + lacking(record, ENTRY_KEYS, "; the record also lacks "));
    }
    if (!payload.isObject()) {
      throw new RecordRejectedException(
          DeadLetterReason.WRONG_TYPE,
          "protoPayload is a JSON " + kind(payload) + ", not an object");
    }
    String payloadType = payloadType(payload);
    if (payloadType != null && !isAuditLogType(payloadType)) {
      throw new RecordRejectedException(
          DeadLetterReason.NOT_AN_AUDIT_EVENT,
          "protoPayload is a " + abbreviate(payloadType) + ", not a " + AUDIT_LOG_TYPE);
    }
    String methodName = requiredText(payload, "methodName", record);
    Instant time = eventTime(record);

    String serviceName = Json.text(payload, "serviceName");
    String logName = Json.scalarText(member(record, "logName", "logname"));
    LogName log = LogName.parse(logName);
    Operation operation =
        operations.get(
            new OperationKey(serviceName, methodName, log.logType()),
            methodName.length() + (serviceName == null ? 0 : serviceName.length()));

    JsonNode status = payload.path("status");
    Long code = RpcCodes.codeOf(status.path("code"));
    String errorMessage = Json.text(status, "message");
    String refusal = refusal(payload.path("authorizationInfo"));
    boolean denied =
        (code != null && code == RpcCodes.PERMISSION_DENIED)
            || refusal != null
            || "policy".equals(log.logType());
    if (denied && code == null) {
      // Services that refuse a check often log no status (or an empty one) of their own: the
      // refusal is the result, so the call failed as a status 7 would say. An explicit status
      // (code 0 included) is the service's word on the call and is kept.
      code = (long) RpcCodes.PERMISSION_DENIED;
      errorMessage = errorMessage != null ? errorMessage : refusal;
    }
    boolean failed = code != null && code != RpcCodes.OK;

    Category category = operation.category();
    int ocsfClassUid = operation.ocsfClassUid();
    if (operation.iamPolicy() && changesAuditConfig(payload)) {
      category = Category.AUDIT_CONFIG;
      ocsfClassUid = API_ACTIVITY;
    }
    Outcome outcome =
        operation.outcome() != null
            ? operation.outcome()
            : (failed ? Outcome.FAILURE : Outcome.SUCCESS);

    JsonNode resource = record.path("resource");
    String eventId = EventIds.own(Json.scalarText(member(record, "insertId", "insertid")));
    return new AuditEvent(
        eventId != null ? eventId : input.rawId(),
        time,
        Source.GCP_AUDIT,
        category,
        ocsfClassUid,
        operation.action(),
        methodName,
        outcome,
        denied,
        failed ? RpcCodes.nameOf(code) : null,
        failed ? errorMessage : null,
        actor(payload, serviceName),
        new Src(
            IpAddresses.normalize(
                Json.firstText(payload, "requestMetadata.callerIp", "requestMetadata.callerIP")),
            userAgent(Json.text(payload, "requestMetadata.callerSuppliedUserAgent"))),
        new Target(
            targetResource(payload, resource),
            serviceName != null ? serviceName : Json.text(resource, "type"),
            account(resource, log),
            region(payload, resource)),
        input.raw(),
        input.origin());
  }

  // ---- operation mapping --------------------------------------------------------------------

  private record OperationKey(String serviceName, String methodName, String logType) {
    // equals, hashCode and toString are written out, not generated: on JDK 17 the generated ones
    // cache a
    // method handle whose type names this record (JDK-8078641, fixed in 18), which keeps a Flink
    // job's class loader alive after the job ends; this key is hashed for every record.
    @Override
    public boolean equals(Object other) {
      return other instanceof OperationKey that
          && Objects.equals(serviceName, that.serviceName)
          && Objects.equals(methodName, that.methodName)
          && Objects.equals(logType, that.logType);
    }

    @Override
    public int hashCode() {
      // No varargs array: this runs for every record.
      int hash = Objects.hashCode(serviceName);
      hash = 31 * hash + Objects.hashCode(methodName);
      hash = 31 * hash + Objects.hashCode(logType);
      return hash;
    }

    @Override
    public String toString() {
      return "OperationKey["
          + "serviceName="
          + serviceName
          + ", methodName="
          + methodName
          + ", logType="
          + logType
          + "]";
    }
  }

  /** What the mapping table says about one operation, resolved once and cached. */
  private record Operation(
      Category category, String action, int ocsfClassUid, boolean iamPolicy, Outcome outcome) {}

  private Operation resolve(OperationKey key) {
    Map<String, String> keys = new HashMap<>(8);
    keys.put("methodName", key.methodName());
    keys.put("verb", MethodVerbs.actionOf(key.methodName()));
    if (key.serviceName() != null) {
      keys.put("serviceName", key.serviceName());
    }
    if (key.logType() != null) {
      keys.put("logType", key.logType());
    }
    Optional<Mapping> found = mappings.lookup(keys);
    if (found.isEmpty()) {
      return new Operation(
          Category.OTHER, MethodVerbs.actionOf(key.methodName()), API_ACTIVITY, false, null);
    }
    Mapping mapping = found.get();
    Outcome outcome = null;
    if (mapping.has("outcome_failure")) {
      outcome = Outcome.FAILURE;
    } else if (mapping.has("outcome_unknown")) {
      outcome = Outcome.UNKNOWN;
    }
    return new Operation(
        mapping.category(),
        mapping.action() != null ? mapping.action() : MethodVerbs.actionOf(key.methodName()),
        mapping.ocsfClassUid() != null ? mapping.ocsfClassUid() : API_ACTIVITY,
        mapping.has("iam_policy"),
        outcome);
  }

  /**
   * True when an IAM policy write changed audit configs: that is how Data Access audit logging is
   * turned on or off. Only the logged delta counts: Terraform names {@code auditConfigs} in the
   * update mask of every policy write, so the mask says nothing about what changed.
   */
  private static boolean changesAuditConfig(JsonNode payload) {
    for (String holder : AUDIT_DATA_HOLDERS) {
      JsonNode deltas = Json.at(payload, holder);
      if (deltas.isArray() && !deltas.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the authorization checks refused, as an error message naming the permissions ({@code
   * permission 'run.services.setIamPolicy' not granted}); null when no check says {@code granted:
   * false}. At most {@value #NAMED_PERMISSIONS} permissions are named.
   */
  private static String refusal(JsonNode authorizationInfo) {
    Set<String> permissions = null;
    boolean more = false;
    for (JsonNode check : authorizationInfo) {
      if (Boolean.FALSE.equals(Json.bool(check, "granted"))) {
        if (permissions == null) {
          permissions = new LinkedHashSet<>();
        }
        String permission = Json.text(check, "permission");
        if (permission != null && !permissions.contains(permission)) {
          if (permissions.size() < NAMED_PERMISSIONS) {
            permissions.add(permission);
          } else {
            more = true;
          }
        }
      }
    }
    if (permissions == null) {
      return null;
    }
    if (permissions.isEmpty()) {
      return "permission not granted";
    }
    return (permissions.size() == 1 && !more ? "permission '" : "permissions '")
        + String.join("', '", permissions)
        + (more ? "' and more" : "'")
        + " not granted";
  }

  // ---- actor ---------------------------------------------------------------------------------

  private Actor actor(JsonNode payload, String serviceName) {
    JsonNode auth = payload.path("authenticationInfo");
    String email = Json.text(auth, "principalEmail");
    String subject = Json.text(auth, "principalSubject");
    // Workload-identity callers have no email; their principal is the federated subject.
    String principal = email != null ? email : subject;
    String keyName = Json.text(auth, "serviceAccountKeyName");
    JsonNode delegation = auth.path("serviceAccountDelegationInfo");
    String delegate =
        delegation.isArray() && !delegation.isEmpty()
            ? Json.firstText(
                delegation.get(0), "firstPartyPrincipal.principalEmail", "principalSubject")
            : null;

    String authMethod = Json.text(auth, "authoritySelector");
    Boolean mfa = null;
    if (LOGIN_SERVICE.equals(serviceName)) {
      WorkspaceLogin login = WorkspaceLogin.of(payload.path("metadata"));
      if (authMethod == null) {
        authMethod = login.loginType();
      }
      mfa = login.mfa();
    }
    if (authMethod == null) {
      authMethod = credentialKind(keyName, subject, delegation, auth);
    }
    return new Actor(
        principal,
        principal,
        actorType(principal, subject, keyName),
        isSuperAdmin(email, subject),
        keyName != null ? keyName : delegate,
        authMethod,
        mfa,
        List.of());
  }

  private static String credentialKind(
      String keyName, String subject, JsonNode delegation, JsonNode auth) {
    if (keyName != null) {
      return "service_account_key";
    }
    if (subject != null
        && (subject.startsWith("principal://") || subject.startsWith("principalSet://"))) {
      return subject.contains("/workforcePools/")
          ? "workforce_identity_federation"
          : "workload_identity_federation";
    }
    if (delegation.isArray() && !delegation.isEmpty() && !delegation.get(0).isEmpty()) {
      return "service_account_impersonation";
    }
    if (Json.text(auth, "oauthInfo.oauthClientId") != null) {
      return "oauth";
    }
    return null;
  }

  /**
   * The caller's type from everything {@code authenticationInfo} says, not from the email alone: a
   * {@code serviceAccountKeyName} is, per the AuditLog reference, the key "used to create or
   * exchange credentials for authenticating the service account making the request", and a typed
   * {@code principalSubject} ({@code serviceAccount:}, {@code user:}, {@code principal://}) names
   * the kind of identity where an email (a service account outside {@code .gserviceaccount.com}, a
   * redacted address) does not.
   */
  static ActorType actorType(String principal, String subject, String keyName) {
    ActorType byPrincipal = actorType(principal);
    if (principal == null || byPrincipal == ActorType.ANONYMOUS) {
      return byPrincipal;
    }
    if (keyName != null) {
      return ActorType.SERVICE;
    }
    ActorType bySubject = actorType(subject);
    return bySubject == ActorType.SERVICE || bySubject == ActorType.USER ? bySubject : byPrincipal;
  }

  static ActorType actorType(String principal) {
    if (principal == null) {
      return ActorType.UNKNOWN;
    }
    String id = principal.toLowerCase(Locale.ROOT);
    if (ANONYMOUS_PRINCIPALS.contains(id)) {
      return ActorType.ANONYMOUS;
    }
    if (id.endsWith(".gserviceaccount.com")
        || id.startsWith("serviceaccount:")
        || id.startsWith("system:")
        || id.equals(GOOGLE_SYSTEMS)) {
      // system:* are Kubernetes service accounts and control-plane components in GKE entries.
      return ActorType.SERVICE;
    }
    if (id.startsWith("principal://") || id.startsWith("principalset://")) {
      // Workforce pools federate people; workload pools federate workloads.
      return id.contains("/workforcepools/") ? ActorType.USER : ActorType.SERVICE;
    }
    if (id.startsWith("user:") || id.indexOf('@') > 0) {
      return ActorType.USER;
    }
    return ActorType.UNKNOWN;
  }

  private boolean isSuperAdmin(String email, String subject) {
    if (superAdmins.isEmpty()) {
      return false;
    }
    if (email != null) {
      return superAdmins.contains(email.toLowerCase(Locale.ROOT));
    }
    return subject != null
        && subject.regionMatches(true, 0, "user:", 0, 5)
        && superAdmins.contains(subject.substring(5).toLowerCase(Locale.ROOT));
  }

  /** The sign-in details Google Workspace writes in {@code metadata.event[].parameter[]}. */
  private record WorkspaceLogin(String loginType, Boolean mfa) {

    static WorkspaceLogin of(JsonNode metadata) {
      String loginType = null;
      Boolean mfa = null;
      for (JsonNode event : metadata.path("event")) {
        for (JsonNode parameter : event.path("parameter")) {
          String name = Json.text(parameter, "name");
          if ("login_type".equals(name)) {
            loginType = Json.text(parameter, "value");
          } else if ("login_challenge_method".equals(name)) {
            mfa = Boolean.FALSE;
            for (JsonNode method : parameter.path("multiStrValue")) {
              if (method.isTextual() && SECOND_FACTORS.contains(method.textValue())) {
                mfa = Boolean.TRUE;
              }
            }
          }
        }
      }
      return new WorkspaceLogin(loginType, mfa);
    }
  }

  // ---- source and target --------------------------------------------------------------------

  /** The caller's user agent without the {@code ,gzip(gfe)} marks Google's front ends append. */
  static String userAgent(String supplied) {
    if (supplied == null) {
      return null;
    }
    String agent = supplied;
    while (agent.endsWith(GFE_SUFFIX)) {
      agent = agent.substring(0, agent.length() - GFE_SUFFIX.length());
    }
    agent = agent.trim();
    return agent.isEmpty() ? null : agent;
  }

  private static String targetResource(JsonNode payload, JsonNode resource) {
    String name = Json.text(payload, "resourceName");
    if (name != null) {
      return name;
    }
    for (JsonNode check : payload.path("authorizationInfo")) {
      String checked = Json.firstText(check, "resource", "resourceAttributes.name");
      if (checked != null) {
        return checked;
      }
    }
    String project = Json.text(resource, "labels.project_id");
    return project != null ? "projects/" + project : null;
  }

  private static String account(JsonNode resource, LogName log) {
    String project = Json.text(resource, "labels.project_id");
    if (project != null) {
      return project;
    }
    if (log.account() != null) {
      return log.account();
    }
    String organization = Json.text(resource, "labels.organization_id");
    if (organization != null) {
      return "organizations/" + organization;
    }
    String folder = Json.text(resource, "labels.folder_id");
    return folder != null ? "folders/" + folder : null;
  }

  private static String region(JsonNode payload, JsonNode resource) {
    JsonNode locations = Json.at(payload, "resourceLocation.currentLocations");
    if (locations.isArray() && !locations.isEmpty()) {
      String first = Json.scalarText(locations.get(0));
      if (first != null) {
        return first;
      }
    }
    return Json.firstText(resource, "labels.location", "labels.region", "labels.zone");
  }

  /**
   * What a {@code logName} says: the audit log it belongs to ({@code activity}, {@code
   * data_access}, {@code system_event}, {@code policy}) and the project (its id) or organization,
   * folder or billing account ({@code organizations/123}) that holds it.
   */
  record LogName(String logType, String account) {

    private static final LogName NONE = new LogName(null, null);
    private static final List<String> PARENTS =
        List.of("organizations/", "folders/", "billingAccounts/");

    static LogName parse(String logName) {
      if (logName == null) {
        return NONE;
      }
      String decoded = decodeSlashes(logName);
      String logType = null;
      int audit = decoded.indexOf(AUDIT_LOG_NAME);
      if (audit >= 0) {
        String rest = decoded.substring(audit + AUDIT_LOG_NAME.length());
        logType = rest.isEmpty() ? null : rest.toLowerCase(Locale.ROOT);
      }
      return new LogName(logType, parent(decoded));
    }

    private static String parent(String logName) {
      if (logName.startsWith("projects/")) {
        String id = segment(logName, "projects/".length());
        return id.isEmpty() ? null : id;
      }
      for (String kind : PARENTS) {
        if (logName.startsWith(kind)) {
          String id = segment(logName, kind.length());
          return id.isEmpty() ? null : kind + id;
        }
      }
      return null;
    }

    private static String segment(String text, int start) {
      int end = text.indexOf('/', start);
      return text.substring(start, end < 0 ? text.length() : end);
    }

    /**
     * Log ids are URL-encoded in logName; only the encoded slash matters here. {@link
     * String#replace} finds it with the JDK's fast search instead of a copy built char by char.
     */
    private static String decodeSlashes(String logName) {
      return logName.replace("%2F", "/").replace("%2f", "/");
    }
  }

  // ---- time and required fields -------------------------------------------------------------

  /**
   * {@code timestamp}, else {@code receiveTimestamp}: Cloud Logging itself sets a missing timestamp
   * to the receive time, so a record that lost its timestamp on the way is dated the same way. A
   * timestamp that is present but not a time is refused, never replaced.
   */
  private static Instant eventTime(ObjectNode record) {
    JsonNode timestamp = record.get("timestamp");
    if (isPresent(timestamp)) {
      return instantOf(timestamp, "timestamp");
    }
    JsonNode received = member(record, "receiveTimestamp", "receivetimestamp");
    if (isPresent(received)) {
      return instantOf(received, "receiveTimestamp");
    }
    throw new RecordRejectedException(
        DeadLetterReason.MISSING_TIME,
        "the record has neither timestamp nor receiveTimestamp"
            + lacking(record, ENTRY_KEYS_BESIDES_TIME, "; it also lacks ")
            + " (a trimmed excerpt, not a complete LogEntry)");
  }

  private static boolean isPresent(JsonNode node) {
    return node != null && !node.isNull() && !(node.isTextual() && node.textValue().isBlank());
  }

  /** An RFC 3339 string, or a protobuf Timestamp object as some exporters write it. */
  private static Instant instantOf(JsonNode node, String field) {
    if (node.isTextual()) {
      return Timestamps.parse(node.textValue(), field);
    }
    if (node.isObject() && node.has("seconds")) {
      Long seconds = Json.integer(node, "seconds");
      Long nanos = node.has("nanos") ? Json.integer(node, "nanos") : Long.valueOf(0);
      // RFC 3339 years 0001 to 9999, as the protobuf Timestamp type itself allows.
      if (seconds != null
          && nanos != null
          && seconds >= -62_135_596_800L
          && seconds <= 253_402_300_799L
          && nanos < 1_000_000_000L) {
        try {
          return Instant.ofEpochMilli(Instant.ofEpochSecond(seconds, nanos).toEpochMilli());
        } catch (DateTimeException | ArithmeticException e) {
          // falls through to the rejection below
        }
      }
      throw new RecordRejectedException(
          DeadLetterReason.INVALID_TIME, field + " is not a valid {seconds, nanos} timestamp");
    }
    throw new RecordRejectedException(
        DeadLetterReason.INVALID_TIME, field + " is a JSON " + kind(node) + ", not a timestamp");
  }

  private static String requiredText(JsonNode payload, String field, ObjectNode record) {
    JsonNode node = payload.get(field);
    if (node != null && !node.isNull() && !node.isValueNode()) {
      throw new RecordRejectedException(
          DeadLetterReason.WRONG_TYPE,
          "protoPayload." + field + " is a JSON " + kind(node) + ", not a string");
    }
    String value = Json.scalarText(node);
    if (value == null) {
      throw new RecordRejectedException(
          DeadLetterReason.MISSING_FIELD,
          "protoPayload."
              + field
              + " is absent"
              + lacking(record, ENTRY_KEYS, "; the record also lacks ")
              + ": not a complete AuditLog entry");
    }
    return value;
  }

  /** Names the LogEntry fields Cloud Logging always writes that the record lacks, if any. */
  private static String lacking(ObjectNode record, String[] keys, String lead) {
    List<String> absent = new ArrayList<>(keys.length);
    for (String key : keys) {
      if (member(record, key, key.toLowerCase(Locale.ROOT)) == null) {
        absent.add(key);
      }
    }
    return absent.isEmpty() ? "" : lead + String.join(", ", absent);
  }

  // ---- small helpers ------------------------------------------------------------------------

  /** A top-level member by its canonical name, else by the lower-cased name Panther writes. */
  private static JsonNode member(JsonNode record, String name, String lowerCased) {
    JsonNode value = record.get(name);
    return value != null ? value : record.get(lowerCased);
  }

  private static String payloadType(JsonNode payload) {
    for (String key : TYPE_KEYS) {
      String type = Json.text(payload, key);
      if (type != null) {
        return type;
      }
    }
    return null;
  }

  private static boolean isAuditLogType(String type) {
    return type.endsWith(AUDIT_LOG_TYPE);
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "…";
  }
}
