package dev.vigil.ingest.cloudtrail;

import static dev.vigil.ingest.cloudtrail.CloudTrailActors.first;
import static dev.vigil.ingest.cloudtrail.CloudTrailActors.text;

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
import dev.vigil.ingest.cloudtrail.CloudTrailOperations.Operation;
import dev.vigil.ingest.mapping.MappingTable;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.ingest.spi.IpAddresses;
import dev.vigil.ingest.spi.Json;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import dev.vigil.ingest.spi.Timestamps;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * AWS CloudTrail records (one event of a delivered file, a JSON line, a data-lake export with
 * lower-cased keys) to {@link AuditEvent}.
 *
 * <p>Design: the normalizer has unwrapped {@code {"Records":[...]}}, so each call sees one object.
 * Documents CloudTrail delivers beside events (digest files, Insights events) are recognized, so
 * they are dead-lettered as CloudTrail with {@code NOT_AN_AUDIT_EVENT}, not as an unknown format.
 * What an operation is comes from {@code mappings/cloudtrail.yaml} through {@link
 * CloudTrailOperations} (memoized per eventSource/eventName); what varies per record (decryption,
 * who created a credential for whom) is applied after the lookup, from the rule's flags. The actor
 * is {@link CloudTrailActors}, the target {@link CloudTrailTargets}. Request and response bodies
 * are read for identifiers and outcome only; nothing else from them leaves {@code raw}.
 *
 * <p>Outcome: {@code FAILURE} when {@code errorCode} is set (except an HTTP 2xx status written
 * there, as Amazon Managed Grafana does with {@code "200"}), or when a sign-in's {@code
 * responseElements.<eventName>} or {@code serviceEventDetails.<eventName>} is {@code Failure}
 * (failed console logins carry only an {@code errorMessage}); {@code SUCCESS} otherwise. Denied: an
 * {@code errorCode} containing {@code AccessDenied}, {@code Unauthorized} or {@code Forbidden}
 * (case-insensitive): {@code AccessDenied}, {@code AccessDeniedException}, {@code
 * VpceAccessDenied}, {@code Client.UnauthorizedOperation}, {@code UnauthorizedAccess}, {@code
 * ForbiddenException}. A failed login is an authentication failure, not a denial.
 */
public final class CloudTrailParser implements SourceParser {

  private static final String AWS_DOMAIN = ".amazonaws.com";
  private static final String INSIGHT_TYPE = "AwsCloudTrailInsight";

  /**
   * Where the event time is: CloudTrail's own field, then {@code @timestamp} (records shipped
   * through Logstash, which drop eventTime), then Panther's {@code p_event_time} (its copy of the
   * event's own time, in records that lost eventTime).
   */
  private static final List<String> TIME_FIELDS =
      List.of("eventTime", "@timestamp", "p_event_time");

  /**
   * CloudTrail's top-level keys by their lower-case spelling: data-lake exports (Snowflake,
   * Panther's data lake) lower-case column names, so {@code eventname} is {@code eventName}.
   */
  private static final Map<String, String> CANONICAL_KEYS =
      List.of(
              "eventVersion",
              "userIdentity",
              "eventTime",
              "eventSource",
              "eventName",
              "awsRegion",
              "sourceIPAddress",
              "userAgent",
              "errorCode",
              "errorMessage",
              "requestParameters",
              "responseElements",
              "additionalEventData",
              "serviceEventDetails",
              "requestID",
              "eventID",
              "eventType",
              "eventCategory",
              "recipientAccountId",
              "resources",
              "readOnly",
              "managementEvent",
              "sharedEventID",
              "insightDetails",
              "apiVersion")
          .stream()
          .collect(
              Collectors.toUnmodifiableMap(
                  key -> key.toLowerCase(Locale.ROOT), Function.identity()));

  /** What {@code cloudtrail.yaml} may say: the keys and flags {@link CloudTrailOperations} uses. */
  public static final MappingTable.Schema TABLE =
      new MappingTable.Schema(
          Source.AWS_CLOUDTRAIL,
          List.of("eventSource", "eventName", "verb"),
          List.of(CloudTrailOperations.REQUIRES_DECRYPTION, CloudTrailOperations.ROOT_CREDENTIAL));

  private final CloudTrailOperations operations;

  /** The parser with the built-in table. */
  public CloudTrailParser() {
    this(MappingTable.builtIn(TABLE));
  }

  /** A parser over a given table: the built-in one with a user's rules, or a test's. */
  public CloudTrailParser(MappingTable table) {
    this.operations = new CloudTrailOperations(table);
  }

  @Override
  public Source source() {
    return Source.AWS_CLOUDTRAIL;
  }

