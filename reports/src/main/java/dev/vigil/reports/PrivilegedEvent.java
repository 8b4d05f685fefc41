package dev.vigil.reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One privileged event of the period, as {@code privileged-events.csv} lists it for an auditor to
 * sample: the same events {@link PrivilegedActorCount} counts (root use, and policy and audit
 * configuration changes that succeeded; a Vault request by its response entry, or by its request
 * entry when its response was not seen), with the fields that say who did what to what, and why the
 * event is privileged. No value from a request or response body: these are the canonical fields,
 * never {@code raw}.
 *
 * @param account {@code target.account}; null, like every field but the first four, when the event
 *     names none
 * @param target {@code target.resource}
 * @param responseNotSeen the event is the request entry of a Vault request whose response entry is
 *     nowhere in the input (the node died, the entry was dropped), so it counts in its stead
 */
public record PrivilegedEvent(
    String eventId,
    Instant time,
    String source,
    String category,
    String account,
    String actorId,
    String actorName,
    String actorType,
    String operation,
    String action,
    String target,
    String outcome,
    boolean rootUse,
    boolean policyChange,
    boolean auditConfigChange,
    boolean responseNotSeen) {

  /**
   * What privileged-events.csv says of an event that counts for a request whose response is lost.
   */
  static final String RESPONSE_NOT_SEEN = "request entry, response not seen";

  /**
   * The most events {@code privileged-events.csv} lists. The file is evidence to sample from, and
   * its rows are kept in memory while the input is read; beyond this the report says how many were
   * left out, and which (see {@link #SELECTION}).
   */
  public static final int AT_MOST = 10_000;

  private static final Comparator<String> NULLS_FIRST =
      Comparator.nullsFirst(Comparator.naturalOrder());

  // Both orders end with the whole record, so that two records delivered under one id (which the
  // file reader counts apart when their category or outcome differ) are never taken for one.
  /**
   * Which events are kept when there are more than {@link #AT_MOST}: root use first, as in the
   * actors table (an auditor samples root use from its whole population), then the earliest; a
   * total order, so both readers keep the same events.
   */
  static final Comparator<PrivilegedEvent> SELECTION =
      Comparator.comparing((PrivilegedEvent event) -> !event.rootUse())
          .thenComparing(PrivilegedEvent::time)
          .thenComparing(PrivilegedEvent::eventId)
          .thenComparing(PrivilegedEvent::source)
          .thenComparing(Object::toString);

  /** The order of the file: by time, then id, whatever order the input was read in. */
  static final Comparator<PrivilegedEvent> LISTED =
      Comparator.comparing(PrivilegedEvent::time)
          .thenComparing(PrivilegedEvent::eventId)
          .thenComparing(PrivilegedEvent::source)
          .thenComparing(PrivilegedEvent::category, NULLS_FIRST)
          .thenComparing(Object::toString);

  public PrivilegedEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(category, "category");
  }

  /**
   * Why the event is privileged, each reason once: {@code root_use}, {@code policy_change}, {@code
   * audit_config_change}. An event of two kinds (a root token writing a policy) has both.
   */
  public List<String> reasons() {
    List<String> reasons = new ArrayList<>(3);
    if (rootUse) {
      reasons.add("root_use");
    }
    if (policyChange) {
      reasons.add("policy_change");
    }
    if (auditConfigChange) {
      reasons.add("audit_config_change");
    }
    return reasons;
  }

  /** The events to list: at most {@link #AT_MOST}, chosen by {@link #SELECTION}, in file order. */
  static List<PrivilegedEvent> select(List<PrivilegedEvent> events) {
    List<PrivilegedEvent> kept =
        events.stream().sorted(SELECTION).limit(AT_MOST).sorted(LISTED).toList();
    return List.copyOf(kept);
  }
}
