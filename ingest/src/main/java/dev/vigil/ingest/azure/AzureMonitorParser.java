package dev.vigil.ingest.azure;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RecordRejectedException;
import dev.vigil.ingest.azure.AzureFields.Field;
import dev.vigil.ingest.mapping.Mapping;
import dev.vigil.ingest.mapping.MappingTable;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.ingest.spi.IpAddresses;
import dev.vigil.ingest.spi.Json;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import dev.vigil.ingest.spi.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Azure Monitor records: Activity Log (Event Hub/storage schema and REST/portal schema), Key Vault
 * {@code AuditEvent}, Entra ID sign-in and audit logs, and other resource logs (Storage, Event Hubs
 * OperationalLogs), one record at a time, as JSON lines or inside {@code {"records":[...]}} /
 * {@code {"value":[...]}} (the normalizer unwraps both).
 *
 * <p>Design: the record's top-level keys are indexed once, case-insensitively ({@link
 * AzureFields}), because the same field arrives in three casings. The record's kind (activity, Key
 * Vault, sign-in, Entra audit, other resource log) decides where the actor, target and outcome
 * live; the category and action come from the {@code mappings/azure.yaml} table (documented in its
 * header). Table lookups are cached per (kind, category, operation, sign-in error) as spelled, all
 * of bounded cardinality; the table sees them lower-cased, since Azure spells one operation in
 * several cases. So the glob matching runs once per distinct operation, not per record. JSON held
 * in strings ({@code properties}, {@code requestbody}, {@code properties.statusMessage}) is parsed
 * only when a field inside it is needed, and nothing from a request or response body is copied into
 * the event. Outcome trusts the HTTP status over {@code resultType} (Key Vault writes {@code
 * resultType: Success} on a 403), and an authorization refusal is always a failure. Stateless and
 * thread-safe apart from the lookup cache, which is a concurrent map.
 */
public final class AzureMonitorParser implements SourceParser {

  /** A cap on cached lookups, so that a stream of invented operation names cannot grow memory. */
  private static final int CACHE_LIMIT = 10_000;

  /** Sign-in error codes kept as text: the YAML matches on them. */
  private static final String SIGN_IN_SUCCESS = "0";

