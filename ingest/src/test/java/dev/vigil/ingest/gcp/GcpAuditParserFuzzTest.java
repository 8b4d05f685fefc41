package dev.vigil.ingest.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.Source;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.ParserFuzzing;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Tag;

/**
 * Feeds arbitrary bytes and GCP-shaped entries through a normalizer with the GCP parser forced: no
 * input may throw, every input ends as at least one event or dead letter, and none of them is an
 * {@code INTERNAL_ERROR} (which would mean the parser itself failed). Runs the seeds under {@code
 * GcpAuditParserFuzzTestInputs/} in regression mode with every build; {@code JAZZER_FUZZ=1} fuzzes.
 */
@Tag("fuzz")
class GcpAuditParserFuzzTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Normalizer NORMALIZER =
      Normalizer.builder()
          .parser(new GcpAuditParser(Set.of("root@example.com")))
          .forceSource(Source.GCP_AUDIT)
          .build();

  private static final String[] SERVICES = {
    "secretmanager.googleapis.com", "k8s.io", "login.googleapis.com", "cloudkms.googleapis.com",
    "iam.googleapis.com", "logging.googleapis.com", "iamcredentials.googleapis.com", ""
  };
  private static final String[] METHODS = {
    "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
    "SetIamPolicy",
    "v1.compute.disks.setIamPolicy",
    "io.k8s.core.v1.secrets.get",
    "google.login.LoginService.loginFailure",
    "Decrypt",
    "google.logging.v2.ConfigServiceV2.DeleteSink",
    "GenerateAccessToken",
    "x.",
    ""
  };
  private static final String[] TIMES = {
    "2024-01-19 13:47:18.279921000",
    "2019-12-19T00:49:36.086Z",
    "2022-02-21T13:57:39.174555198Z",
    "+999999999-12-31T23:59:59Z",
    "2021-05-04T02:26:21Z",
    "..."
  };
  private static final String[] LOG_NAMES = {
    "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
    "organizations/1/logs/cloudaudit.googleapis.com%2Fdata_access",
    "projects/project",
    "folders/%2",
    "cloudaudit.googleapis.com%2F",
    "%"
  };

  @FuzzTest(maxDuration = "60s")
  void arbitraryBytes(byte[] input) {
    assertNormalizes(input);
  }

  @FuzzTest(maxDuration = "60s")
  void gcpShapedEntries(FuzzedDataProvider data) {
    ObjectNode entry = NODES.objectNode();
    if (data.consumeBoolean()) {
      entry.set(data.consumeBoolean() ? "insertId" : "insertid", value(data));
    }
    if (data.consumeBoolean()) {
      entry.set("logName", data.consumeBoolean() ? text(data, LOG_NAMES) : value(data));
    }
    if (data.consumeBoolean()) {
      entry.set("timestamp", time(data));
    }
    if (data.consumeBoolean()) {
      entry.set(data.consumeBoolean() ? "receiveTimestamp" : "receivetimestamp", time(data));
    }
    if (data.consumeBoolean()) {
      ObjectNode resource = entry.putObject("resource");
      resource.set("type", value(data));
      ObjectNode labels = resource.putObject("labels");
      for (String label : new String[] {"project_id", "location", "zone", "organization_id"}) {
        if (data.consumeBoolean()) {
          labels.set(label, value(data));
        }
      }
    }
    if (data.consumeBoolean()) {
      entry.set(data.consumeBoolean() ? "protoPayload" : "protopayload", payload(data));
    } else if (data.consumeBoolean()) {
      entry.set(data.consumeBoolean() ? "methodName" : "serviceData", value(data));
    }
    assertNormalizes(entry.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode payload(FuzzedDataProvider data) {
    if (data.consumeInt(0, 9) == 0) {
      return value(data);
    }
    ObjectNode payload = NODES.objectNode();
    String[] typeKeys = {"@type", "at_sign_type", "at_type"};
    if (data.consumeBoolean()) {
      payload.put(
          typeKeys[data.consumeInt(0, 2)],
          data.consumeBoolean()
              ? "type.googleapis.com/google.cloud.audit.AuditLog"
              : data.consumeString(40));
    }
    payload.set("serviceName", data.consumeBoolean() ? text(data, SERVICES) : value(data));
    payload.set("methodName", data.consumeBoolean() ? text(data, METHODS) : value(data));
    if (data.consumeBoolean()) {
      ObjectNode status = payload.putObject("status");
      status.set(
          "code", data.consumeBoolean() ? NODES.numberNode(data.consumeInt(-2, 20)) : value(data));
      status.set("message", value(data));
    }
    if (data.consumeBoolean()) {
      ObjectNode auth = payload.putObject("authenticationInfo");
      for (String key :
          new String[] {
            "principalEmail", "principalSubject", "serviceAccountKeyName", "authoritySelector"
          }) {
        if (data.consumeBoolean()) {
          auth.set(key, value(data));
        }
      }
      if (data.consumeBoolean()) {
        ArrayNode delegation = auth.putArray("serviceAccountDelegationInfo");
        delegation.addObject().set("principalSubject", value(data));
        delegation.add(value(data));
      }
      if (data.consumeBoolean()) {
        auth.putObject("oauthInfo").set("oauthClientId", value(data));
      }
    }
    if (data.consumeBoolean()) {
      ArrayNode checks = payload.putArray("authorizationInfo");
      for (int i = data.consumeInt(0, 4); i > 0; i--) {
        ObjectNode check = checks.addObject();
        check.set("granted", value(data));
        check.set("resource", value(data));
      }
    }
    if (data.consumeBoolean()) {
      ObjectNode metadata = payload.putObject("requestMetadata");
      metadata.set(data.consumeBoolean() ? "callerIp" : "callerIP", value(data));
      metadata.set("callerSuppliedUserAgent", value(data));
    }
    if (data.consumeBoolean()) {
      payload.set("resourceName", value(data));
    }
    if (data.consumeBoolean()) {
      payload.putObject("resourceLocation").putArray("currentLocations").add(value(data));
    }
    if (data.consumeBoolean()) {
      ObjectNode parameter =
          payload
              .putObject("metadata")
              .putArray("event")
              .addObject()
              .putArray("parameter")
              .addObject();
      parameter.set(
          "name", data.consumeBoolean() ? NODES.textNode("login_challenge_method") : value(data));
      parameter.set("multiStrValue", value(data));
      parameter.set("value", value(data));
    }
    if (data.consumeBoolean()) {
      payload
          .putObject("serviceData")
          .putObject("policyDelta")
          .set("auditConfigDeltas", value(data));
    }
    return payload;
  }

  private static JsonNode time(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 3)) {
      case 0 -> text(data, TIMES);
      case 1 -> {
        ObjectNode timestamp = NODES.objectNode();
        timestamp.put("seconds", data.consumeLong());
        timestamp.put("nanos", data.consumeLong());
        yield timestamp;
      }
      default -> value(data);
    };
  }

  private static JsonNode text(FuzzedDataProvider data, String[] choices) {
    return NODES.textNode(data.pickValue(choices));
  }

  /** Any JSON value, the wrong type as often as the right one. */
  private static JsonNode value(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 6)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(data.consumeLong());
      case 2 -> NODES.booleanNode(data.consumeBoolean());
      case 3 -> NODES.objectNode().put(data.consumeString(8), data.consumeString(16));
      case 4 -> NODES.arrayNode().add(data.consumeString(16));
      default -> NODES.textNode(data.consumeString(64));
    };
  }

  private static void assertNormalizes(byte[] input) {
    ParserFuzzing.assertHandled(
        NORMALIZER,
        input,
        event -> {
          assertThat(event.getOperation()).isNotNull();
          assertThat(event.getAction()).isNotNull();
        });
  }
}
