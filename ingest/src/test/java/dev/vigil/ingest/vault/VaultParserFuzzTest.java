package dev.vigil.ingest.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.Source;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.ParserFuzzing;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes the Vault parser behind a normalizer forced to Vault, so every JSON object reaches {@link
 * VaultParser#parse}. No input may escape as an exception or end as an {@code INTERNAL_ERROR} dead
 * letter (the normalizer's name for a parser bug), and every input yields at least one event or
 * dead letter. Runs the seeds in {@code VaultParserFuzzTestInputs/} during {@code mvn verify};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
@Tag("fuzz")
class VaultParserFuzzTest {

  private static final Normalizer NORMALIZER =
      Normalizer.builder().parser(new VaultParser()).forceSource(Source.VAULT).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String[] TYPES = {"request", "response", "kmip-request", "kmip-response"};
  private static final String[] OPERATIONS = {
    "read", "list", "create", "update", "patch", "delete", "help", "renew", "revoke", "scan"
  };
  private static final String[] PATH_PARTS = {
    "secret/",
    "data/",
    "metadata/",
    "sys/",
    "audit/",
    "audit-hash/",
    "auth/",
    "token/",
    "create",
    "login",
    "policy/",
    "policies/acl/",
    "generate-root/",
    "attempt",
    "seal",
    "database/",
    "creds/",
    "transit/",
    "encrypt/",
    "pki/",
    "issue/",
    "approle/",
    "role/",
    "mfa/validate",
    "*",
    "",
    "x"
  };
  private static final String[] MOUNT_TYPES = {
    "kv", "system", "token", "pki", "transit", "jwt", ""
  };
  private static final String[] TIMES = {
    "2024-08-15T13:15:03.448238519Z", "2021-07-21T12:37:50.93608Z", "2020-05-28T13:40:18-05:00", ""
  };
  private static final String[] ERRORS = {
    "permission denied",
    "1 error occurred:\n\t* permission denied\n\n",
    "2 errors occurred:\n\t* a\n\t* b\n\n",
    "0 errors occurred:",
    ""
  };
  private static final String[] KMIP_TAGS = {
    "BatchItem", "Operation", "ResultStatus", "ResultReason", "RequestHeader"
  };

  @FuzzTest
  void arbitraryBytes(byte[] input) {
    assertHandled(input);
  }

  @FuzzTest
  void vaultShapedEntries(FuzzedDataProvider data) throws Exception {
    ObjectNode entry = NODES.objectNode();
    if (data.consumeBoolean()) {
      entry.put("type", pick(data, TYPES));
    } else {
      entry.put("type", data.consumeString(12));
    }
    if (data.consumeBoolean()) {
      entry.put("time", data.consumeBoolean() ? pick(data, TIMES) : data.consumeString(40));
    }
    ObjectNode request = entry.putObject("request");
    if (data.consumeBoolean()) {
      request.put("id", data.consumeString(40));
    }
    if (data.consumeBoolean()) {
      request.put(
          "operation", data.consumeBoolean() ? pick(data, OPERATIONS) : data.consumeString(10));
    }
    if (data.consumeBoolean()) {
      StringBuilder path = new StringBuilder();
      int parts = data.consumeInt(0, 6);
      for (int i = 0; i < parts; i++) {
        path.append(data.consumeBoolean() ? pick(data, PATH_PARTS) : data.consumeString(8));
      }
      request.put("path", path.toString());
    }
    if (data.consumeBoolean()) {
      request.put("mount_type", pick(data, MOUNT_TYPES));
    }
    if (data.consumeBoolean()) {
      request.put("remote_address", data.consumeString(45));
    }
    if (data.consumeBoolean()) {
      request.putObject("headers").putArray("user-agent").add(data.consumeString(30));
    }
    if (data.consumeBoolean()) {
      request
          .putObject("namespace")
          .put(data.consumeBoolean() ? "id" : "path", data.consumeString(10));
    }
    if (data.consumeBoolean()) {
      request.putObject("data").set("kmip_request", kmipMessage(data));
    }
    if (data.consumeBoolean()) {
      ObjectNode auth = entry.putObject("auth");
      fillAuth(auth, data);
    }
    if (data.consumeBoolean()) {
      ObjectNode response = entry.putObject("response");
      if (data.consumeBoolean()) {
        fillAuth(response.putObject("auth"), data);
      }
      if (data.consumeBoolean()) {
        response.putObject("data").set("kmip_response", kmipMessage(data));
      }
    }
    if (data.consumeBoolean()) {
      entry.put("error", data.consumeBoolean() ? pick(data, ERRORS) : data.consumeString(60));
    }
    assertHandled(JSON.writeValueAsBytes(entry));
  }

  private static void fillAuth(ObjectNode auth, FuzzedDataProvider data) {
    if (data.consumeBoolean()) {
      auth.put("accessor", data.consumeString(20));
    }
    if (data.consumeBoolean()) {
      auth.put("display_name", data.consumeString(20));
    }
    if (data.consumeBoolean()) {
      auth.put("entity_id", data.consumeString(20));
    }
    if (data.consumeBoolean()) {
      ArrayNode policies = auth.putArray(data.consumeBoolean() ? "policies" : "token_policies");
      int count = data.consumeInt(0, 3);
      for (int i = 0; i < count; i++) {
        policies.add(data.consumeBoolean() ? "root" : data.consumeString(8));
      }
    }
    if (data.consumeBoolean()) {
      auth.putObject("metadata").put(data.consumeString(15), data.consumeString(15));
    }
    if (data.consumeBoolean()) {
      auth.putObject("policy_results").put("allowed", data.consumeBoolean());
    }
    auth.put("token_type", data.consumeString(8));
  }

  private static ObjectNode kmipMessage(FuzzedDataProvider data) {
    ObjectNode message = NODES.objectNode().put("tag", "RequestMessage");
    ArrayNode items = message.putArray("value");
    int count = data.consumeInt(0, 3);
    for (int i = 0; i < count; i++) {
      ObjectNode item = items.addObject().put("tag", pick(data, KMIP_TAGS));
      ArrayNode fields = item.putArray("value");
      int fieldCount = data.consumeInt(0, 3);
      for (int j = 0; j < fieldCount; j++) {
        ObjectNode field = fields.addObject().put("tag", pick(data, KMIP_TAGS));
        switch (data.consumeInt(0, 2)) {
          case 0 -> field.put("value", "0x" + Integer.toHexString(data.consumeInt()));
          case 1 -> field.put("value", data.consumeInt());
          default -> field.put("value", data.consumeString(20));
        }
      }
    }
    return message;
  }

  private static String pick(FuzzedDataProvider data, String[] choices) {
    return choices[data.consumeInt(0, choices.length - 1)];
  }

  private static void assertHandled(byte[] input) {
    ParserFuzzing.assertHandled(
        NORMALIZER,
        input,
        event -> {
          assertThat(event.getSource()).isEqualTo(Source.VAULT);
          assertThat(event.getEventId()).isNotEmpty();
          assertThat(event.getAction()).isNotEmpty();
        });
  }
}
