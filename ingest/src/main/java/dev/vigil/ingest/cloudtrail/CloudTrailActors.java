package dev.vigil.ingest.cloudtrail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.Actor;
import dev.vigil.event.ActorType;
import dev.vigil.ingest.spi.Json;
import java.util.List;

/**
 * Maps CloudTrail's {@code userIdentity} to {@link Actor}, one rule per identity type.
 *
 * <p>{@code id} is the ARN when there is one, else the principalId or account; {@code name} is what
 * an analyst recognizes: the IAM user name, {@code RoleName/SessionName} for an assumed role (the
 * part of the session ARN after {@code assumed-role/}, so the role behind a session is never lost),
 * the federated user's name, the service that acted. {@code session} is the access key id and
 * {@code auth_method} the identity type as CloudTrail names it ({@code IAMUser}, {@code
 * AssumedRole}, ...). {@code root} holds for the account root user only: type {@code Root}, or an
 * IAM ARN ending in {@code :root}.
 */
final class CloudTrailActors {

  static final String ANONYMOUS_PRINCIPAL = "ANONYMOUS_PRINCIPAL";

  private CloudTrailActors() {}

  static Actor actor(JsonNode userIdentity, JsonNode additionalEventData) {
    Actor.Builder actor =
        Actor.newBuilder()
            .setId(null)
            .setName(null)
            .setType(ActorType.UNKNOWN)
            .setRoot(false)
            .setSession(null)
            .setAuthMethod(null)
            .setMfa(mfa(userIdentity, additionalEventData))
            .setPolicies(List.of());
    if (userIdentity == null || !userIdentity.isObject()) {
      return actor.build();
    }
    String type = text(userIdentity, "type");
    String arn = text(userIdentity, "arn");
    String principalId = text(userIdentity, "principalId");
    String accountId = text(userIdentity, "accountId");
    String userName = text(userIdentity, "userName");
    actor.setSession(text(userIdentity, "accessKeyId")).setAuthMethod(type);
    if ("Root".equals(type) || isRootArn(arn)) {
      return actor
          .setType(ActorType.ROOT)
          .setRoot(true)
          .setId(first(arn, principalId, accountId))
          .setName(first(userName, "root"))
          .build();
    }
    switch (type == null ? "" : type) {
      case "IAMUser" ->
          actor
              .setType(ActorType.USER)
              .setId(first(arn, principalId, accountId))
              .setName(first(userName, afterMarker(arn, ":user/")));
      case "AssumedRole" ->
          actor
              .setType(ActorType.ROLE_SESSION)
              .setId(first(arn, principalId))
              .setName(first(afterMarker(arn, ":assumed-role/"), issuerAndSession(userIdentity)));
      case "FederatedUser" ->
          // A GetFederationToken session: temporary credentials issued by an IAM user.
          actor
              .setType(ActorType.ROLE_SESSION)
              .setId(first(arn, principalId))
              .setName(first(afterMarker(arn, ":federated-user/"), afterColon(principalId)));
      case "SAMLUser", "WebIdentityUser" ->
          actor
              .setType(ActorType.USER)
              .setId(first(principalId, userName))
              .setName(first(userName, principalId));
      case "AWSService" -> {
        String service = text(userIdentity, "invokedBy");
        actor.setType(ActorType.SERVICE).setId(first(service, principalId)).setName(service);
      }
      case "AWSAccount" -> awsAccount(actor, principalId, accountId);
      case "IdentityCenterUser" -> {
        String storeUserId = text(userIdentity.path("onBehalfOf"), "userId");
        actor
            .setType(ActorType.USER)
            .setId(first(storeUserId, text(userIdentity, "credentialId"), arn))
            .setName(first(userName, text(additionalEventData, "UserName"), storeUserId));
      }
      default ->
          // Unknown, missing or a type newer than this parser: keep whatever names the caller.
          actor.setId(first(arn, principalId, accountId)).setName(userName);
    }
    return actor.build();
  }

  /**
   * Another account's principal (cross-account access, S3 anonymous access). IAM unique-id prefixes
   * tell a role session ({@code AROA}) from a user ({@code AIDA}).
   */
  private static void awsAccount(Actor.Builder actor, String principalId, String accountId) {
    if (ANONYMOUS_PRINCIPAL.equals(accountId) || ANONYMOUS_PRINCIPAL.equals(principalId)) {
      actor.setType(ActorType.ANONYMOUS).setId(ANONYMOUS_PRINCIPAL).setName("anonymous");
      return;
    }
    ActorType type = ActorType.UNKNOWN;
    if (principalId != null && principalId.startsWith("AROA")) {
      type = ActorType.ROLE_SESSION;
    } else if (principalId != null && principalId.startsWith("AIDA")) {
      type = ActorType.USER;
    }
    actor
        .setType(type)
        .setId(first(principalId, accountId))
        .setName(first(afterColon(principalId), accountId));
  }

  /**
   * {@code additionalEventData.MFAUsed} ("Yes"/"No") speaks for a sign-in itself, so it wins over
   * the session's {@code mfaAuthenticated} ("true"/"false" strings).
   */
  private static Boolean mfa(JsonNode userIdentity, JsonNode additionalEventData) {
    String used = text(additionalEventData, "MFAUsed");
    if (used != null) {
      if (used.equalsIgnoreCase("yes")) {
        return Boolean.TRUE;
      }
      if (used.equalsIgnoreCase("no")) {
        return Boolean.FALSE;
      }
    }
    if (userIdentity == null || !userIdentity.isObject()) {
      return null;
    }
    JsonNode attributes = userIdentity.path("sessionContext").path("attributes");
    return attributes.isObject() ? Json.bool(attributes, "mfaAuthenticated") : null;
  }

  private static String issuerAndSession(JsonNode userIdentity) {
    String role = text(userIdentity.path("sessionContext").path("sessionIssuer"), "userName");
    String session = afterColon(text(userIdentity, "principalId"));
    if (role == null) {
      return session;
    }
    return session == null ? role : role + "/" + session;
  }

  static boolean isRootArn(String arn) {
    return arn != null && arn.startsWith("arn:") && arn.endsWith(":root") && arn.contains(":iam:");
  }

  private static String afterMarker(String arn, String marker) {
    if (arn == null) {
      return null;
    }
    int at = arn.indexOf(marker);
    if (at < 0 || at + marker.length() >= arn.length()) {
      return null;
    }
    return arn.substring(at + marker.length());
  }

  private static String afterColon(String principalId) {
    if (principalId == null) {
      return null;
    }
    int colon = principalId.indexOf(':');
    return colon < 0 || colon == principalId.length() - 1 ? null : principalId.substring(colon + 1);
  }

  static String text(JsonNode node, String key) {
    return node == null ? null : Json.scalarText(node.get(key));
  }

  static String first(String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null) {
        return candidate;
      }
    }
    return null;
  }
}