  /** Every key {@link #recognize} scores, in both spellings, and those of digest files. */
  private static final Set<String> RECOGNIZED_KEYS =
      Set.of(
          "digestStartTime",
          "logFiles",
          "eventSource",
          "eventsource",
          "eventName",
          "eventname",
          "eventVersion",
          "eventversion",
          "userIdentity",
          "useridentity",
          "awsRegion",
          "awsregion",
          "recipientAccountId",
          "recipientaccountid",
          "eventType",
          "eventtype",
          "insightDetails");

  @Override
  public boolean recognizesKey(String key) {
    return RECOGNIZED_KEYS.contains(key);
  }

  @Override
  public int recognize(SourceRecord input) {
    ObjectNode record = input.json();
    if (isDigest(record)) {
      return 10;
    }
    int score = 0;
    String eventSource = textual(record, "eventSource", "eventsource");
    if (eventSource != null) {
      score += eventSource.endsWith(AWS_DOMAIN) ? 4 : 1;
    }
    if (textual(record, "eventName", "eventname") != null) {
      score += 2;
    }
    if (textual(record, "eventVersion", "eventversion") != null) {
      score += 1;
    }
    if (record.path("userIdentity").isObject() || record.path("useridentity").isObject()) {
      score += 3;
    }
    if (textual(record, "awsRegion", "awsregion") != null) {
      score += 2;
    }
    if (textual(record, "recipientAccountId", "recipientaccountid") != null) {
      score += 1;
    }
    String eventType = textual(record, "eventType", "eventtype");
    if (eventType != null && eventType.startsWith("Aws")) {
      score += 3;
    }
    JsonNode insight = record.get("insightDetails");
    if (insight != null && insight.isObject()) {
      score += 4;
    }
    return score;
  }

  @Override
  public AuditEvent parse(SourceRecord input) {
    ObjectNode record = withCanonicalKeys(input.json());
    rejectNonEvents(record);
    String eventName = eventName(record);
    Instant time = time(record);
    String eventSource = text(record, "eventSource");
    JsonNode userIdentity = record.get("userIdentity");
    JsonNode requestParameters = record.get("requestParameters");

    Operation operation = operations.resolve(eventSource, eventName);
    Category category = operation.category();
    if (operation.has(CloudTrailOperations.REQUIRES_DECRYPTION)
        && !Boolean.TRUE.equals(Json.bool(requestParameters, "withDecryption"))) {
      // The caller got ciphertext (SecureString) or a plain config value, not a secret.
      category = Category.OTHER;
    }
    Actor actor =
        CloudTrailActors.actor(
            userIdentity, record.get("additionalEventData"), text(record, "awsRegion"));
    String selfCredentialOwner =
        operation.has(CloudTrailOperations.ROOT_CREDENTIAL)
                && text(requestParameters, "userName") == null
            ? actor.getId()
            : null;

    String eventId = EventIds.own(text(record, "eventID"));
    String errorCode = text(record, "errorCode");
    String service = service(eventSource);
    // Constructors rather than Avro's builders, which copy the schema's field list and check every
    // value again on every record.
    return new AuditEvent(
        eventId != null ? eventId : input.rawId(),
        time,
        Source.AWS_CLOUDTRAIL,
        category,
        operation.ocsfClassUid(),
        operation.action(),
        eventName,
        failed(record, eventName, errorCode) ? Outcome.FAILURE : Outcome.SUCCESS,
        errorCode != null && isDenial(errorCode),
        errorCode,
        text(record, "errorMessage"),
        actor,
        new Src(sourceIp(text(record, "sourceIPAddress")), text(record, "userAgent")),
        new Target(
            CloudTrailTargets.resource(
                service,
                eventSource,
                requestParameters,
                record.get("resources"),
                operation.target(),
                selfCredentialOwner),
            service,
            first(text(record, "recipientAccountId"), text(userIdentity, "accountId")),
            text(record, "awsRegion")),
        input.raw(),
        input.origin());
  }

  private static void rejectNonEvents(ObjectNode record) {
    if (isDigest(record)) {
      throw new RecordRejectedException(
          DeadLetterReason.NOT_AN_AUDIT_EVENT,
          "a CloudTrail digest file (digestStartTime, logFiles): an integrity manifest of"
              + " delivered log files, not an audit event");
    }
    if (INSIGHT_TYPE.equals(text(record, "eventType")) || record.has("insightDetails")) {
      throw new RecordRejectedException(
          DeadLetterReason.NOT_AN_AUDIT_EVENT,
          "a CloudTrail Insights event (eventType AwsCloudTrailInsight): a summary of unusual API"
              + " call rates, not an audit event of a call");
    }
  }

