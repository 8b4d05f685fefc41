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

  /**
   * What every actor of a record shares: the access key, the identity type as CloudTrail names it,
   * and whether MFA was used. Builds actors with Avro's constructor rather than its builder, which
   * checks every value again on every record.
   */
  private record Credentials(String session, String authMethod, Boolean mfa) {

    Actor actor(String id, String name, ActorType type) {
      return new Actor(id, name, type, false, session, authMethod, mfa, List.of());
    }

    Actor root(String id, String name) {
      return new Actor(id, name, ActorType.ROOT, true, session, authMethod, mfa, List.of());
    }
  }

  static Actor actor(JsonNode userIdentity, JsonNode additionalEventData) {
    Boolean mfa = mfa(userIdentity, additionalEventData);
    if (userIdentity == null || !userIdentity.isObject()) {
      return new Actor(null, null, ActorType.UNKNOWN, false, null, null, mfa, List.of());
    }
    String type = text(userIdentity, "type");
    String arn = text(userIdentity, "arn");
    String principalId = text(userIdentity, "principalId");
    String accountId = text(userIdentity, "accountId");
    String userName = text(userIdentity, "userName");
    Credentials credentials = new Credentials(text(userIdentity, "accessKeyId"), type, mfa);
    if ("Root".equals(type) || isRootArn(arn)) {
      return credentials.root(first(arn, principalId, accountId), first(userName, "root"));
    }
    return switch (type == null ? "" : type) {
      case "IAMUser" ->
          credentials.actor(
              first(arn, principalId, accountId),
              first(userName, afterMarker(arn, ":user/")),
              ActorType.USER);
      case "AssumedRole" ->
          credentials.actor(
              first(arn, principalId),
              first(afterMarker(arn, ":assumed-role/"), issuerAndSession(userIdentity)),
              ActorType.ROLE_SESSION);
      case "FederatedUser" ->
          // A GetFederationToken session: temporary credentials issued by an IAM user.
          credentials.actor(
              first(arn, principalId),
              first(afterMarker(arn, ":federated-user/"), afterColon(principalId)),
              ActorType.ROLE_SESSION);
      case "SAMLUser", "WebIdentityUser" ->
          credentials.actor(
              first(principalId, userName), first(userName, principalId), ActorType.USER);
      case "AWSService" -> {
        String service = text(userIdentity, "invokedBy");
        yield credentials.actor(first(service, principalId), service, ActorType.SERVICE);
      }
      case "AWSAccount" -> awsAccount(principalId, accountId, credentials);
      case "IdentityCenterUser" -> {
        String storeUserId = text(userIdentity.path("onBehalfOf"), "userId");
        yield credentials.actor(
            first(storeUserId, text(userIdentity, "credentialId"), arn),
            first(userName, text(additionalEventData, "UserName"), storeUserId),
            ActorType.USER);
      }
      default ->
          // Unknown, missing or a type newer than this parser: keep whatever names the caller.
          credentials.actor(first(arn, principalId, accountId), userName, ActorType.UNKNOWN);
    };
  }

  /**
   * Another account's principal (cross-account access, S3 anonymous access). IAM unique-id prefixes
   * tell a role session ({@code AROA}) from a user ({@code AIDA}).
   */
  private static Actor awsAccount(String principalId, String accountId, Credentials credentials) {
    if (ANONYMOUS_PRINCIPAL.equals(accountId) || ANONYMOUS_PRINCIPAL.equals(principalId)) {
      return credentials.actor(ANONYMOUS_PRINCIPAL, "anonymous", ActorType.ANONYMOUS);
    }
    ActorType type = ActorType.UNKNOWN;
    if (principalId != null && principalId.startsWith("AROA")) {
      type = ActorType.ROLE_SESSION;
    } else if (principalId != null && principalId.startsWith("AIDA")) {
      type = ActorType.USER;
    }
    return credentials.actor(
        first(principalId, accountId), first(afterColon(principalId), accountId), type);
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
