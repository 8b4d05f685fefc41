package dev.vigil.ingest.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.ActorType;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Outcome;
import dev.vigil.ingest.CorpusRun;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RecordRejectedException;
import dev.vigil.ingest.io.EventJson;
import dev.vigil.ingest.io.RecordSplitter;
import dev.vigil.ingest.mapping.MappingTable;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.ingest.spi.SourceRecord;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VaultParserTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final VaultParser PARSER = new VaultParser();
  private static final Normalizer NORMALIZER = Normalizer.builder().parser(PARSER).build();

  /**
   * Golden summaries of every corpus entry: event id, time, category/action (OCSF class), outcome,
   * denied, actor (type, root, id, name, auth method), target resource.
   */
  @Nested
  class Golden {

    @Test
    void datadogRootPolicyWrite() {
      assertThat(
              summaries(
                  "vault/datadog_integrations-core_vault_tests_sample_sys-policies-acl-write.json"))
          .containsExactly(
              "9adb5544-637f-3d42-9459-3684f5d21996:request 2019-11-05T00:40:27.638Z"
                  + " POLICY_CHANGE/update(3008) UNKNOWN denied=false"
                  + " actor=ROOT,root=true,id=hmac-sha256:2630a7b8e996b0c451db4924f32cec8793d0eb69609f777d89a5c8188a742f52,name=root,method=token"
                  + " target=sys/policies/acl/admin");
    }

    @Test
    void elasticSampleRootEnablesAnAuditDevice() {
      assertThat(summaries("vault/elastic_hashicorp_vault_sample_logs_audit.ndjson"))
          .containsExactly(
              "b513fe1e-a8c0-3058-c27b-a471e13b0290:request 2021-07-26T22:31:57.709Z"
                  + " AUDIT_CONFIG/enable(6003) UNKNOWN denied=false"
                  + " actor=ANONYMOUS,root=false,id=null,name=null,method=null"
                  + " target=sys/audit/test",
              "f9bb414b-d534-c783-ed64-cece1dc5fc72:response 2021-07-26T22:31:58.145Z"
                  + " AUDIT_CONFIG/enable(6003) SUCCESS denied=false"
                  + " actor=ROOT,root=true,id=hmac-sha256:06c2bedc0db7243bc88d9077545a7ffe89132b8a2985a4e771a06925dba55bcc,name=token,method=token"
                  + " target=sys/audit/socket");
    }

    @Test
    void elasticTestAudit() {
      String oidc =
          "actor=USER,root=false,id=e4f5c67a-6f7e-789d-ae56-a1fe3ae23046,name=example@gmail.com,method=oidc";
      String runner =
          "actor=SERVICE,root=false,id=hmac-sha256:8fa4f7f3d1fd812064950025cde2b1565829a9dc5075253399e5ede8f8a1d98e"
              + ",name=token-375f9cb3-4355-42c7-eab5-029f8a310ca7-runner,method=token";
      String homeAssistant =
          "actor=SERVICE,root=false,id=hmac-sha256:2ee197e25b333d83ba45d0c40aca153e0ad6c9e42b04b6de6a5b5b575de58771"
              + ",name=token-c1d6c089-2f46-ff11-5988-38636bddf8d9-homeassistant,method=token";
      // A token Vault could not resolve: the denied request names no entity or accessor, and the
      // token's HMAC is its actor id, so its retries count against it.
      String unresolvedToken =
          "actor=ANONYMOUS,root=false"
              + ",id=hmac-sha256:db417023d954a03aea8f56a3daf35460aa51920337420c7c22bcbb6b10852f23"
              + ",name=null,method=null";
      String kmipClient =
          "actor=SERVICE,root=false,id=79311139933792246475030417908586135267121780670,name=null,method=kmip";
      List<String> summaries = summaries("vault/elastic_hashicorp_vault_test-audit.log");
      assertThat(summaries.subList(0, 8))
          .containsExactly(
              "cd09708b-11cc-2985-648b-cfe262cf7e50:request 2020-12-01T20:29:04.356Z"
                  + " OTHER/read(6003) UNKNOWN denied=false "
                  + oidc
                  + " target=sys/capabilities-self",
              "cd09708b-11cc-2985-648b-cfe262cf7e50:response 2020-12-01T20:29:04.360Z"
                  + " OTHER/read(6003) SUCCESS denied=false "
                  + oidc
                  + " target=sys/capabilities-self",
              "24ac580b-805a-d9ee-4d0d-7046932f4e05:request 2021-07-19T17:19:00.673Z"
                  + " KEY_MANAGEMENT/issue(6003) FAILURE denied=true "
                  + unresolvedToken
                  + " target=internal-ca/issue/internal-server",
              "24ac580b-805a-d9ee-4d0d-7046932f4e05:response 2021-07-19T17:19:00.674Z"
                  + " KEY_MANAGEMENT/issue(6003) FAILURE denied=true "
                  + unresolvedToken
                  + " target=internal-ca/issue/internal-server",
              "0042ad1b-1400-7eb7-5e25-1dfc898c1998:request 2021-06-29T17:26:11.402Z"
                  + " SECRET_ACCESS/read(6003) UNKNOWN denied=false "
                  + runner
                  + " target=secret/data/apps/continuous-delivery/aws-bucket-sse-c",
              "0042ad1b-1400-7eb7-5e25-1dfc898c1998:response 2021-06-29T17:26:11.409Z"
                  + " SECRET_ACCESS/read(6003) SUCCESS denied=false "
                  + runner
                  + " target=secret/data/apps/continuous-delivery/aws-bucket-sse-c",
              "3aa3f349-b55a-53e3-a795-dd4137d64299:request 2021-06-29T18:01:29.545Z"
                  + " SECRET_ACCESS/read(6003) UNKNOWN denied=false "
                  + homeAssistant
                  + " target=secret/data/apps/home-assistant/secrets_yaml",
              "3aa3f349-b55a-53e3-a795-dd4137d64299:response 2021-06-29T18:01:29.547Z"
                  + " SECRET_ACCESS/read(6003) SUCCESS denied=false "
                  + homeAssistant
                  + " target=secret/data/apps/home-assistant/secrets_yaml");
      // The help request has no request.id: its id is the hash of the raw entry.
      assertThat(summaries.get(8))
          .matches("sha256:[0-9a-f]{64} 2021-12-30T17:11:12.468Z .*")
          .contains(" KEY_MANAGEMENT/other(6003) UNKNOWN denied=false " + oidc)
          .endsWith(" target=ca/roles/example");
      assertThat(summaries.subList(9, 13))
          .allMatch(s -> s.startsWith("sha256:"))
          .extracting(s -> s.substring(s.indexOf(' ') + 1))
          .containsExactly(
              "2026-05-20T13:49:00.313Z KEY_MANAGEMENT/other(6003) UNKNOWN denied=false "
                  + kmipClient
                  + " target=null",
              "2026-05-20T13:49:00.314Z KEY_MANAGEMENT/other(6003) SUCCESS denied=false "
                  + kmipClient
                  + " target=null",
              "2026-05-20T13:50:00.314Z KEY_MANAGEMENT/read(6003) FAILURE denied=true "
                  + kmipClient
                  + " target=null",
              "2026-05-20T13:51:00.100Z KEY_MANAGEMENT/read(6003) UNKNOWN denied=false"
                  + " actor=UNKNOWN,root=false,id=null,name=null,method=kmip target=null");
    }

    @Test
    void elasticFakedAllFields() {
      String legacyToken =
          "actor=UNKNOWN,root=false,id=hmac-sha256:f5a8798113bb65c0676abb3eef5ca5482c0c7daac38da36d402282a5414fcf3d"
              + ",name=token,method=token";
      // policies ["root"] beside token_policies ["web"]: the token is root. Its display name
      // names no auth method, and its token_type (service) is not one.
      String root = "actor=ROOT,root=true,id=foobarentity,name=testtoken,method=null";
      assertThat(summaries("vault/elastic_hashicorp_vault_test-faked-all-fields.log"))
          .containsExactly(
              "b2f72168-6cba-1bab-808a-72d9304b82f8:request 2018-04-09T21:04:29.640Z"
                  + " IDENTITY_MANAGEMENT/read(6003) UNKNOWN denied=false "
                  + legacyToken
                  + " target=auth/token/lookup-self",
              "b2f72168-6cba-1bab-808a-72d9304b82f8:response 2018-04-09T21:04:29.642Z"
                  + " IDENTITY_MANAGEMENT/read(6003) SUCCESS denied=false "
                  + legacyToken
                  + " target=auth/token/lookup-self",
              "002c8225-e859-44a0-9ccb-471c3655dbd8:request 2021-07-21T12:37:50.936Z"
                  + " SECRET_ACCESS/update(6003) FAILURE denied=false "
                  + root
                  + " target=secrets/foo",
              "002c8225-e859-44a0-9ccb-471c3655dbd8:response 2021-07-21T12:37:50.936Z"
                  + " SECRET_ACCESS/update(6003) FAILURE denied=false "
                  + root
                  + " target=secrets/foo");
    }

    @Test
    void kawsarkAppRoleLogin() {
      String approle =
          "actor=SERVICE,root=false,id=a4db4ab3-7605-f51c-cf0c-344245782f98,name=ansible,method=approle";
      assertThat(summaries("vault/kawsark_awx-approle-ansible_README_approle-login.jsonl"))
          .containsExactly(
              "977a96c1-095c-2c5a-6637-5dc584b823f1:request 2020-03-06T03:24:31.062Z"
                  + " AUTHENTICATION/login(3002) UNKNOWN denied=false"
                  + " actor=ANONYMOUS,root=false,id=null,name=null,method=approle"
                  + " target=auth/approle/login",
              "977a96c1-095c-2c5a-6637-5dc584b823f1:response 2020-03-06T03:24:31.062Z"
                  + " AUTHENTICATION/login(3002) SUCCESS denied=false "
                  + approle
                  + " target=auth/approle/login",
              "40251df9-54fb-b3dd-8301-e3bdc80e685e:request 2020-03-06T03:24:31.067Z"
                  + " KEY_MANAGEMENT/sign(6003) UNKNOWN denied=false "
                  + approle
                  + " target=ssh/sign/ansible");
    }

    @Test
    void tallenJwtLoginSession() {
      String tfc =
          "actor=SERVICE,root=false,id=c67ec5d4-310a-ec11-cac8-cdeff0fd9878"
              + ",name=jwt-organization:***:project:***:workspace:****,method=jwt";
      assertThat(summaries("vault/tallen-hashicorp_vault-tfc-jwt_audit.json"))
          .containsExactly(
              "****:request 2024-08-15T13:15:03.448Z AUTHENTICATION/login(3002) UNKNOWN"
                  + " denied=false actor=ANONYMOUS,root=false,id=null,name=null,method=jwt"
                  + " target=auth/jwt/login",
              "****:response 2024-08-15T13:15:03.516Z AUTHENTICATION/login(3002) SUCCESS"
                  + " denied=false "
                  + tfc
                  + " target=auth/jwt/login",
              "4baf0e12-6d95-49a7-af03-ccfddee5fe87:request 2024-08-15T13:15:03.519Z"
                  + " AUTHENTICATION/renew(3002) UNKNOWN denied=false "
                  + tfc
                  + " target=auth/token/renew-self",
              "4baf0e12-6d95-49a7-af03-ccfddee5fe87:response 2024-08-15T13:15:03.529Z"
                  + " AUTHENTICATION/renew(3002) SUCCESS denied=false "
                  + tfc
                  + " target=auth/token/renew-self",
              "01c559cd-a545-8837-766a-ecce3e28343c:request 2024-08-15T13:15:15.130Z"
                  + " IDENTITY_MANAGEMENT/read(6003) UNKNOWN denied=false "
                  + tfc
                  + " target=auth/token/lookup-self",
              "01c559cd-a545-8837-766a-ecce3e28343c:response 2024-08-15T13:15:15.130Z"
                  + " IDENTITY_MANAGEMENT/read(6003) SUCCESS denied=false "
                  + tfc
                  + " target=auth/token/lookup-self",
              "a67ecf0d-19c0-56e2-5037-4ad9074a1b81:request 2024-08-15T13:15:15.132Z"
                  + " IDENTITY_MANAGEMENT/read(6003) UNKNOWN denied=false "
                  + tfc
                  + " target=auth/token/lookup-self",
              "a67ecf0d-19c0-56e2-5037-4ad9074a1b81:response 2024-08-15T13:15:15.133Z"
                  + " IDENTITY_MANAGEMENT/read(6003) SUCCESS denied=false "
                  + tfc
                  + " target=auth/token/lookup-self",
              "7298b02c-cc59-046c-2dd9-fbc29ac4adc4:request 2024-08-15T13:15:15.135Z"
                  + " SECRET_ACCESS/read(6003) UNKNOWN denied=false "
                  + tfc
                  + " target=secret/data/s3",
              "7298b02c-cc59-046c-2dd9-fbc29ac4adc4:response 2024-08-15T13:15:15.135Z"
                  + " SECRET_ACCESS/read(6003) SUCCESS denied=false "
                  + tfc
                  + " target=secret/data/s3",
              "f740af83-3ebe-2146-f7c9-d0421bdd5482:request 2024-08-15T13:15:25.443Z"
                  + " AUTHENTICATION/logout(3002) UNKNOWN denied=false "
                  + tfc
                  + " target=auth/token/revoke-self",
              "f740af83-3ebe-2146-f7c9-d0421bdd5482:response 2024-08-15T13:15:25.483Z"
                  + " AUTHENTICATION/logout(3002) SUCCESS denied=false "
                  + tfc
                  + " target=auth/token/revoke-self");
    }

    @Test
    void loginResponseTakesTheNewTokenFromResponseAuth() {
      // The tallen login response's top-level auth has accessor "****"; response.auth has the
      // real accessor of the token just issued.
      AuditEvent login = events("vault/tallen-hashicorp_vault-tfc-jwt_audit.json").get(1);
      assertThat(login.getActor().getSession()).isEqualTo("ZH2nqFsrp7DgfafSzgLu5YGz");
      assertThat(login.getActor().getPolicies()).containsExactly("default", "tfc-policy");
      assertThat(login.getTarget().getType()).isEqualTo("jwt");
      assertThat(login.getSrc().getIp()).isEqualTo("3.93.200.217");
    }

    @Test
    void deniedPairCarriesTheSameUnwrappedError() {
      List<AuditEvent> events = events("vault/elastic_hashicorp_vault_test-audit.log");
      for (AuditEvent denied : events.subList(2, 4)) {
        assertThat(denied.getErrorMessage()).isEqualTo("permission denied");
        assertThat(denied.getErrorCode()).isEqualTo("permission_denied");
        assertThat(denied.getTarget().getType()).isEqualTo("pki");
      }
      assertThat(EventIds.requestKey(events.get(2))).isEqualTo(EventIds.requestKey(events.get(3)));
    }
  }

  @Nested
  class Quirks {

    @Test
    void multierrorWithSeveralErrorsIsUnwrappedAndJoined() {
      AuditEvent event =
          parse(
              entry(
                  "response",
                  """
                  {"id":"r1","operation":"read","path":"secret/data/x","mount_type":"kv"}""",
                  """
                  "error":"2 errors occurred:\\n\\t* invalid token\\n\\t* permission denied\\n\\n\"""",
                  TOKEN_AUTH));
      assertThat(event.getErrorMessage()).isEqualTo("invalid token; permission denied");
      assertThat(event.getErrorCode()).isEqualTo("permission_denied");
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
    }

    @Test
    void legacyEmptyErrorIsNoError() {
      AuditEvent event =
          parse(
              entry(
                  "response",
                  """
                  {"id":"r1","operation":"read","path":"secret/x","policy_override":false,"headers":{},"wrap_ttl":0}""",
                  "\"error\":\"\"",
                  TOKEN_AUTH));
      assertThat(event.getOutcome()).isEqualTo(Outcome.SUCCESS);
      assertThat(event.getErrorMessage()).isNull();
      assertThat(event.getErrorCode()).isNull();
      assertThat(event.getDenied()).isFalse();
    }

    @Test
    void requestEntryWithoutErrorHasUnknownOutcome() {
      AuditEvent event =
          parse(
              entry(
                  "request",
                  """
                  {"id":"r1","operation":"read","path":"secret/x"}""",
                  null,
                  TOKEN_AUTH));
      assertThat(event.getOutcome()).isEqualTo(Outcome.UNKNOWN);
      assertThat(event.getEventId()).isEqualTo("r1:request");
    }

    @Test
    void policyResultsNotAllowedIsADenial() {
      AuditEvent event =
          parse(
              """
              {"time":"2024-01-01T00:00:00Z","type":"request",
               "auth":{"accessor":"a1","display_name":"userpass-bob","policies":["default"],
                       "policy_results":{"allowed":false}},
               "request":{"id":"r1","operation":"read","path":"secret/data/x","mount_type":"kv"},
               "error":"permission denied"}""");
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(event.getActor().getName()).isEqualTo("userpass-bob");
    }

    @Test
    void absentRequestIdGivesTheRawHash() {
      String raw =
          entry("request", "{\"operation\":\"help\",\"path\":\"secret/x\"}", null, TOKEN_AUTH);
      AuditEvent event = parse(raw);
      assertThat(event.getEventId()).isEqualTo(EventIds.ofRaw(raw));
      assertThat(EventIds.requestKey(event)).isEqualTo(event.getEventId());
      assertThat(event.getAction()).isEqualTo("other");
    }

    @Test
    void kmipEntryWithIpv6PortAndPermissionDenied() {
      AuditEvent event =
          parse(
              """
              {"type":"kmip-response","time":"2026-05-20T13:51:00.1Z",
               "request":{"id":"k1","namespace":{"id":"root"},"remote_address":"[2001:db8::10]:36778",
                 "client_certificate_serial_number":"42",
                 "data":{"kmip_request":{"tag":"RequestMessage","value":[
                   {"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"Destroy"}]}]}}},
               "response":{"data":{"kmip_response":{"tag":"ResponseMessage","value":[
                 {"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":20},
                   {"tag":"ResultStatus","type":"Enumeration","value":"0x00000001"},
                   {"tag":"ResultReason","type":"Enumeration","value":"0x0000000C"}]}]}}}}""");
      assertThat(event.getEventId()).isEqualTo("k1:kmip-response");
      assertThat(event.getOperation()).isEqualTo("kmip:destroy");
      assertThat(event.getCategory()).isEqualTo(Category.KEY_MANAGEMENT);
      assertThat(event.getAction()).isEqualTo("delete");
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isTrue();
      assertThat(event.getErrorCode()).isEqualTo("kmip:permission_denied");
      assertThat(event.getErrorMessage()).isEqualTo("KMIP operation failed: permission denied");
      assertThat(event.getSrc().getIp()).isEqualTo("2001:db8::10");
      assertThat(event.getActor().getId()).isEqualTo("42");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(event.getTarget().getType()).isEqualTo("kmip");
      assertThat(event.getTarget().getAccount()).isEqualTo("root");
    }

    @Test
    void anUnresolvedTokenIsItsHmacButNeverARawToken() {
      String denied = "{\"token_type\":\"default\"}";
      AuditEvent hmac =
          parse(
              entry(
                  "request",
                  """
                  {"id":"r1","operation":"read","path":"secret/data/x",                  "client_token":"hmac-sha256:5eb6"}""",
                  null,
                  denied));
      assertThat(hmac.getActor().getType()).isEqualTo(ActorType.ANONYMOUS);
      assertThat(hmac.getActor().getId()).isEqualTo("hmac-sha256:5eb6");
      // An audit device with log_raw writes the token itself: a secret, kept in raw only.
      AuditEvent raw =
          parse(
              entry(
                  "request",
                  """
                  {"id":"r2","operation":"read","path":"secret/data/x",                  "client_token":"hvs.CAESIJrawtoken"}""",
                  null,
                  denied));
      assertThat(raw.getActor().getId()).isNull();
      raw.setRaw("");
      assertThat(EventJson.toJson(raw)).doesNotContain("hvs.");
    }

    @Test
    void unauthenticatedRequestIsAnonymous() {
      AuditEvent event =
          parse(
              entry(
                  "request",
                  """
                  {"id":"r1","operation":"update","path":"sys/unseal"}""",
                  null,
                  """
                  {"token_type":"default","policy_results":{"allowed":true}}"""));
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ANONYMOUS);
      assertThat(event.getActor().getId()).isNull();
      assertThat(event.getActor().getRoot()).isFalse();
      assertThat(event.getActor().getAuthMethod())
          .as("token_type default is Vault's word for no token, not an auth method")
          .isNull();
      assertThat(event.getCategory()).isEqualTo(Category.SYSTEM);
      assertThat(event.getAction()).isEqualTo("unseal");
    }

    @Test
    void theTokenTypeIsNeverTheAuthMethod() {
      for (String tokenType : List.of("service", "batch", "default")) {
        AuditEvent event =
            parse(
                entry(
                    "request",
                    """
                    {"id":"r1","operation":"read","path":"secret/data/x"}""",
                    null,
                    """
                    {"accessor":"acc","display_name":"ci-deployer","policies":["ci"],"token_type":"%s"}"""
                        .formatted(tokenType)));
        assertThat(event.getActor().getAuthMethod()).as(tokenType).isNull();
      }
      AuditEvent known =
          parse(
              entry(
                  "request",
                  """
                  {"id":"r2","operation":"read","path":"secret/data/x"}""",
                  null,
                  """
                  {"accessor":"acc","display_name":"ldap-alice","policies":["dev"],"token_type":"batch"}"""));
      assertThat(known.getActor().getAuthMethod()).isEqualTo("ldap");
    }

    @Test
    void rootIsReadFromTokenPoliciesToo() {
      AuditEvent event =
          parse(
              entry(
                  "request",
                  """
                  {"id":"r1","operation":"update","path":"sys/seal"}""",
                  null,
                  """
                  {"accessor":"acc","display_name":"root","token_policies":["root"],"token_type":"service"}"""));
      assertThat(event.getActor().getRoot()).isTrue();
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ROOT);
      assertThat(event.getActor().getId()).isEqualTo("acc");
      assertThat(event.getActor().getSession()).isEqualTo("acc");
      assertThat(event.getActor().getPolicies()).containsExactly("root");
      assertThat(event.getAction()).isEqualTo("seal");
    }

    @ParameterizedTest(name = "{0} {1} (mount_type {2}) -> {3}/{4}")
    @CsvSource(
        nullValues = "-",
        value = {
          // KV v2
          "read,   secret/data/app/db,           kv,       SECRET_ACCESS,  read",
          "list,   secret/metadata/app/,         kv,       SECRET_ACCESS,  list",
          "read,   secret/metadata/app/db,       kv,       SECRET_ACCESS,  list",
          "update, secret/data/app/db,           kv,       SECRET_ACCESS,  update",
          "update, secret/destroy/app/db,        kv,       SECRET_ACCESS,  delete",
          "delete, secret/metadata/app/db,       kv,       SECRET_ACCESS,  delete",
          // KV v1, with and without mount_type
          "read,   kv1/app/db,                   kv,       SECRET_ACCESS,  read",
          "list,   kv1/app/,                     kv,       SECRET_ACCESS,  list",
          "read,   secret/app/db,                -,        SECRET_ACCESS,  read",
          "read,   secret/data/app/db,           -,        SECRET_ACCESS,  read",
          "list,   secret/metadata/app,          -,        SECRET_ACCESS,  list",
          "read,   cubbyhole/x,                  cubbyhole, SECRET_ACCESS, read",
          // a non-KV mount at secret/ is not a KV default
          "read,   secret/creds/app,             database, SECRET_ACCESS,  read",
          "read,   secret/config,                consul,   OTHER,          read",
          // logins and tokens
          "update, auth/userpass/login/alice,    userpass, AUTHENTICATION, login",
          "update, auth/userpass/users/login,    userpass, IDENTITY_MANAGEMENT, update",
          "update, auth/approle/role/login/secret-id, approle, IDENTITY_MANAGEMENT, update",
          "update, auth/token/create,            token,    IDENTITY_MANAGEMENT, create",
          "update, auth/token/create-orphan,     token,    IDENTITY_MANAGEMENT, create",
          "update, auth/token/create/nomad,      token,    IDENTITY_MANAGEMENT, create",
          "read,   auth/token/lookup-self,       token,    IDENTITY_MANAGEMENT, read",
          "update, auth/token/renew-self,        token,    AUTHENTICATION, renew",
          "update, auth/token/revoke-accessor,   token,    IDENTITY_MANAGEMENT, revoke",
          // policies: changes only
          "update, sys/policy/ops,               system,   POLICY_CHANGE,  update",
          "delete, sys/policy/ops,               system,   POLICY_CHANGE,  delete",
          "read,   sys/policy/ops,               system,   OTHER,          read",
          "list,   sys/policy,                   system,   OTHER,          list",
          "update, sys/policies/acl/admin,       system,   POLICY_CHANGE,  update",
          "create, sys/policies/password/strong, -,        POLICY_CHANGE,  create",
          "list,   sys/policies/acl,             system,   OTHER,          list",
          // auth methods and audit devices (path segments)
          "update, sys/auth/userpass,            system,   POLICY_CHANGE,  enable",
          "delete, sys/auth/userpass,            system,   POLICY_CHANGE,  disable",
          "update, sys/auth/userpass/tune,       system,   POLICY_CHANGE,  update",
          "read,   sys/auth,                     system,   OTHER,          read",
          "update, sys/audit/file,               system,   AUDIT_CONFIG,   enable",
          "delete, sys/audit/file,               system,   AUDIT_CONFIG,   disable",
          "read,   sys/audit,                    system,   OTHER,          read",
          "update, sys/audit-hash/file,          system,   OTHER,          other",
          "update, sys/config/auditing/request-headers/x-forwarded-for, system, AUDIT_CONFIG, update",
          // root generation, seal
          "update, sys/generate-root/attempt,    system,   IDENTITY_MANAGEMENT, create",
          "update, sys/generate-root/update,     system,   IDENTITY_MANAGEMENT, create",
          "read,   sys/generate-root/attempt,    system,   OTHER,          read",
          "delete, sys/generate-root/attempt,    system,   IDENTITY_MANAGEMENT, delete",
          "update, sys/seal,                     system,   SYSTEM,         seal",
          "update, sys/unseal,                   -,        SYSTEM,         unseal",
          "update, sys/mounts/db,                system,   SYSTEM,         enable",
          "read,   sys/health,                   system,   OTHER,          read",
          "list,   sys/mounts,                   system,   OTHER,          list",
          "update, sys/config/cors,              system,   SYSTEM,         update",
          "delete, sys/quotas/rate-limit/global, system,   SYSTEM,         delete",
          "update, sys/tools/random,             system,   OTHER,          update",
          "update, sys/wrapping/lookup,          system,   OTHER,          read",
          // dynamic credentials
          "read,   database/creds/readonly,      database, SECRET_ACCESS,  read",
          "read,   dbprod/static-creds/app,      database, SECRET_ACCESS,  read",
          "read,   aws/creds/deploy,             aws,      SECRET_ACCESS,  read",
          "update, aws/sts/deploy,               aws,      SECRET_ACCESS,  read",
          "read,   aws/creds/deploy,             -,        SECRET_ACCESS,  read",
          "read,   database/creds/readonly,      -,        SECRET_ACCESS,  read",
          "update, sys/wrapping/unwrap,          system,   SECRET_ACCESS,  read",
          // transit, PKI, SSH
          "update, transit/encrypt/orders,       transit,  KEY_MANAGEMENT, encrypt",
          "update, transit/decrypt/orders,       transit,  KEY_MANAGEMENT, decrypt",
          "update, transit/decrypt/orders,       -,        KEY_MANAGEMENT, decrypt",
          "update, transit/keys/orders/rotate,   transit,  KEY_MANAGEMENT, update",
          "update, pki_int/issue/web,            pki,      KEY_MANAGEMENT, issue",
          "update, pki_int/sign/web,             pki,      KEY_MANAGEMENT, sign",
          "update, pki/issue/web,                -,        KEY_MANAGEMENT, issue",
          "update, ssh/sign/ansible,             -,        KEY_MANAGEMENT, sign",
          // unmapped paths
          "read,   consul/config/access,         consul,   OTHER,          read",
        })
    void categoryAndActionFromPathAndOperation(
        String operation, String path, String mountType, Category category, String action) {
      String mount = mountType == null ? "" : ",\"mount_type\":\"" + mountType + "\"";
      AuditEvent event =
          parse(
              entry(
                  "response",
                  "{\"id\":\"r1\",\"operation\":\""
                      + operation
                      + "\",\"path\":\""
                      + path
                      + "\""
                      + mount
                      + "}",
                  null,
                  TOKEN_AUTH));
      assertThat(event.getCategory()).as("category").isEqualTo(category);
      assertThat(event.getAction()).as("action").isEqualTo(action);
      assertThat(event.getOperation()).isEqualTo(operation);
      assertThat(event.getTarget().getResource()).isEqualTo(path);
    }

    @ParameterizedTest
    @CsvSource({
      "auth/userpass/login/alice, 3002",
      "sys/policy/ops, 3008",
      "sys/auth/ldap, 3008",
      "auth/token/create, 3007",
      "auth/userpass/users/alice, 3007",
      "auth/approle/role/ci, 3008",
      "secret/data/x, 6003",
      "sys/audit/file, 6003",
    })
    void ocsfClassFromTheTable(String path, int ocsfClass) {
      AuditEvent event =
          parse(
              entry(
                  "response",
                  "{\"id\":\"r1\",\"operation\":\"update\",\"path\":\"" + path + "\"}",
                  null,
                  TOKEN_AUTH));
      assertThat(event.getOcsfClassUid()).isEqualTo(ocsfClass);
    }

    @Test
    void generateRootMarksARootCredential() {
      AuditEvent event =
          parse(
              entry(
                  "request",
                  """
                  {"id":"g1","operation":"update","path":"sys/generate-root/attempt","mount_type":"system"}""",
                  null,
                  "{\"token_type\":\"default\"}"));
      assertThat(event.getTarget().getType()).isEqualTo("root_token");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ANONYMOUS);
      AuditEvent status =
          parse(
              entry(
                  "request",
                  """
                  {"id":"g2","operation":"read","path":"sys/generate-root/attempt","mount_type":"system"}""",
                  null,
                  "{\"token_type\":\"default\"}"));
      assertThat(status.getTarget().getType()).isEqualTo("system");
    }

    @Test
    void tokenCreatedWithTheRootPolicyIsARootCredential() {
      String request =
          """
          {"id":"t1","operation":"update","path":"auth/token/create","mount_type":"token",
           "data":{"policies":["hmac-sha256:aa"]}}""";
      AuditEvent rootToken =
          parse(
              """
              {"time":"2024-01-01T00:00:00Z","type":"response","auth":%s,"request":%s,
               "response":{"auth":{"accessor":"new","policies":["root"],"token_policies":["root"],
                 "display_name":"token","token_type":"service"}}}"""
                  .formatted(TOKEN_AUTH, request));
      assertThat(rootToken.getCategory()).isEqualTo(Category.IDENTITY_MANAGEMENT);
      assertThat(rootToken.getAction()).isEqualTo("create");
      assertThat(rootToken.getOcsfClassUid()).isEqualTo(3007);
      assertThat(rootToken.getTarget().getType()).isEqualTo("root_token");
      // The actor is the creator, not the token created.
      assertThat(rootToken.getActor().getSession()).isEqualTo("acc-alice");
      assertThat(rootToken.getActor().getRoot()).isFalse();

      AuditEvent ordinary =
          parse(
              """
              {"time":"2024-01-01T00:00:00Z","type":"response","auth":%s,"request":%s,
               "response":{"auth":{"accessor":"new","policies":["default","ops"]}}}"""
                  .formatted(TOKEN_AUTH, request));
      assertThat(ordinary.getTarget().getType()).isEqualTo("token");
      // The request entry cannot know yet.
      AuditEvent requestEntry = parse(entry("request", request, null, TOKEN_AUTH));
      assertThat(requestEntry.getTarget().getType()).isEqualTo("token");
    }

    @Test
    void userpassLoginResponseIsAUserAndMfaValidationSetsMfa() {
      AuditEvent login =
          parse(
              """
              {"time":"2024-01-01T00:00:00Z","type":"response","auth":{"token_type":"default"},
               "request":{"id":"l1","operation":"update","path":"auth/userpass/login/alice",
                          "remote_address":"10.0.0.7"},
               "response":{"auth":{"accessor":"acc-new","display_name":"userpass-alice",
                 "entity_id":"ent-alice","metadata":{"username":"alice"},
                 "policies":["default","dev"],"token_type":"service"}}}""");
      assertThat(login.getActor().getType()).isEqualTo(ActorType.USER);
      assertThat(login.getActor().getId()).isEqualTo("ent-alice");
      assertThat(login.getActor().getName()).isEqualTo("userpass-alice");
      assertThat(login.getActor().getAuthMethod()).isEqualTo("userpass");
      assertThat(login.getActor().getMfa()).isNull();
      assertThat(login.getOcsfClassUid()).isEqualTo(3002);

      AuditEvent mfa =
          parse(
              """
              {"time":"2024-01-01T00:00:00Z","type":"response","auth":{"token_type":"default"},
               "request":{"id":"m1","operation":"update","path":"sys/mfa/validate"},
               "response":{"auth":{"accessor":"acc-new","display_name":"oidc-alice",
                 "entity_id":"ent-alice","policies":["default"]}}}""");
      assertThat(mfa.getAction()).isEqualTo("login");
      assertThat(mfa.getActor().getMfa()).isTrue();
      assertThat(mfa.getActor().getAuthMethod()).isEqualTo("oidc");
      assertThat(mfa.getActor().getType()).isEqualTo(ActorType.USER);
    }

    @Test
    void failedLoginIsAFailureButNotADenial() {
      AuditEvent event =
          parse(
              """
              {"time":"2024-01-01T00:00:00Z","type":"response","auth":{"token_type":"default"},
               "request":{"id":"l1","operation":"update","path":"auth/ldap/login/bob","mount_type":"ldap"},
               "response":{"data":{"error":"hmac-sha256:ab"}},
               "error":"1 error occurred:\\n\\t* invalid credentials\\n\\n"}""");
      assertThat(event.getOutcome()).isEqualTo(Outcome.FAILURE);
      assertThat(event.getDenied()).isFalse();
      assertThat(event.getErrorCode()).isEqualTo("invalid_credentials");
      assertThat(event.getErrorMessage()).isEqualTo("invalid credentials");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.ANONYMOUS);
      assertThat(event.getActor().getAuthMethod()).isEqualTo("ldap");
    }

    @Test
    void userAgentOnlyWhenLoggedInClear() {
      String clear =
          entry(
              "request",
              """
              {"id":"r1","operation":"read","path":"secret/x","headers":{"User-Agent":["vault-cli/1.17"]}}""",
              null,
              TOKEN_AUTH);
      assertThat(parse(clear).getSrc().getUserAgent()).isEqualTo("vault-cli/1.17");
      String hashed = clear.replace("vault-cli/1.17", "hmac-sha256:0123");
      assertThat(parse(hashed).getSrc().getUserAgent()).isNull();
    }

    @Test
    void namespacePathIsTheAccount() {
      AuditEvent event =
          parse(
              entry(
                  "request",
                  """
                  {"id":"r1","operation":"read","path":"secret/x","namespace":{"id":"aBc12","path":"team-a/"}}""",
                  null,
                  TOKEN_AUTH));
      assertThat(event.getTarget().getAccount()).isEqualTo("team-a/");
      assertThat(event.getTarget().getRegion()).isNull();
    }

    @Test
    void newerFieldsAreReadWhereTheyHelp() {
      AuditEvent event =
          parse(
              """
              {"time":"2024-08-15T13:15:15.135181832Z","type":"request",
               "auth":{"accessor":"acc","display_name":"kubernetes-default-web","entity_id":"e1",
                 "metadata":{"service_account_name":"web"},"policies":["web"],
                 "policy_results":{"allowed":true,"granting_policies":[{"type":""}]}},
               "request":{"id":"r1","operation":"read","path":"apps/data/web","mount_class":"secret",
                 "mount_point":"apps/","mount_type":"kv","remote_address":"10.1.2.3","remote_port":58090,
                 "forwarded_from":"10.9.9.9:8201"}}""");
      assertThat(event.getCategory()).isEqualTo(Category.SECRET_ACCESS);
      assertThat(event.getAction()).isEqualTo("read");
      assertThat(event.getSrc().getIp()).isEqualTo("10.1.2.3");
      assertThat(event.getActor().getType()).isEqualTo(ActorType.SERVICE);
      assertThat(event.getActor().getAuthMethod()).isEqualTo("kubernetes");
      assertThat(event.getTime().toString()).isEqualTo("2024-08-15T13:15:15.135Z");
    }
  }

  @Nested
  class Mapping {

    @Test
    void aUserTableOverridesTheBuiltInRules() throws Exception {
      String yaml =
          """
          rules:
            - match: {path: "secret/data/break-glass/*", operation: read}
              category: SECRET_ACCESS
              action: read
              ocsf_class_uid: 6003
            - match: {path: "secret/*"}
              category: OTHER
          """;
      MappingTable table = MappingTable.withOverride(VaultParser.TABLE, "test.yaml", yaml);
      VaultParser parser = new VaultParser(table);
      AuditEvent event =
          parser.parse(
              SourceRecord.of(
                  object(
                      entry(
                          "request",
                          "{\"id\":\"r\",\"operation\":\"list\",\"path\":\"secret/x\"}",
                          null,
                          TOKEN_AUTH)),
                  "raw",
                  "test:1"));
      assertThat(event.getCategory()).isEqualTo(Category.OTHER);
      assertThat(event.getAction()).isEqualTo("list");
    }

    @Test
    void theBuiltInTableLoads() {
      assertThat(MappingTable.builtIn(VaultParser.TABLE).size()).isGreaterThan(50);
    }
  }

  @Nested
  class Errors {

    @Test
    void messagesAreUnwrappedAndCoded() {
      String[][] cases = {
        // error as logged, message, code
        {"permission denied", "permission denied", "permission_denied"},
        {"1 error occurred:\n\t* permission denied\n\n", "permission denied", "permission_denied"},
        {"1 error occurred:\n\t* invalid role ID\n\n", "invalid role ID", "invalid_credentials"},
        {"missing client token", "missing client token", "missing_client_token"},
        {
          "no handler for route \"foo/bar\". route entry not found.",
          "no handler for route \"foo/bar\". route entry not found.",
          "unsupported_path"
        },
        {"Vault is sealed", "Vault is sealed", "sealed"},
        {"this is an error", "this is an error", "other"},
        {"3 errors occurred, not go-multierror", "3 errors occurred, not go-multierror", "other"},
        {"1 error occurred:\n\t* line one\n  continued\n\n", "line one continued", "other"},
      };
      for (String[] c : cases) {
        assertThat(VaultErrors.message(c[0])).as(c[0]).isEqualTo(c[1]);
        assertThat(VaultErrors.code(VaultErrors.message(c[0]))).as(c[0]).isEqualTo(c[2]);
      }
    }

    @Test
    void blankErrorIsNone() {
      assertThat(VaultErrors.message("")).isNull();
      assertThat(VaultErrors.message("  ")).isNull();
      assertThat(VaultErrors.code(null)).isNull();
    }
  }

  @Nested
  class Rejections {

    @Test
    void missingTime() {
      assertRejected(
          "{\"type\":\"request\",\"request\":{\"id\":\"r\",\"operation\":\"read\",\"path\":\"a\"}}",
          DeadLetterReason.MISSING_TIME);
    }

    @Test
    void timeThatIsNoTimestamp() {
      assertRejected(
          "{\"time\":\"yesterday\",\"type\":\"request\",\"request\":{\"id\":\"r\",\"operation\":\"read\",\"path\":\"a\"}}",
          DeadLetterReason.INVALID_TIME);
    }

    @Test
    void requestThatIsNotAnObject() {
      assertRejected(
          "{\"time\":\"2024-01-01T00:00:00Z\",\"type\":\"request\",\"request\":\"x\"}",
          DeadLetterReason.WRONG_TYPE);
    }

    @Test
    void requestWithoutPath() {
      assertRejected(
          "{\"time\":\"2024-01-01T00:00:00Z\",\"type\":\"request\",\"request\":{\"id\":\"r\",\"operation\":\"read\"}}",
          DeadLetterReason.MISSING_FIELD);
    }

    @Test
    void errorThatIsNotAString() {
      assertRejected(
          "{\"time\":\"2024-01-01T00:00:00Z\",\"type\":\"response\",\"error\":{\"x\":1},"
              + "\"request\":{\"id\":\"r\",\"operation\":\"read\",\"path\":\"a\"}}",
          DeadLetterReason.WRONG_TYPE);
    }

    @Test
    void unknownEntryTypeWhenForced() {
      assertRejected(
          "{\"time\":\"2024-01-01T00:00:00Z\",\"type\":\"event\",\"request\":{\"path\":\"a\"}}",
          DeadLetterReason.UNKNOWN_FORMAT);
    }

    @Test
    void messagesNeverQuoteTheRecord() {
      String secret = "hmac-sha256:feedface";
      assertThatThrownBy(
              () ->
                  PARSER.parse(
                      SourceRecord.of(
                          object(
                              "{\"time\":\"2024-01-01T00:00:00Z\",\"type\":\"response\",\"error\":[\""
                                  + secret
                                  + "\"],\"request\":{\"id\":\"r\",\"operation\":\"read\",\"path\":\"a\"}}"),
                          "raw",
                          "t:1")))
          .isInstanceOf(RecordRejectedException.class)
          .message()
          .doesNotContain(secret);
    }

    private void assertRejected(String record, DeadLetterReason reason) {
      assertThatThrownBy(() -> PARSER.parse(SourceRecord.of(object(record), record, "test:1")))
          .isInstanceOf(RecordRejectedException.class)
          .extracting(e -> ((RecordRejectedException) e).reason())
          .isEqualTo(reason);
    }
  }

  @Nested
  class Recognition {

    @Test
    void everyVaultCorpusEntryIsRecognized() throws Exception {
      for (Path file : CorpusRun.files("vault")) {
        for (ObjectNode record : records(file)) {
          assertThat(PARSER.recognize(SourceRecord.of(record)))
              .as(file.getFileName().toString())
              .isPositive();
        }
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cloudtrail", "azure", "gcp"})
    void noRecordOfAnotherSourceIsRecognized(String folder) throws Exception {
      int seen = 0;
      for (Path file : CorpusRun.files(folder)) {
        for (ObjectNode record : records(file)) {
          assertThat(PARSER.recognize(SourceRecord.of(record)))
              .as("%s in %s", record.properties().size(), file.getFileName())
              .isZero();
          seen++;
        }
      }
      assertThat(seen).isGreaterThan(10);
    }

    @Test
    void theParserIsRegisteredAsAService() {
      ObjectNode entry =
          object(
              entry(
                  "request",
                  "{\"id\":\"r\",\"operation\":\"read\",\"path\":\"a\"}",
                  null,
                  TOKEN_AUTH));
      assertThat(Normalizer.create().detect(SourceRecord.of(entry)))
          .isInstanceOf(VaultParser.class);
    }

    @Test
    void aTimelessVaultEntryIsStillVaultsToDeadLetter() {
      ObjectNode timeless = object("{\"type\":\"response\",\"request\":{}}");
      assertThat(PARSER.recognize(SourceRecord.of(timeless))).isPositive();
      assertThat(NORMALIZER.detect(SourceRecord.of(timeless))).isSameAs(PARSER);
      assertThat(
              PARSER.recognize(
                  SourceRecord.of(
                      object("{\"type\":\"response\",\"request\":\"x\",\"time\":\"t\"}"))))
          .isZero();
      assertThat(
              PARSER.recognize(
                  SourceRecord.of(
                      object("{\"type\":\"AuditEvent\",\"request\":{},\"time\":\"t\"}"))))
          .isZero();
    }

    /** The records of a corpus file, envelope members included. */
    private List<ObjectNode> records(Path file) throws Exception {
      List<ObjectNode> records = new ArrayList<>();
      try (InputStream in = Files.newInputStream(file)) {
        new RecordSplitter(file.getFileName().toString(), 64 << 20)
            .split(
                in,
                raw -> {
                  try {
                    JsonNode node = JSON.readTree(raw.bytes());
                    collect(node, records);
                  } catch (java.io.IOException e) {
                    // Not JSON: no parser recognizes it; nothing to check here.
                  }
                });
      }
      return records;
    }

    private void collect(JsonNode node, List<ObjectNode> out) {
      if (node == null) {
        return;
      }
      if (node.isArray()) {
        node.forEach(member -> collect(member, out));
      } else if (node.isObject()) {
        for (String envelope : List.of("Records", "records", "value")) {
          if (node.path(envelope).isArray()) {
            collect(node.get(envelope), out);
            return;
          }
        }
        out.add((ObjectNode) node);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static final String TOKEN_AUTH =
      """
      {"accessor":"acc-alice","display_name":"ldap-alice","entity_id":"ent-alice",
       "policies":["default","ops"],"token_type":"service"}""";

  /** A hand-written entry of the given type with the given request, extra fields and auth. */
  private static String entry(String type, String request, String extra, String auth) {
    return "{\"time\":\"2024-01-01T00:00:00.123456789Z\",\"type\":\""
        + type
        + "\",\"auth\":"
        + auth
        + ",\"request\":"
        + request
        + (extra == null ? "" : "," + extra)
        + "}";
  }

  private static AuditEvent parse(String raw) {
    return PARSER.parse(SourceRecord.of(object(raw), raw, "test:1"));
  }

  private static ObjectNode object(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("bad test JSON: " + json, e);
    }
  }

  private static List<AuditEvent> events(String relative) {
    CorpusRun.Outcome outcome = CorpusRun.normalize(CorpusRun.file(relative), NORMALIZER);
    assertThat(outcome.deadLetters()).isEmpty();
    return outcome.events();
  }

  private static List<String> summaries(String relative) {
    return events(relative).stream().map(VaultParserTest::summary).toList();
  }

  private static String summary(AuditEvent e) {
    var a = e.getActor();
    return e.getEventId()
        + " "
        + e.getTime()
        + " "
        + e.getCategory()
        + "/"
        + e.getAction()
        + "("
        + e.getOcsfClassUid()
        + ") "
        + e.getOutcome()
        + " denied="
        + e.getDenied()
        + " actor="
        + a.getType()
        + ",root="
        + a.getRoot()
        + ",id="
        + a.getId()
        + ",name="
        + a.getName()
        + ",method="
        + a.getAuthMethod()
        + " target="
        + e.getTarget().getResource();
  }
}
