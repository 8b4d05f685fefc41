package dev.vigil.reports;

import dev.vigil.event.Category;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.EventIds;
import java.time.Instant;

/**
 * One actor's privileged events of the period, in one audit source and account: root use, and
 * policy and audit configuration changes that succeeded. What counts is decided here, once, for
 * both readers ({@link #isRootUse}, {@link #isPolicyChange}, {@link #isAuditConfigChange}, {@link
 * #isVaultRequestEntry}); {@code OpenSearchReportSource} asks the same of the index.
 *
 * @param account the Vault namespace, AWS account, Azure subscription or GCP project ({@code
 *     target.account}); null when the event names none
 * @param actorId {@code actor.id}; null when the event names none
 * @param actorName {@code actor.name}; null when the event names none
 * @param actorType {@code actor.type}; null when the event names none
 * @param events the privileged events, each once even when it is of two kinds (a root token writing
 *     a policy)
 * @param first the time of the first of them
 * @param last the time of the last of them
 */
public record PrivilegedActorCount(
    String source,
    String account,
    String actorId,
    String actorName,
    String actorType,
    long events,
    long rootUse,
    long policyChanges,
    long auditConfigChanges,
    Instant first,
    Instant last) {

  static final String SUCCESS = Outcome.SUCCESS.name();
  static final String POLICY_CHANGE = Category.POLICY_CHANGE.name();
  static final String AUDIT_CONFIG = Category.AUDIT_CONFIG.name();
  static final String VAULT = Source.VAULT.name();

  /** What makes one row: the actor, in one source and account. */
  record Key(String source, String account, String actorId, String actorName, String actorType) {}

  /**
   * Whether the event is the request entry of a Vault request: left out of this count, so that a
   * request counts once, by its response entry, which holds the outcome (as the dashboards do).
   */
  static boolean isVaultRequestEntry(String source, String eventId) {
    return VAULT.equals(source) && EventIds.isVaultRequestEntry(Source.VAULT, eventId);
  }

  /**
   * An event of the platform's most privileged identity ({@code actor.root}), whatever came of it.
   */
  static boolean isRootUse(Boolean root) {
    return Boolean.TRUE.equals(root);
  }

  static boolean isPolicyChange(String category, String outcome) {
    return POLICY_CHANGE.equals(category) && SUCCESS.equals(outcome);
  }

  static boolean isAuditConfigChange(String category, String outcome) {
    return AUDIT_CONFIG.equals(category) && SUCCESS.equals(outcome);
  }

  /** The actor as the report shows it: its name, else its id, else {@code (unknown)}. */
  public String actor() {
    if (actorName != null && !actorName.isBlank()) {
      return actorName;
    }
    if (actorId != null && !actorId.isBlank()) {
      return actorId;
    }
    return "(unknown)";
  }

  Key key() {
    return new Key(source, account, actorId, actorName, actorType);
  }

  /** The same actor, source and account with {@code other}'s events added. */
  PrivilegedActorCount plus(PrivilegedActorCount other) {
    return new PrivilegedActorCount(
        source,
        account,
        actorId,
        actorName,
        actorType,
        events + other.events,
        rootUse + other.rootUse,
        policyChanges + other.policyChanges,
        auditConfigChanges + other.auditConfigChanges,
        first.isBefore(other.first) ? first : other.first,
        last.isAfter(other.last) ? last : other.last);
  }
}
