package dev.vigil.rules.engine;

import dev.vigil.event.Actor;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Src;
import dev.vigil.event.Target;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericArray;

/**
 * Makes the repeated texts of the events an engine holds one object each: an identity's id, name
 * and policies, its address, the action, the resource, an error's code and message, the group keys
 * of its correlations.
 *
 * <p>Design: an engine keeps every event a correlation may still need, in its windows and (in the
 * Flink job) in keyed state for the replay after a restore, and each arrives with its own copy of
 * every text: deserialized events share nothing. Most of a held event's bytes were such copies of
 * texts that the same identity's previous event already holds. A direct-mapped cache (a slot per
 * text, a miss overwrites the slot) keeps the last text seen per slot, so repeated texts collapse
 * onto one instance at the cost of a comparison, with no map to grow or evict and memory fixed at
 * {@link #SLOTS} references; a text that is not repeated simply stays as it came. Only object
 * identity changes: every value stays equal, so what rules match and what alerts say do not. One
 * engine, one thread: no locking.
 */
final class TextInterner {

  private static final int SLOT_BITS = 14;
  static final int SLOTS = 1 << SLOT_BITS;

  private final String[] slots = new String[SLOTS];

  /** The cached instance equal to {@code text}, or {@code text} itself, now cached. */
  String intern(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    int slot = slot(text);
    String known = slots[slot];
    if (known != null && known.equals(text)) {
      return known;
    }
    slots[slot] = text;
    return text;
  }

  /**
   * A slot from the length and a few characters, not {@link String#hashCode}: a fresh text has no
   * cached hash, and computing it walks every character, where the comparison that confirms a hit
   * is vectorized. The characters are those where the texts of one field most often differ (the
   * end: numbers, session names, UUIDs) and the middle. A weak slot only costs hits, never
   * correctness; the shared instance then caches its hash once for every later map lookup.
   */
  private static int slot(String text) {
    int length = text.length();
    int mixed = length;
    mixed = 31 * mixed + text.charAt(length - 1);
    mixed = 31 * mixed + text.charAt(length >>> 1);
    mixed = 31 * mixed + text.charAt((length - 1) >>> 2);
    if (length > 3) {
      mixed = 31 * mixed + text.charAt(length - 2);
      mixed = 31 * mixed + text.charAt(length - 3);
      mixed = 31 * mixed + text.charAt(length - 4);
    }
    return (mixed * 0x9E3779B9) >>> (Integer.SIZE - SLOT_BITS);
  }

  /** Replaces the event's texts that repeat across events by their cached instances, in place. */
  void internFields(AuditEvent event) {
    event.setAction(intern(event.getAction()));
    event.setOperation(intern(event.getOperation()));
    event.setErrorCode(intern(event.getErrorCode()));
    event.setErrorMessage(intern(event.getErrorMessage()));
    Actor actor = event.getActor();
    if (actor != null) {
      actor.setId(intern(actor.getId()));
      actor.setName(intern(actor.getName()));
      actor.setSession(intern(actor.getSession()));
      actor.setAuthMethod(intern(actor.getAuthMethod()));
      List<String> policies = actor.getPolicies();
      if (policies != null && policies.isEmpty()) {
        // Most identities carry no policies; a deserialized event has its own empty array each.
        actor.setPolicies(List.of());
      } else if (policies instanceof GenericArray<?> || policies instanceof ArrayList<?>) {
        // Lists made by code may be immutable; deserialized ones are Avro's or Java's arrays.
        for (int i = 0; i < policies.size(); i++) {
          policies.set(i, intern(policies.get(i)));
        }
      }
    }
    Src src = event.getSrc();
    if (src != null) {
      src.setIp(intern(src.getIp()));
      src.setUserAgent(intern(src.getUserAgent()));
    }
    Target target = event.getTarget();
    if (target != null) {
      target.setResource(intern(target.getResource()));
      target.setType(intern(target.getType()));
      target.setAccount(intern(target.getAccount()));
      target.setRegion(intern(target.getRegion()));
    }
  }
}