  private static boolean isDigest(ObjectNode record) {
    return record.has("digestStartTime") || record.has("logFiles") && record.has("awsAccountId");
  }

  private static String eventName(ObjectNode record) {
    JsonNode node = record.get("eventName");
    String eventName = Json.scalarText(node);
    if (eventName != null) {
      return eventName;
    }
    if (node != null && (node.isObject() || node.isArray())) {
      throw new RecordRejectedException(
          DeadLetterReason.WRONG_TYPE,
          "eventName is a JSON " + nodeType(node) + ", not the name of an API call");
    }
    throw new RecordRejectedException(
        DeadLetterReason.MISSING_FIELD,
        "the record has no eventName, which CloudTrail writes on every event: a trimmed or"
            + " hand-made excerpt");
  }

  private static Instant time(ObjectNode record) {
    for (String field : TIME_FIELDS) {
      JsonNode node = record.get(field);
      if (node == null || node.isNull()) {
        continue;
      }
      if (!node.isTextual()) {
        throw new RecordRejectedException(
            DeadLetterReason.WRONG_TYPE,
            field + " is a JSON " + nodeType(node) + ", not a timestamp string");
      }
      return Timestamps.parse(node.textValue(), field);
    }
    throw new RecordRejectedException(
        DeadLetterReason.MISSING_TIME,
        "the record has no eventTime (nor the @timestamp a log shipper puts in its place)");
  }

  /** {@code secretsmanager} for {@code secretsmanager.amazonaws.com}; other sources as given. */
  private static String service(String eventSource) {
    if (eventSource == null) {
      return null;
    }
    return eventSource.endsWith(AWS_DOMAIN) && eventSource.length() > AWS_DOMAIN.length()
        ? eventSource.substring(0, eventSource.length() - AWS_DOMAIN.length())
        : eventSource;
  }

  private static boolean failed(ObjectNode record, String eventName, String errorCode) {
    if (errorCode != null) {
      return !isHttpSuccess(errorCode);
    }
    return isFailure(record.get("responseElements"), eventName)
        || isFailure(record.get("serviceEventDetails"), eventName);
  }

  private static boolean isFailure(JsonNode details, String eventName) {
    String result = text(details, eventName);
    return result != null && result.equalsIgnoreCase("Failure");
  }

  /** An HTTP 2xx status in errorCode (Amazon Managed Grafana writes "200" on success). */
  private static boolean isHttpSuccess(String errorCode) {
    return errorCode.length() == 3
        && errorCode.charAt(0) == '2'
        && Character.isDigit(errorCode.charAt(1))
        && Character.isDigit(errorCode.charAt(2));
  }

  static boolean isDenial(String errorCode) {
    return containsIgnoreCase(errorCode, "AccessDenied")
        || containsIgnoreCase(errorCode, "Unauthorized")
        || containsIgnoreCase(errorCode, "Forbidden");
  }

  private static boolean containsIgnoreCase(String text, String part) {
    for (int i = 0; i + part.length() <= text.length(); i++) {
      if (text.regionMatches(true, i, part, 0, part.length())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The caller's IP: {@code sourceIPAddress} when it is an IP literal. Service hostnames, {@code
   * AWS Internal}, {@code redacted} and placeholders give none; a comma-separated list (a proxy
   * chain, client first) gives its first member that is an IP.
   */
  static String sourceIp(String sourceIpAddress) {
    if (sourceIpAddress == null) {
      return null;
    }
    int start = 0;
    while (start <= sourceIpAddress.length()) {
      int comma = sourceIpAddress.indexOf(',', start);
      int end = comma < 0 ? sourceIpAddress.length() : comma;
      String ip = IpAddresses.normalize(sourceIpAddress.substring(start, end));
      if (ip != null || comma < 0) {
        return ip;
      }
      start = comma + 1;
    }
    return null;
  }

  /** The record with lower-cased CloudTrail keys restored, when an export lower-cased them. */
  private static ObjectNode withCanonicalKeys(ObjectNode record) {
    if (record.has("eventName") || !record.has("eventname")) {
      return record;
    }
    ObjectNode canonical = record.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = CANONICAL_KEYS.getOrDefault(field.getKey(), field.getKey());
      if (!key.equals(field.getKey()) && record.has(key)) {
        key = field.getKey();
      }
      canonical.set(key, field.getValue());
    }
    return canonical;
  }

  private static String textual(ObjectNode record, String key, String lowerCaseKey) {
    return first(Json.scalarText(record.get(key)), Json.scalarText(record.get(lowerCaseKey)));
  }

  private static String nodeType(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
