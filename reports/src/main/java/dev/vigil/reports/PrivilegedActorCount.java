package dev.vigil.reports;

import dev.vigil.event.Category;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.EventIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One actor's privileged events of the period, in one audit source and account: root use, and
 * policy and audit configuration changes that succeeded. What counts is decided here, once, for
 * both readers ({@link #isRootUse}, {@link #isPolicyChange}, {@link #isAuditConfigChange}, {@link
 * #isVaultRequestEntry}); {@code OpenSearchReportSource} asks the same of the index.
 *
 * @param account the Vault namespace, AWS account, Azure subscription or GCP project ({@code
 *     target.account}); null when the event names none
 * @param actorId {@code actor.id}; null when the event names none
 * @param actorNames the {@code actor.name}s the actor's events carry, sorted, each once: an actor
 *     renamed within the period (a user's display name, a role session's name) is one row with both
 *     names; empty when the events name none
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
    List<String> actorNames,
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

  public PrivilegedActorCount {
    actorNames = List.copyOf(new TreeSet<>(actorNames));
  }

  /**
   * What makes one row: the actor, in one source and account. The actor is its {@code actor.id},
   * which stays when its name changes; only events that carry no id are told apart by name.
   */
  record Key(
      String source, String account, String actorId, List<String> namesWithoutId, String type) {}

  /** The names of an event's actor: its one {@code actor.name}, or none. */
  static List<String> names(String actorName) {
    return actorName == null || actorName.isBlank() ? List.of() : List.of(actorName);
  }

  /**
   * Whether the event is the request entry of a Vault request: a request counts once, by its
   * response entry, which holds the outcome (as the dashboards do), and by its request entry only
   * when no response entry with its id is in the input at all ({@link EventIds#vaultResponseId}):
   * the node died, or the entry was dropped, and a root use must not vanish from the count with it.
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

  /**
   * The actor as the report shows it: its name, else its id, else {@code (unknown)}; an actor
   * renamed within the period by its names and its id ({@code alice / alice.smith (id u-1)}), so a
   * reader sees that the names are one identity.
   */
  public String actor() {
    boolean hasId = actorId != null && !actorId.isBlank();
    if (actorNames.size() == 1) {
      return actorNames.get(0);
    }
    if (actorNames.size() > 1) {
      return String.join(" / ", actorNames) + (hasId ? " (id " + actorId + ")" : "");
    }
    return hasId ? actorId : "(unknown)";
  }

  Key key() {
    boolean hasId = actorId != null && !actorId.isBlank();
    return new Key(source, account, actorId, hasId ? List.of() : actorNames, actorType);
  }

  /** The same actor, source and account with {@code other}'s events and names added. */
  PrivilegedActorCount plus(PrivilegedActorCount other) {
    List<String> names = new ArrayList<>(actorNames);
    names.addAll(other.actorNames);
    return new PrivilegedActorCount(
        source,
        account,
        actorId,
        names,
        actorType,
        events + other.events,
        rootUse + other.rootUse,
        policyChanges + other.policyChanges,
        auditConfigChanges + other.auditConfigChanges,
        first.isBefore(other.first) ? first : other.first,
        last.isAfter(other.last) ? last : other.last);
  }
}
