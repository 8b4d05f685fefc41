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
 * IAM ARN ending in {@code :root}. An identity whose type's rule finds no name falls back to its
 * {@code userName}.
 *
 * <p>CloudTrail leaves {@code arn} out of some records of an identity that has one: a failed {@code
 * ConsoleLogin} and {@code CheckMfa} of an IAM user carry only its principalId, account and name.
 * Falling back to the principalId there would file one user under two ids, so the ARN is rebuilt
 * from the parts the record does carry wherever AWS's format makes that exact: an IAM user ({@code
 * arn:<partition>:iam::<account>:user/<userName>}), the root user ({@code ...:root}), a role
 * session ({@code arn:<partition>:sts::<account>:assumed-role/<role>/<session>}, role from the
 * session issuer, session from the principalId) and a federated user ({@code
 * ...:federated-user/<name>}). The partition is taken from another ARN of the identity (the session
 * issuer's) or else from the region ({@code cn-}, {@code us-gov-}, the ISO regions), else {@code
 * aws}. An IAM user created with a path ({@code /ops/}) has it in its ARN, which such a record does
 * not carry; that one user still gets two ids.
 */
final class CloudTrailActors {

  static final String ANONYMOUS_PRINCIPAL = "ANONYMOUS_PRINCIPAL";

  /** Region prefixes of the partitions other than {@code aws}. */
  private static final String[][] REGION_PARTITIONS = {
    {"cn-", "aws-cn"},
    {"us-gov-", "aws-us-gov"},
    {"us-iso-", "aws-iso"},
    {"us-isob-", "aws-iso-b"},
    {"eu-isoe-", "aws-iso-e"},
    {"us-isof-", "aws-iso-f"}
  };

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

  /**
   * @param region the record's {@code awsRegion}, which names the partition when no ARN of the
   *     identity does; may be null
   */
  static Actor actor(JsonNode userIdentity, JsonNode additionalEventData, String region) {
    Actor actor = byType(userIdentity, additionalEventData, region);
    if (actor.getName() == null) {
      // Trimmed records (rule-test fixtures, SIEM excerpts) may keep only the type and userName:
      // it still says who acted where the parts the type's rule reads are missing.
      actor.setName(text(userIdentity, "userName"));
    }
    return actor;
  }

  private static Actor byType(JsonNode userIdentity, JsonNode additionalEventData, String region) {
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
      return credentials.root(
          first(arn, rootArn(userIdentity, accountId, principalId, region), principalId, accountId),
          first(userName, "root"));
    }
    return switch (type == null ? "" : type) {
      case "IAMUser" ->
          credentials.actor(
              first(
                  arn, userArn(userIdentity, accountId, userName, region), principalId, accountId),
              first(userName, afterMarker(arn, ":user/")),
              ActorType.USER);
      case "AssumedRole" ->
          credentials.actor(
              first(arn, sessionArn(userIdentity, accountId, principalId, region), principalId),
              first(afterMarker(arn, ":assumed-role/"), issuerAndSession(userIdentity)),
              ActorType.ROLE_SESSION);
      case "FederatedUser" ->
          // A GetFederationToken session: temporary credentials issued by an IAM user.
          credentials.actor(
              first(arn, federatedArn(userIdentity, accountId, principalId, region), principalId),
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

  // ---- ARNs CloudTrail left out (see the class comment)
  // ------------------------------------------

  private static String userArn(
      JsonNode userIdentity, String accountId, String userName, String region) {
    if (accountId == null || userName == null) {
      return null;
    }
    return "arn:" + partition(userIdentity, region) + ":iam::" + accountId + ":user/" + userName;
  }

  /** The root user's principalId is its account id, so either names the account. */
  private static String rootArn(
      JsonNode userIdentity, String accountId, String principalId, String region) {
    String account = first(accountId, isAccountId(principalId) ? principalId : null);
    return account == null
        ? null
        : "arn:" + partition(userIdentity, region) + ":iam::" + account + ":root";
  }

  /** A session ARN names the role without its path, as the session issuer's userName does. */
  private static String sessionArn(
      JsonNode userIdentity, String accountId, String principalId, String region) {
    JsonNode issuer = userIdentity.path("sessionContext").path("sessionIssuer");
    String role = text(issuer, "userName");
    String account = first(accountId, text(issuer, "accountId"));
    String session = afterColon(principalId);
    if (role == null || account == null || session == null) {
      return null;
    }
    return "arn:"
        + partition(userIdentity, region)
        + ":sts::"
        + account
        + ":assumed-role/"
        + role
        + "/"
        + session;
  }

  /** A federated user's principalId is {@code <account>:<name>}. */
  private static String federatedArn(
      JsonNode userIdentity, String accountId, String principalId, String region) {
    String name = afterColon(principalId);
    if (accountId == null || name == null) {
      return null;
    }
    return "arn:"
        + partition(userIdentity, region)
        + ":sts::"
        + accountId
        + ":federated-user/"
        + name;
  }

  /**
   * The AWS partition of the identity: from the session issuer's ARN when there is one, else from
   * the region's prefix, else the commercial partition.
   */
  static String partition(JsonNode userIdentity, String region) {
    String issuerArn = text(userIdentity.path("sessionContext").path("sessionIssuer"), "arn");
    if (issuerArn != null && issuerArn.startsWith("arn:")) {
      int end = issuerArn.indexOf(':', 4);
      if (end > 4) {
        return issuerArn.substring(4, end);
      }
    }
    if (region != null) {
      for (String[] prefix : REGION_PARTITIONS) {
        if (region.startsWith(prefix[0])) {
          return prefix[1];
        }
      }
    }
    return "aws";
  }

  private static boolean isAccountId(String value) {
    if (value == null || value.length() != 12) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    return true;
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