  private static final ObjectMapper EMBEDDED_JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(NormalizerLimits.DEFAULTS.maxDepth())
                      .build())
              .build());

  private static final String CLAIM_OBJECT_ID =
      "http://schemas.microsoft.com/identity/claims/objectidentifier";
  private static final String CLAIM_UPN =
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";
  private static final String CLAIM_NAME =
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
  private static final String CLAIM_EMAIL =
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
  private static final String CLAIM_SPN =
      "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/spn";
  private static final String CLAIM_AMR =
      "http://schemas.microsoft.com/claims/authnmethodsreferences";
  private static final String CLAIM_TENANT =
      "http://schemas.microsoft.com/identity/claims/tenantid";

  /** What a record is; decides where its actor, target and outcome live. */
  enum Kind {
    ACTIVITY("activity"),
    KEYVAULT("keyvault"),
    SIGNIN("signin"),
    ENTRA_AUDIT("entra_audit"),
    RESOURCE("resource");

    final String key;

    Kind(String key) {
      this.key = key;
    }
  }

  /**
   * A table lookup with its flags read out, cached per distinct key. {@code action} is the table's
   * (null when it leaves it open), {@code derivedAction} the verb read from the operation's name.
   */
  private record Resolved(
      Category category,
      String action,
      String derivedAction,
      int ocsfClassUid,
      boolean root,
      boolean denied,
      boolean accessPoliciesInBody) {}

  private final MappingTable table;

  private record LookupKey(Kind kind, String category, String operation, String signInError) {
    // equals, hashCode and toString are written out, not generated: on JDK 17 the generated ones
    // cache a
    // method handle whose type names this record (JDK-8078641, fixed in 18), which keeps a Flink
    // job's class loader alive after the job ends; this key is hashed for every record.
    @Override
    public boolean equals(Object other) {
      return other instanceof LookupKey that
          && kind == that.kind
          && Objects.equals(category, that.category)
          && Objects.equals(operation, that.operation)
          && Objects.equals(signInError, that.signInError);
    }

    @Override
    public int hashCode() {
      // No varargs array: this runs for every record.
      int hash = Objects.hashCode(kind);
      hash = 31 * hash + Objects.hashCode(category);
      hash = 31 * hash + Objects.hashCode(operation);
      hash = 31 * hash + Objects.hashCode(signInError);
      return hash;
    }

    @Override
    public String toString() {
      return "LookupKey["
          + "kind="
          + kind
          + ", category="
          + category
          + ", operation="
          + operation
          + ", signInError="
          + signInError
          + "]";
    }
  }

  private final Map<LookupKey, Resolved> resolved = new ConcurrentHashMap<>();

  /** What {@code azure.yaml} may say: the keys {@link #lookup} supplies, the flags it reads. */
  public static final MappingTable.Schema TABLE =
      new MappingTable.Schema(
          Source.AZURE_MONITOR,
          List.of("kind", "category", "operationName", "signInError", "verb"),
          List.of("root", "denied", "access_policies_in_body"));

  /** The parser with the built-in table. */
  public AzureMonitorParser() {
    this(MappingTable.builtIn(TABLE));
  }

  /** A parser over a given table: the built-in one with a user's rules, or a test's. */
  public AzureMonitorParser(MappingTable table) {
    this.table = table;
  }

  @Override
  public Source source() {
    return Source.AZURE_MONITOR;
  }

  /** The fields {@link #recognize} scores without another one present, in any case. */
  private static final Set<Field> RECOGNIZED_FIELDS =
      EnumSet.of(
          Field.OPERATION_NAME,
          Field.RESOURCE_ID,
          Field.EVENT_DATA_ID,
          Field.SUBMISSION_TIMESTAMP,
          Field.IDENTITY,
          Field.EVENT_TIME_STRING,
          Field.ACTIVITY_DISPLAY_NAME);

  @Override
  public boolean recognizesKey(String key) {
    Field field = AzureFields.field(key);
    return field != null && RECOGNIZED_FIELDS.contains(field);
  }

  @Override
  public int recognize(SourceRecord record) {
    AzureFields f = record.view(AzureFields.READER);
    int score = 0;
    // Not EventName: CloudTrail's eventName would match it, whatever its case.
    boolean operation = f.valueText(Field.OPERATION_NAME) != null;
    String resourceId = f.text(Field.RESOURCE_ID);
    if (resourceId != null
        && (startsWithIgnoreCase(resourceId, "/subscriptions/")
            || startsWithIgnoreCase(resourceId, "/tenants/")
            || startsWithIgnoreCase(resourceId, "/providers/"))) {
      score += 40;
    }
    if (f.has(Field.EVENT_DATA_ID) || f.has(Field.SUBMISSION_TIMESTAMP)) {
      score += 40;
    }
    JsonNode identity = f.get(Field.IDENTITY);
    if (identity != null
        && identity.isObject()
        && (identity.has("claims") || identity.has("claim") || identity.has("authorization"))) {
      score += 30;
    }
    if (f.has(Field.EVENT_TIME_STRING)) {
      score += 30;
    }
    if (f.has(Field.ACTIVITY_DISPLAY_NAME)
        && (f.has(Field.INITIATED_BY)
            || f.has(Field.TARGET_RESOURCES)
            || f.has(Field.LOGGED_BY_SERVICE))) {
      score += 40;
    }
    if (operation) {
      score += 20;
      if (f.valueText(Field.CATEGORY) != null) {
        score += 20;
      }
      if (f.has(Field.CALLER_IP_ADDRESS)
          || f.has(Field.CORRELATION_ID)
          || f.has(Field.EVENT_TIMESTAMP)
          || f.has(Field.RESULT_TYPE)) {
        score += 10;
      }
    }
    return Math.min(score, 100);
  }

  @Override
  public AuditEvent parse(SourceRecord input) {
    ObjectNode record = input.json();
    AzureFields f = input.view(AzureFields.READER);
    Instant time = time(f);
    String operation = operation(f);
    JsonNode properties = embeddedObject(f.get(Field.PROPERTIES));
    // Entra audit and sign-in details live in 'properties' when delivered by diagnostic settings,
    // and at the top level in Microsoft Graph exports.
    JsonNode body =
        properties != null ? properties : f.has(Field.ACTIVITY_DISPLAY_NAME) ? record : null;
    String category = f.valueText(Field.CATEGORY);
    Kind kind = kind(f, category, operation, body);

    String signInError = kind == Kind.SIGNIN ? signInError(f, body) : null;
    String tableCategory =
        kind == Kind.ENTRA_AUDIT && Json.text(body, "category") != null
            ? Json.text(body, "category")
            : category;
    Resolved mapping = lookup(kind, tableCategory, operation, signInError);

    Category eventCategory = mapping.category();
    int ocsf = mapping.ocsfClassUid();
    if (mapping.accessPoliciesInBody() && carriesAccessPolicies(kind, properties)) {
      eventCategory = Category.POLICY_CHANGE;
      ocsf = 3008;
    }
    String action = mapping.action();
    if (action == null && kind == Kind.ENTRA_AUDIT) {
      action = auditAction(Json.text(body, "operationType"));
    }
    if (action == null) {
      action = mapping.derivedAction();
    }

    Verdict verdict = verdict(f, kind, properties, body, signInError, mapping.denied());
    Actor actor = actor(f, kind, category, body);
    if (mapping.root()) {
      actor.setRoot(true);
    }
    return new AuditEvent(
        eventId(f, kind, body, input),
        time,
        Source.AZURE_MONITOR,
        eventCategory,
        ocsf,
        action,
        operation,
        verdict.outcome(),
        verdict.denied(),
        verdict.errorCode(),
        verdict.errorMessage(),
        actor,
        new Src(sourceIp(f, body), userAgent(properties, body)),
        target(f, kind, properties, body),
        input.raw(),
        input.origin());
  }

  // ---- time, operation, kind ------------------------------------------------------------------

  /** Where the event time is, in order: Event Hub/storage, REST, resource logs, Graph exports. */
  private static final Field[] TIME_FIELDS = {
    Field.TIME, Field.EVENT_TIMESTAMP, Field.EVENT_TIME_STRING, Field.ACTIVITY_DATE_TIME
  };

  private static Instant time(AzureFields f) {
    for (Field field : TIME_FIELDS) {
      JsonNode value = f.get(field);
      if (value == null || value.isNull()) {
        continue;
      }
      if (value.isContainerNode()) {
        throw new RecordRejectedException(
            DeadLetterReason.WRONG_TYPE,
            fieldName(field)
                + " is a JSON "
                + value.getNodeType().name().toLowerCase(Locale.ROOT)
                + ", not a timestamp");
      }
      return Timestamps.parse(Json.scalarText(value), fieldName(field));
    }
    throw new RecordRejectedException(
        DeadLetterReason.MISSING_TIME,
        "the record has no event time (none of time, eventTimestamp, EventTimeString,"
            + " activityDateTime)");
  }

  private static String fieldName(Field field) {
    return switch (field) {
      case TIME -> "time";
      case EVENT_TIMESTAMP -> "eventTimestamp";
      case EVENT_TIME_STRING -> "EventTimeString";
      default -> "activityDateTime";
    };
  }

  private static String operation(AzureFields f) {
    String operation = f.valueText(Field.OPERATION_NAME);
    if (operation == null) {
      operation = f.text(Field.EVENT_NAME);
    }
    if (operation == null) {
      operation = f.text(Field.ACTIVITY_DISPLAY_NAME);
    }
    if (operation == null) {
      throw new RecordRejectedException(
          DeadLetterReason.MISSING_FIELD,
          "the record has no operation (operationName, EventName or activityDisplayName)");
    }
    return operation;
  }

  private static Kind kind(AzureFields f, String category, String operation, JsonNode body) {
    if (category != null && endsWithIgnoreCase(category, "SignInLogs")
        || "Sign-in activity".equalsIgnoreCase(operation)) {
      return Kind.SIGNIN;
    }
    if ("AuditEvent".equalsIgnoreCase(category)) {
      return Kind.KEYVAULT;
    }
    if ("AuditLogs".equalsIgnoreCase(category)
        || body != null
            && (body.has("initiatedBy")
                || body.has("activityDisplayName")
                || body.has("loggedByService"))) {
      return Kind.ENTRA_AUDIT;
    }
    if (operation.indexOf('/') > 0) {
      return Kind.ACTIVITY;
    }
    return Kind.RESOURCE;
  }

  // ---- mapping table --------------------------------------------------------------------------

  private Resolved lookup(Kind kind, String category, String operation, String signInError) {
    // Keyed by the spellings as they arrive: lower-casing and joining them into one string for
    // every record cost more than the lookup; a few case variants of one operation share a result.
    LookupKey cacheKey = new LookupKey(kind, category, operation, signInError);
    Resolved hit = resolved.get(cacheKey);
    if (hit != null) {
      return hit;
    }
    String lowerCategory = category == null ? "" : category.toLowerCase(Locale.ROOT);
    String lowerOperation = operation.toLowerCase(Locale.ROOT);
    Map<String, String> keys = new HashMap<>(8);
    keys.put("kind", kind.key);
    keys.put("operationName", lowerOperation);
    if (category != null) {
      keys.put("category", lowerCategory);
    }
    if (signInError != null) {
      keys.put("signInError", signInError);
    }
    String derived = derivedAction(kind, operation);
    keys.put("verb", derived);
    Resolved result =
        table
            .lookup(keys)
            .map(mapping -> resolve(mapping, derived))
            .orElse(new Resolved(Category.OTHER, null, derived, 6003, false, false, false));
    if (resolved.size() < CACHE_LIMIT) {
      resolved.putIfAbsent(cacheKey, result);
    }
    return result;
  }

  private static Resolved resolve(Mapping mapping, String derivedAction) {
    return new Resolved(
        mapping.category(),
        mapping.action(),
        derivedAction,
        mapping.ocsfClassUid() != null ? mapping.ocsfClassUid() : 6003,
        mapping.has("root"),
        mapping.has("denied"),
        mapping.has("access_policies_in_body"));
  }

  /**
   * True when a vault write sets access policies: the activity log's request body ({@code
   * properties.requestbody}, string or object) or Key Vault's {@code properties.properties}.
   */
  private static boolean carriesAccessPolicies(Kind kind, JsonNode properties) {
    if (properties == null) {
      return false;
    }
    JsonNode vaultProperties;
    if (kind == Kind.KEYVAULT) {
      vaultProperties = embeddedObject(properties.get("properties"));
    } else {
      JsonNode body = properties.get("requestbody");
      if (body == null) {
        body = properties.get("requestBody");
      }
      JsonNode request = embeddedObject(body);
      vaultProperties = request == null ? null : request.get("properties");
    }
    return vaultProperties != null
        && vaultProperties.isObject()
        && vaultProperties.has("accessPolicies");
  }

  private static String auditAction(String operationType) {
    if (operationType == null) {
      return null;
    }
    return switch (operationType.toLowerCase(Locale.ROOT)) {
      case "add", "create", "assign" -> "create";
      case "update", "patch" -> "update";
      case "delete", "remove", "unassign" -> "delete";
      default -> "other";
    };
  }

  /**
   * The verb of an operation the table leaves open: an ARM operation's last segment ({@code
   * .../write} is create-or-update in ARM, reported as update; {@code .../<verb>/action} from its
   * verb), or a leading or trailing verb of a resource-log name ({@code GetBlob}, {@code
   * SecretGet}).
   */
  static String derivedAction(Kind kind, String operation) {
    String lower = operation.toLowerCase(Locale.ROOT);
    if (kind == Kind.ACTIVITY || lower.indexOf('/') > 0) {
      int last = lower.lastIndexOf('/');
      String segment = lower.substring(last + 1);
      switch (segment) {
        case "write":
          return "update";
        case "delete":
          return "delete";
        case "read":
          return "read";
        case "action":
          int previous = lower.lastIndexOf('/', last - 1);
          return verbOf(lower.substring(previous + 1, last));
        default:
          return verbOf(segment);
      }
    }
    return verbOf(lower);
  }

  private static final List<Map.Entry<String, String>> VERBS =
      List.of(
          Map.entry("get", "read"),
          Map.entry("read", "read"),
          Map.entry("retrieve", "read"),
          Map.entry("retreive", "read"),
          Map.entry("download", "read"),
          Map.entry("list", "list"),
          Map.entry("enumerate", "list"),
          Map.entry("publish", "create"),
          Map.entry("create", "create"),
          Map.entry("put", "create"),
          Map.entry("add", "create"),
          Map.entry("set", "create"),
          Map.entry("import", "create"),
          Map.entry("upload", "create"),
          Map.entry("update", "update"),
          Map.entry("patch", "update"),
          Map.entry("write", "update"),
          Map.entry("recover", "update"),
          Map.entry("restore", "update"),
          Map.entry("regenerate", "update"),
          Map.entry("rotate", "update"),
          Map.entry("delete", "delete"),
          Map.entry("remove", "delete"),
          Map.entry("purge", "delete"),
          Map.entry("encrypt", "encrypt"),
          Map.entry("decrypt", "decrypt"),
          Map.entry("sign", "sign"),
          Map.entry("enable", "enable"),
          Map.entry("disable", "disable"),
          // Power and state changes, as AWS's Start/Stop/Reboot: restart before start, whose
          // suffix it carries.
          Map.entry("restart", "update"),
          Map.entry("start", "enable"),
          Map.entry("stop", "disable"),
          Map.entry("poweroff", "disable"),
          Map.entry("deallocate", "disable"),
          Map.entry("redeploy", "update"),
          Map.entry("reimage", "update"));

  private static String verbOf(String lowerName) {
    for (Map.Entry<String, String> verb : VERBS) {
      if (lowerName.startsWith(verb.getKey())) {
        return verb.getValue();
      }
    }
    for (Map.Entry<String, String> verb : VERBS) {
      if (lowerName.endsWith(verb.getKey())) {
        return verb.getValue();
      }
    }
    return "other";
  }

  // ---- outcome, denied, error -----------------------------------------------------------------

  private record Verdict(Outcome outcome, boolean denied, String errorCode, String errorMessage) {}

  private static Verdict verdict(
      AzureFields f,
      Kind kind,
      JsonNode properties,
      JsonNode body,
      String signInError,
      boolean deniedByTable) {
    if (kind == Kind.SIGNIN) {
      Outcome outcome =
          signInError == null
              ? outcomeOfWord(f.valueText(Field.RESULT_TYPE))
              : SIGN_IN_SUCCESS.equals(signInError) ? Outcome.SUCCESS : Outcome.FAILURE;
      if (deniedByTable) {
        outcome = Outcome.FAILURE;
      }
      if (outcome != Outcome.FAILURE) {
        return new Verdict(outcome, false, null, null);
      }
      return new Verdict(
          outcome,
          deniedByTable,
          SIGN_IN_SUCCESS.equals(signInError) ? null : signInError,
          firstNonNull(Json.text(body, "status.failureReason"), f.text(Field.RESULT_DESCRIPTION)));
    }
    if (kind == Kind.ENTRA_AUDIT) {
      String result = firstNonNull(Json.text(body, "result"), f.text(Field.RESULT));
      Outcome outcome = deniedByTable ? Outcome.FAILURE : outcomeOfWord(result);
      if (outcome != Outcome.FAILURE) {
        return new Verdict(outcome, false, null, null);
      }
      return new Verdict(outcome, deniedByTable, null, Json.text(body, "resultReason"));
    }

    Integer httpStatus = httpStatus(f, properties);
    String resultSignature = f.text(Field.RESULT_SIGNATURE);
    String subStatus = f.valueText(Field.SUB_STATUS);
    String propertiesStatus = Json.text(properties, "statusCode");
    String statusText = f.text(Field.STATUS_TEXT);
    String metricResponse = Json.text(properties, "metricResponseType");
    boolean denied =
        deniedByTable
            || httpStatus != null && (httpStatus == 401 || httpStatus == 403)
            || signatureDenies(resultSignature)
            || isDenialCode(subStatus)
            || isDenialCode(propertiesStatus)
            || isDenialCode(statusText)
            || metricResponse != null && endsWithIgnoreCase(metricResponse, "AuthorizationError");

    Outcome outcome;
    if (denied) {
      outcome = Outcome.FAILURE;
    } else if (httpStatus != null) {
      outcome = httpStatus >= 400 ? Outcome.FAILURE : Outcome.SUCCESS;
    } else {
      outcome = outcomeOfWord(f.valueText(Field.RESULT_TYPE));
      if (outcome == Outcome.UNKNOWN && f.valueText(Field.RESULT_TYPE) == null) {
        outcome = outcomeOfWord(f.valueText(Field.STATUS));
      }
      if (outcome == Outcome.UNKNOWN && metricResponse != null) {
        outcome = "Success".equalsIgnoreCase(metricResponse) ? Outcome.SUCCESS : Outcome.FAILURE;
      }
    }
    if (outcome != Outcome.FAILURE) {
      return new Verdict(outcome, false, null, null);
    }
    // Only a failure is worth parsing the error body for; it may also reveal a refusal.
    JsonNode error = errorObject(properties);
    String bodyCode = Json.text(error, "code");
    denied = denied || isDenialCode(bodyCode);
    String errorCode =
        firstNonNull(
            bodyCode,
            blankToNull(subStatus),
            statusText,
            failedSignature(resultSignature),
            propertiesStatus,
            httpStatus == null ? null : httpStatus.toString());
    String errorMessage =
        firstNonNull(f.text(Field.RESULT_DESCRIPTION), Json.text(error, "message"));
    return new Verdict(outcome, denied, errorCode, errorMessage);
  }

  /**
   * The HTTP status the record gives: Key Vault {@code properties.httpStatusCode} (or top-level),
   * Storage {@code statusCode}, or a {@code resultSignature} that is a bare status ({@code "403"}).
   */
  private static Integer httpStatus(AzureFields f, JsonNode properties) {
    Long status = Json.integer(properties, "httpStatusCode");
    if (status == null && f.has(Field.HTTP_STATUS_CODE)) {
      status = Json.integer(f.get(Field.HTTP_STATUS_CODE));
    }
    if (status == null && f.has(Field.STATUS_CODE)) {
      status = Json.integer(f.get(Field.STATUS_CODE));
    }
    if (status == null) {
      status = Json.integer(f.get(Field.RESULT_SIGNATURE));
    }
    return status != null && status >= 100 && status <= 599 ? status.intValue() : null;
  }

  /** The sign-in's error code: {@code properties.status.errorCode}, else a numeric resultType. */
  private static String signInError(AzureFields f, JsonNode body) {
    Long code = Json.integer(body, "status.errorCode");
    if (code == null) {
      code = Json.integer(f.get(Field.RESULT_TYPE));
    }
    return code == null ? null : code.toString();
  }

  private static Outcome outcomeOfWord(String word) {
    if (word == null) {
      return Outcome.UNKNOWN;
    }
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "success", "succeeded", "0" -> Outcome.SUCCESS;
      case "failed", "failure" -> Outcome.FAILURE;
      default -> Outcome.UNKNOWN;
    };
  }

  /**
   * {@code Forbidden}, {@code 403}, or a dotted signature with such a part ({@code
   * Failed.Forbidden}).
   */
  private static boolean signatureDenies(String signature) {
    if (signature == null) {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= signature.length(); i++) {
      if (i == signature.length() || signature.charAt(i) == '.' || signature.charAt(i) == ' ') {
        String part = signature.substring(start, i);
        if (isDenialCode(part) || "401".equals(part) || "403".equals(part)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static boolean isDenialCode(String code) {
    if (code == null) {
      return false;
    }
    return code.equalsIgnoreCase("Forbidden")
        || code.equalsIgnoreCase("Unauthorized")
        || code.equalsIgnoreCase("LinkedAuthorizationFailed")
        || code.equalsIgnoreCase("AuthorizationPermissionMismatch")
        || code.equalsIgnoreCase("AuthorizationFailure")
        || startsWithIgnoreCase(code, "AuthorizationFailed");
  }

  /** The signature of a failure, unless it is a plain success word ("Succeeded.Created"). */
  private static String failedSignature(String signature) {
    if (signature == null || startsWithIgnoreCase(signature, "Succeeded")) {
      return null;
    }
    return signature.equalsIgnoreCase("None") ? null : signature;
  }

  private static final String[] ERROR_BODIES = {"statusMessage", "responseBody"};

  /**
   * {@code error} of {@code properties.statusMessage} or {@code responseBody}, string or object.
   */
  private static JsonNode errorObject(JsonNode properties) {
    if (properties == null) {
      return null;
    }
    for (String key : ERROR_BODIES) {
      JsonNode message = embeddedObject(properties.get(key));
      if (message != null && message.path("error").isObject()) {
        return message.get("error");
      }
    }
    return null;
  }

  // ---- actor ----------------------------------------------------------------------------------

  private static Actor actor(AzureFields f, Kind kind, String category, JsonNode body) {
    return switch (kind) {
      case SIGNIN -> signInActor(f, category, body);
      case ENTRA_AUDIT -> auditActor(f, body);
      default -> callerActor(f);
    };
  }

  private static Actor signInActor(AzureFields f, String category, JsonNode body) {
    String userId = Json.text(body, "userId");
    String servicePrincipalId = Json.text(body, "servicePrincipalId");
    String upn = Json.text(body, "userPrincipalName");
    ActorType type;
    if (category != null
        && (startsWithIgnoreCase(category, "ServicePrincipal")
            || startsWithIgnoreCase(category, "ManagedIdentity")
            || startsWithIgnoreCase(category, "MicrosoftServicePrincipal"))) {
      type = ActorType.SERVICE;
    } else if (userId != null || upn != null) {
      type = ActorType.USER;
    } else if (servicePrincipalId != null) {
      type = ActorType.SERVICE;
    } else {
      type = ActorType.UNKNOWN;
    }
    String id =
        type == ActorType.SERVICE
            ? firstNonNull(servicePrincipalId, userId)
            : firstNonNull(userId, servicePrincipalId);
    String name =
        firstNonNull(
            upn,
            Json.text(body, "servicePrincipalName"),
            f.text(Field.IDENTITY),
            Json.text(body, "userDisplayName"),
            Json.text(body, "appDisplayName"));
    return new Actor(
        id,
        name,
        type,
        false,
        firstNonNull(Json.text(body, "sessionId"), f.text(Field.CORRELATION_ID)),
        signInAuthMethod(body),
        signInMfa(body),
        List.of());
  }

  private static String signInAuthMethod(JsonNode body) {
    JsonNode details = body == null ? null : body.get("authenticationDetails");
    if (details != null && details.isArray()) {
      Set<String> methods = new LinkedHashSet<>();
      for (JsonNode step : details) {
        String method = Json.text(step, "authenticationMethod");
        if (method != null) {
          methods.add(method);
        }
      }
      if (!methods.isEmpty()) {
        return String.join(", ", methods);
      }
    }
    String protocol = Json.text(body, "authenticationProtocol");
    if (protocol != null && !protocol.equalsIgnoreCase("none")) {
      return protocol;
    }
    String credential = Json.text(body, "clientCredentialType");
    return credential != null && !credential.equalsIgnoreCase("none") ? credential : null;
  }

  /**
   * MFA from a sign-in: required and met ({@code authenticationRequirement:
   * multiFactorAuthentication}, or an MFA detail or step), false for single-factor, else unknown.
   */
  private static Boolean signInMfa(JsonNode body) {
    String requirement = Json.text(body, "authenticationRequirement");
    if ("multiFactorAuthentication".equalsIgnoreCase(requirement)
        || Json.text(body, "mfaDetail.authMethod") != null) {
      return true;
    }
    JsonNode details = body == null ? null : body.get("authenticationDetails");
    if (details != null && details.isArray()) {
      for (JsonNode step : details) {
        String stepRequirement = Json.text(step, "authenticationStepRequirement");
        if (stepRequirement != null
            && stepRequirement.toLowerCase(Locale.ROOT).contains("multi")
            && Boolean.TRUE.equals(Json.bool(step, "succeeded"))) {
          return true;
        }
      }
    }
    return "singleFactorAuthentication".equalsIgnoreCase(requirement) ? false : null;
  }

  private static Actor auditActor(AzureFields f, JsonNode body) {
    JsonNode initiatedBy = body == null ? null : body.get("initiatedBy");
    JsonNode user = initiatedBy == null ? null : initiatedBy.get("user");
    JsonNode app = initiatedBy == null ? null : initiatedBy.get("app");
    String id = null;
    String name = null;
    ActorType type = ActorType.UNKNOWN;
    if (user != null && user.isObject()) {
      id = Json.text(user, "id");
      name = firstNonNull(Json.text(user, "userPrincipalName"), Json.text(user, "displayName"));
      type = ActorType.USER;
    } else if (app != null && app.isObject()) {
      id = firstNonNull(Json.text(app, "servicePrincipalId"), Json.text(app, "appId"));
      name = firstNonNull(Json.text(app, "displayName"), Json.text(app, "servicePrincipalName"));
      type = ActorType.SERVICE;
    }
    if (name == null) {
      name = f.text(Field.IDENTITY);
    }
    return new Actor(id, name, type, false, f.text(Field.CORRELATION_ID), null, null, List.of());
  }

  /**
   * The caller of an activity, Key Vault or resource-log record: token claims ({@code
   * identity.claims}, Key Vault's {@code identity.claim}, the REST schema's top-level {@code
   * claims}), the authorization evidence, {@code caller}, or a plain {@code identity} string.
   */
  private static Actor callerActor(AzureFields f) {
    JsonNode identity = f.get(Field.IDENTITY);
    JsonNode claims = null;
    JsonNode evidence = null;
    JsonNode requester = null;
    String identityType = null;
    if (identity != null && identity.isObject()) {
      claims = identity.has("claims") ? identity.get("claims") : identity.get("claim");
      evidence = identity.path("authorization").get("evidence");
      requester = identity.get("requester");
      identityType = Json.text(identity, "type");
    }
    if (claims == null || !claims.isObject()) {
      claims = f.get(Field.CLAIMS);
    }
    if (claims != null && !claims.isObject()) {
      claims = null;
    }

    String upn = claim(claims, CLAIM_UPN, "upn");
    String appId = claim(claims, "appid", "azp");
    String idType = claim(claims, "idtyp");
    String caller = f.text(Field.CALLER);
    // The first found of each list, read in turn: most records stop at the first or second.
    String id = claim(claims, CLAIM_OBJECT_ID, "oid");
    if (id == null) {
      id = Json.text(requester, "objectId");
    }
    if (id == null) {
      id = Json.text(evidence, "principalId");
    }
    String name = upn;
    if (name == null) {
      name = Json.text(requester, "upn");
    }
    if (name == null) {
      name = caller;
    }
    if (name == null) {
      name = trimmed(claim(claims, CLAIM_NAME, "unique_name"));
    }
    if (name == null) {
      name = claim(claims, "name");
    }
    if (name == null) {
      name = claim(claims, CLAIM_EMAIL, "email");
    }
    if (name == null) {
      name = claim(claims, CLAIM_SPN);
    }
    if (name == null && identity != null && identity.isTextual()) {
      name = Json.scalarText(identity);
    }

    ActorType type;
    if (upn != null || "user".equalsIgnoreCase(idType)) {
      type = ActorType.USER;
    } else if ("app".equalsIgnoreCase(idType)
        || claim(claims, CLAIM_SPN) != null
        || appId != null && (name == null || name.indexOf('@') < 0)) {
      type = ActorType.SERVICE;
    } else if (name != null && name.indexOf('@') > 0) {
      type = ActorType.USER;
    } else {
      String principalType = Json.text(evidence, "principalType");
      type =
          "User".equalsIgnoreCase(principalType)
              ? ActorType.USER
              : "ServicePrincipal".equalsIgnoreCase(principalType)
                  ? ActorType.SERVICE
                  : ActorType.UNKNOWN;
    }
    if (type == ActorType.SERVICE) {
      id = firstNonNull(id, appId);
      name = firstNonNull(name, appId);
    }

    String amr = claimList(claims, CLAIM_AMR, "amr");
    Boolean mfa = amr == null ? null : amr.toLowerCase(Locale.ROOT).contains("mfa");
    String role = Json.text(evidence, "role");
    return new Actor(
        id,
        name,
        type,
        false,
        f.text(Field.CORRELATION_ID),
        firstNonNull(amr, identityType),
        mfa,
        role == null ? List.of() : List.of(role));
  }

  private static String claim(JsonNode claims, String... keys) {
    if (claims == null) {
      return null;
    }
    for (String key : keys) {
      String value = Json.scalarText(claims.get(key));
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** A claim that is a string ({@code "rsa,mfa"}) in v1 tokens and an array in v2 tokens. */
  private static String claimList(JsonNode claims, String... keys) {
    if (claims == null) {
      return null;
    }
    for (String key : keys) {
      JsonNode value = claims.get(key);
      if (value != null && value.isArray()) {
        List<String> parts = new ArrayList<>(value.size());
        value.forEach(part -> parts.add(part.asText()));
        return parts.isEmpty() ? null : String.join(",", parts);
      }
      String text = Json.scalarText(value);
      if (text != null) {
        return text;
      }
    }
    return null;
  }

  // ---- src, target, event id ------------------------------------------------------------------

  private static String sourceIp(AzureFields f, JsonNode body) {
    String ip = IpAddresses.normalizeHostPort(f.text(Field.CALLER_IP_ADDRESS));
    if (ip == null) {
      ip = IpAddresses.normalizeHostPort(f.text(Field.IP_ADDRESS));
    }
    if (ip == null) {
      ip = IpAddresses.normalizeHostPort(Json.text(body, "ipAddress"));
    }
    if (ip == null) {
      ip = IpAddresses.normalizeHostPort(Json.text(body, "initiatedBy.user.ipAddress"));
    }
    if (ip == null) {
      ip = IpAddresses.normalizeHostPort(Json.text(f.get(Field.HTTP_REQUEST), "clientIpAddress"));
    }
    return ip;
  }

  /**
   * The caller's user agent: sign-in {@code userAgent}, Storage {@code userAgentHeader}, Key Vault
   * {@code clientInfo} (unless it is a bare application GUID, which names no agent), or an Entra
   * audit {@code User-Agent} detail.
   */
  private static String userAgent(JsonNode properties, JsonNode body) {
    String agent =
        firstNonNull(
            Json.text(body, "userAgent"),
            Json.text(properties, "userAgentHeader"),
            clientInfo(Json.text(properties, "clientInfo")));
    if (agent == null && body != null && body.path("additionalDetails").isArray()) {
      for (JsonNode detail : body.get("additionalDetails")) {
        if ("User-Agent".equalsIgnoreCase(Json.text(detail, "key"))) {
          return Json.text(detail, "value");
        }
      }
    }
    return agent;
  }

  private static String clientInfo(String clientInfo) {
    if (clientInfo == null || isGuid(clientInfo)) {
      return null;
    }
    return clientInfo;
  }

  private static Target target(AzureFields f, Kind kind, JsonNode properties, JsonNode body) {
    String resourceId =
        firstNonNull(
            f.text(Field.RESOURCE_ID),
            Json.text(properties, "entity"),
            Json.text(f.get(Field.AUTHORIZATION), "scope"));
    String account = account(f, resourceId);
    String region = firstNonNull(f.text(Field.LOCATION), f.text(Field.REGION));
    String resource = resourceId;
    String type = null;
    switch (kind) {
      case KEYVAULT -> {
        AzureResourceIds.KeyVaultObject object =
            AzureResourceIds.keyVaultObject(Json.text(properties, "id"));
        if (object == null) {
          object = AzureResourceIds.keyVaultObject(Json.text(properties, "requestUri"));
        }
        if (object != null) {
          resource = object.id();
          type = object.type();
        }
      }
      case SIGNIN -> {
        resource =
            firstNonNull(
                Json.text(body, "resourceId"), Json.text(body, "resourceDisplayName"), resourceId);
        // A sign-in's 'location' is the caller's country, not a region of the target.
        region = null;
      }
      case ENTRA_AUDIT -> {
        JsonNode first = body == null ? null : body.path("targetResources").path(0);
        String targetId =
            firstNonNull(
                Json.text(first, "userPrincipalName"),
                Json.text(first, "id"),
                Json.text(first, "displayName"));
        if (targetId != null) {
          resource = targetId;
          type = Json.text(first, "type");
        }
        region = null;
      }
      case RESOURCE -> {
        String object = Json.text(properties, "objectKey");
        if (object != null) {
          resource = object;
        } else if (resource == null && f.text(Field.URI) != null) {
          String uri = f.text(Field.URI);
          int query = uri.indexOf('?');
          resource = query < 0 ? uri : uri.substring(0, query);
        }
      }
      default -> {}
    }
    if (type == null) {
      String restType = f.valueText(Field.RESOURCE_TYPE);
      type = restType != null ? lower(restType) : AzureResourceIds.type(resourceId);
    }
    return new Target(resource, type, account, region);
  }

  /**
   * The subscription or tenant the target belongs to, the first found of: the resource id's
   * subscription, {@code subscriptionId}, the resource id's tenant, {@code tenantId}, the token's
   * tenant claim. Tried in turn, since one is nearly always there.
   */
  private static String account(AzureFields f, String resourceId) {
    String account = AzureResourceIds.subscription(resourceId);
    if (account == null) {
      account = lower(f.text(Field.SUBSCRIPTION_ID));
    }
    if (account == null) {
      account = AzureResourceIds.tenant(resourceId);
    }
    if (account == null) {
      account = lower(f.text(Field.TENANT_ID));
    }
    if (account == null) {
      account = lower(claim(f.get(Field.CLAIMS), CLAIM_TENANT));
    }
    return account;
  }

  /**
   * The record's own unique id where it has one: the REST schema's {@code eventDataId}, a sign-in's
   * or Entra audit entry's {@code id}; otherwise the SHA-256 of the raw record (Event Hub activity
   * records, Key Vault and resource logs carry only a correlation id, which several records share).
   */
  private static String eventId(AzureFields f, Kind kind, JsonNode body, SourceRecord input) {
    String own = EventIds.own(f.text(Field.EVENT_DATA_ID));
    if (own == null && (kind == Kind.SIGNIN || kind == Kind.ENTRA_AUDIT)) {
      own = EventIds.own(Json.text(body, "id"));
    }
    return own != null ? own : input.rawId();
  }

  // ---- small helpers --------------------------------------------------------------------------

  /**
   * An object given as an object or as JSON in a string; null when absent, empty, not an object, or
   * not valid JSON (an embedded body that does not parse is not a defect of the record).
   */
  static JsonNode embeddedObject(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isObject()) {
      return node;
    }
    if (!node.isTextual()) {
      return null;
    }
    String text = node.textValue().trim();
    if (text.isEmpty() || text.charAt(0) != '{') {
      return null;
    }
    try {
      JsonNode parsed = EMBEDDED_JSON.readTree(text);
      return parsed != null && parsed.isObject() ? parsed : null;
    } catch (IOException e) {
      return null;
    }
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static String trimmed(String text) {
    return text == null ? null : blankToNull(text.trim());
  }

  private static String lower(String text) {
    return text == null ? null : text.toLowerCase(Locale.ROOT);
  }

  private static boolean isGuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : Character.digit(c, 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithIgnoreCase(String text, String prefix) {
    return text.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private static boolean endsWithIgnoreCase(String text, String suffix) {
    return text.length() >= suffix.length()
        && text.regionMatches(true, text.length() - suffix.length(), suffix, 0, suffix.length());
  }
}
