package dev.vigil.ingest.cloudtrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.Source;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.ParserFuzzing;
import org.junit.jupiter.api.Tag;

/**
 * Feeds arbitrary bytes and CloudTrail-shaped records through a normalizer with the CloudTrail
 * parser forced: nothing may throw, every input must yield at least one event or dead letter (but
 * for an empty delivery, {@code []} or {@code {"Records":[]}}, which holds no record), and no dead
 * letter may be an {@code INTERNAL_ERROR} (a parser exception). Runs the seeds in {@code
 * CloudTrailParserFuzzTestInputs/} in regression mode during the build; {@code JAZZER_FUZZ=1}
 * fuzzes for real.
 */
@Tag("fuzz")
class CloudTrailParserFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Normalizer NORMALIZER =
      Normalizer.builder()
          .parser(new CloudTrailParser())
          .forceSource(Source.AWS_CLOUDTRAIL)
          .build();

  private static final String[] TOP_LEVEL_KEYS = {
    "eventVersion",
    "eventTime",
    "@timestamp",
    "p_event_time",
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
    "eventID",
    "eventType",
    "recipientAccountId",
    "resources",
    "userIdentity",
    "insightDetails",
    "digestStartTime",
    "logFiles",
    "eventname",
    "eventsource",
    "eventtime"
  };
  private static final String[] IDENTITY_TYPES = {
    "Root",
    "IAMUser",
    "AssumedRole",
    "FederatedUser",
    "SAMLUser",
    "WebIdentityUser",
    "AWSService",
    "AWSAccount",
    "IdentityCenterUser",
    "Unknown",
    ""
  };
  private static final String[] IDENTITY_KEYS = {
    "type",
    "arn",
    "principalId",
    "accountId",
    "accessKeyId",
    "userName",
    "invokedBy",
    "sessionContext",
    "onBehalfOf",
    "credentialId"
  };
  private static final String[] EVENT_NAMES = {
    "GetSecretValue",
    "BatchGetSecretValue",
    "GetParameters",
    "ConsoleLogin",
    "AssumeRole",
    "CreateAccessKey",
    "StopLogging",
    "Decrypt",
    "UpdateFunctionCode20150331v2",
    "action",
    "B",
    ""
  };
  private static final String[] EVENT_SOURCES = {
    "secretsmanager.amazonaws.com",
    "ssm.amazonaws.com",
    "signin.amazonaws.com",
    "sts.amazonaws.com",
    "iam.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "kms.amazonaws.com",
    ".amazonaws.com",
    "x"
  };
  private static final String[] TEXTS = {
    "2024-05-01T10:00:00Z",
    "2019-01-01 00:00:00.000000000",
    "...",
    "AWS Internal",
    "81.2.69.142, 192.168.10.10",
    "075.050.255.67",
    "::1",
    "[::1]",
    "AccessDenied",
    "200",
    "Client.UnauthorizedOperation",
    "Failure",
    "ANONYMOUS_PRINCIPAL",
    "arn:aws:iam::1:root",
    "HIDDEN_DUE_TO_SECURITY_REASONS",
    "Yes",
    "true",
    "AwsCloudTrailInsight",
    ""
  };
  private static final String[] REQUEST_KEYS = {
    "secretId",
    "secretIdList",
    "filters",
    "name",
    "names",
    "path",
    "withDecryption",
    "userName",
    "roleName",
    "groupName",
    "policyArn",
    "policyName",
    "bucketName",
    "key",
    "instanceIds",
    "instancesSet",
    "policyDocument",
    "values",
    "ARN",
    "arn"
  };

  @FuzzTest
  void arbitraryBytes(byte[] input) {
    assertNormalizes(input);
  }

  @FuzzTest
  void cloudTrailShaped(FuzzedDataProvider data) throws Exception {
    ObjectNode record = NODES.objectNode();
    int fields = data.consumeInt(0, 14);
    for (int i = 0; i < fields; i++) {
      String key = data.pickValue(TOP_LEVEL_KEYS);
      record.set(key, valueFor(key, data, 0));
    }
    JsonNode document = record;
    if (data.consumeBoolean()) {
      ArrayNode records = NODES.arrayNode();
      records.add(record);
      if (data.consumeBoolean()) {
        records.add(NODES.textNode(data.consumeString(8)));
      }
      document = NODES.objectNode().set("Records", records);
    }
    assertNormalizes(JSON.writeValueAsBytes(document));
  }

  private static JsonNode valueFor(String key, FuzzedDataProvider data, int depth) {
    return switch (key) {
      case "eventName", "eventname" ->
          data.consumeBoolean()
              ? NODES.textNode(data.pickValue(EVENT_NAMES))
              : anyValue(data, depth);
      case "eventSource", "eventsource" ->
          data.consumeBoolean()
              ? NODES.textNode(data.pickValue(EVENT_SOURCES))
              : anyValue(data, depth);
      case "userIdentity" -> identity(data, depth);
      case "requestParameters", "responseElements", "additionalEventData", "serviceEventDetails" ->
          objectOf(REQUEST_KEYS, data, depth);
      case "resources", "logFiles" -> {
        ArrayNode array = NODES.arrayNode();
        int members = data.consumeInt(0, 3);
        for (int i = 0; i < members; i++) {
          array.add(
              data.consumeBoolean() ? objectOf(REQUEST_KEYS, data, depth) : anyValue(data, depth));
        }
        yield array;
      }
      default -> anyValue(data, depth);
    };
  }

  private static JsonNode identity(FuzzedDataProvider data, int depth) {
    if (data.consumeBoolean()) {
      return anyValue(data, depth);
    }
    ObjectNode identity = objectOf(IDENTITY_KEYS, data, depth);
    if (data.consumeBoolean()) {
      identity.put("type", data.pickValue(IDENTITY_TYPES));
    }
    return identity;
  }

  private static ObjectNode objectOf(String[] keys, FuzzedDataProvider data, int depth) {
    ObjectNode object = NODES.objectNode();
    int fields = data.consumeInt(0, 5);
    for (int i = 0; i < fields; i++) {
      object.set(data.pickValue(keys), anyValue(data, depth + 1));
    }
    return object;
  }

  private static JsonNode anyValue(FuzzedDataProvider data, int depth) {
    int kind = data.consumeInt(0, depth > 3 ? 5 : 7);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(data.consumeBoolean());
      case 2 -> NODES.numberNode(data.consumeLong());
      case 3 -> NODES.textNode(data.pickValue(TEXTS));
      case 4, 5 -> NODES.textNode(data.consumeString(40));
      case 6 -> objectOf(data.consumeBoolean() ? REQUEST_KEYS : IDENTITY_KEYS, data, depth);
      default -> {
        ArrayNode array = NODES.arrayNode();
        array.add(anyValue(data, depth + 1));
        array.add(NODES.textNode(data.consumeString(20)));
        yield array;
      }
    };
  }

  private static void assertNormalizes(byte[] input) {
    ParserFuzzing.assertHandled(
        NORMALIZER,
        input,
        event -> {
          assertThat(event.getSource()).isEqualTo(Source.AWS_CLOUDTRAIL);
          assertThat(event.getOperation()).isNotEmpty();
        });
  }
}
