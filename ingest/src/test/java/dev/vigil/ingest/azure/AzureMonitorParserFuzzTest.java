package dev.vigil.ingest.azure;

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
 * No input may throw out of the Azure parser: arbitrary bytes, and JSON built from the keys and
 * value shapes Azure records use (so the fuzzer reaches the parser's branches instead of stopping
 * at the JSON gate). Every input yields at least one event or dead letter, and never an {@code
 * INTERNAL_ERROR}, which is how the normalizer reports an exception that escaped a parser. Runs on
 * the seeds in {@code AzureMonitorParserFuzzTestInputs/} during the build; {@code JAZZER_FUZZ=1}
 * fuzzes for real.
 */
@Tag("fuzz")
class AzureMonitorParserFuzzTest {

  private static final Normalizer NORMALIZER =
      Normalizer.builder()
          .parser(new AzureMonitorParser())
          .forceSource(Source.AZURE_MONITOR)
          .build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String[] TOP_KEYS = {
    "time",
    "Time",
    "eventTimestamp",
    "EventTimeString",
    "activityDateTime",
    "operationName",
    "OperationName",
    "EventName",
    "activityDisplayName",
    "category",
    "resultType",
    "resulttype",
    "resultSignature",
    "resultDescription",
    "result",
    "status",
    "subStatus",
    "httpStatusCode",
    "statusCode",
    "statusText",
    "callerIpAddress",
    "CallerIPAddress",
    "ipAddress",
    "httpRequest",
    "correlationId",
    "eventDataId",
    "submissionTimestamp",
    "identity",
    "Identity",
    "claims",
    "caller",
    "authorization",
    "properties",
    "resourceId",
    "resourceType",
    "subscriptionId",
    "tenantId",
    "location",
    "Region",
    "uri",
    "initiatedBy",
    "targetResources",
    "loggedByService",
    "durationMs",
    "level",
    "Level",
    "evt"
  };

  private static final String[] NESTED_KEYS = {
    "value",
    "claims",
    "claim",
    "authorization",
    "evidence",
    "principalId",
    "principalType",
    "role",
    "http://schemas.microsoft.com/identity/claims/objectidentifier",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    "http://schemas.microsoft.com/claims/authnmethodsreferences",
    "oid",
    "upn",
    "appid",
    "amr",
    "idtyp",
    "id",
    "requestUri",
    "httpStatusCode",
    "clientInfo",
    "requestbody",
    "requestBody",
    "responseBody",
    "statusMessage",
    "statusCode",
    "properties",
    "accessPolicies",
    "error",
    "code",
    "message",
    "status",
    "errorCode",
    "failureReason",
    "userId",
    "userPrincipalName",
    "servicePrincipalId",
    "servicePrincipalName",
    "authenticationDetails",
    "authenticationMethod",
    "authenticationRequirement",
    "authenticationStepRequirement",
    "succeeded",
    "mfaDetail",
    "authMethod",
    "sessionId",
    "initiatedBy",
    "user",
    "app",
    "operationType",
    "category",
    "result",
    "targetResources",
    "type",
    "objectKey",
    "userAgent",
    "userAgentHeader",
    "additionalDetails",
    "key",
    "metricResponseType",
    "entity",
    "scope",
    "requester",
    "clientIpAddress"
  };

  private static final String[] STRINGS = {
    "2024-01-01T00:00:00.1234567Z",
    "12/12/2025 3:03:58 PM",
    "11/3/2020 9:06:42 AM +00:00",
    "2025-01-15 14:20:35.456",
    "Sign-in activity",
    "SignInLogs",
    "ServicePrincipalSignInLogs",
    "AuditEvent",
    "AuditLogs",
    "Administrative",
    "RoleManagement",
    "SecretGet",
    "KeyDelete",
    "VaultPatch",
    "Microsoft.Authorization/elevateAccess/action",
    "MICROSOFT.KEYVAULT/VAULTS/WRITE",
    "microsoft.storage/storageaccounts/listkeys/action",
    "User has elevated their access",
    "Success",
    "Succeeded",
    "Failed",
    "Failure",
    "Start",
    "0",
    "50126",
    "53003",
    "Forbidden",
    "AuthorizationFailed",
    "Failed.Forbidden",
    "403",
    "OK",
    "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v",
    "/SUBSCRIPTIONS/X/PROVIDERS/",
    "/tenants/t/providers/Microsoft.aadiam",
    "/providers/",
    "https://v.vault.azure.net/secrets/name/ver?api-version=7",
    "https://v.vault.azure.net/",
    "https://",
    "127.0.0.0/8",
    "5.5.5.5:1234",
    "2a02:cf40::1",
    "[::1]:80",
    "a@b.c",
    "d9da5048-2737-4770-bd64-0123456789ab",
    "multiFactorAuthentication",
    "rsa,mfa",
    "Add",
    "Assign",
    "Unassign",
    "{\"error\":{\"code\":\"AuthorizationFailed\"}}",
    "{\"properties\":{\"accessPolicies\":[]}}",
    "{",
    "{\"a\":",
    "",
    " ",
    "None",
    "Me"
  };

  @FuzzTest
  void arbitraryBytes(byte[] data) {
    assertHandled(data);
  }

  @FuzzTest
  void azureShapedJson(FuzzedDataProvider data) {
    ObjectNode record = NODES.objectNode();
    int keys = data.consumeInt(0, 14);
    for (int i = 0; i < keys && data.remainingBytes() > 0; i++) {
      record.set(data.pickValue(TOP_KEYS), value(data, 0));
    }
    String text;
    try {
      text = JSON.writeValueAsString(record);
    } catch (Exception e) {
      throw new AssertionError("test bug: could not write the generated record", e);
    }
    assertHandled(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    // The same record again, inside an envelope.
    assertHandled(
        ("{\"records\":[" + text + "]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonNode value(FuzzedDataProvider data, int depth) {
    int kind = data.consumeInt(0, depth > 3 ? 5 : 8);
    return switch (kind) {
      case 0 -> NODES.textNode(data.pickValue(STRINGS));
      case 1 -> NODES.textNode(data.consumeString(40));
      case 2 -> NODES.numberNode(data.consumeInt());
      case 3 -> NODES.booleanNode(data.consumeBoolean());
      case 4 -> NODES.nullNode();
      case 5 -> NODES.numberNode(data.consumeDouble());
      case 6 -> {
        ObjectNode object = NODES.objectNode();
        int keys = data.consumeInt(0, 6);
        for (int i = 0; i < keys && data.remainingBytes() > 0; i++) {
          object.set(data.pickValue(NESTED_KEYS), value(data, depth + 1));
        }
        yield object;
      }
      case 7 -> {
        ArrayNode array = NODES.arrayNode();
        int items = data.consumeInt(0, 3);
        for (int i = 0; i < items && data.remainingBytes() > 0; i++) {
          array.add(value(data, depth + 1));
        }
        yield array;
      }
      default -> {
        // JSON inside a string, as Azure writes properties and request bodies.
        try {
          yield NODES.textNode(JSON.writeValueAsString(value(data, depth + 1)));
        } catch (Exception e) {
          throw new AssertionError("test bug: could not write a nested value", e);
        }
      }
    };
  }

  private static void assertHandled(byte[] bytes) {
    ParserFuzzing.assertHandled(NORMALIZER, bytes, event -> {});
  }
}
