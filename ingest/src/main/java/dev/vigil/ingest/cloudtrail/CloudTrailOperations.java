package dev.vigil.ingest.cloudtrail;

import dev.vigil.event.Category;
import dev.vigil.ingest.mapping.Mapping;
import dev.vigil.ingest.mapping.MappingTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a CloudTrail operation ({@code eventSource}, {@code eventName}) is: category, action, OCSF
 * class and flags, from the {@code cloudtrail.yaml} mapping table with the action derived from the
 * eventName's verb where the table leaves it out. The table is looked up with three keys: {@code
 * eventSource}, {@code eventName} and {@code verb}, the action the eventName's verb names, so that
 * its last rule can say in data that any other change is SYSTEM. An operation no rule matches is
 * OTHER.
 *
 * <p>Design: a table lookup runs every rule's glob regexes, but a trail repeats a few hundred
 * operations millions of times, so answers are memoized per (eventSource, eventName) in a two-level
 * concurrent map (no key object is allocated on a hit). The map is bounded: names come from
 * untrusted records, so when it holds {@link #MAX_CACHED} answers (by default) it is cleared and
 * refills with what is current. Clearing is coarse but cheap, and real trails never get near the
 * bound; a race around the counter can only cost a recomputation, never a wrong answer.
 * Thread-safe.
 */
final class CloudTrailOperations {

  /** More distinct operations than all AWS APIs together; only a hostile stream reaches it. */
  static final int MAX_CACHED = 20_000;

  static final String REQUIRES_DECRYPTION = "requires_decryption";
  static final String ROOT_CREDENTIAL = "root_credential";

  private static final int DEFAULT_OCSF_CLASS = 6003;
  private static final String OTHER_ACTION = "other";

  /**
   * eventName leading verb → action. A verb is the eventName's first capitalized word ({@code
   * Batch} is skipped as a modifier: {@code BatchGetSecretValue} reads).
   */
  private static final Map<String, String> VERB_ACTIONS = verbActions();

  /**
   * The answer for one operation; {@code target} lists the request fields that name what it
   * changed, most specific first (empty when the table names none).
   */
  record Operation(
      Category category, String action, int ocsfClassUid, Set<String> flags, List<String> target) {
    boolean has(String flag) {
      return flags.contains(flag);
    }
  }

  private final MappingTable table;
  private final int maxCached;
  private final Map<String, Map<String, Operation>> cache = new ConcurrentHashMap<>();
  private final AtomicInteger cached = new AtomicInteger();

  CloudTrailOperations(MappingTable table) {
    this(table, MAX_CACHED);
  }

  CloudTrailOperations(MappingTable table, int maxCached) {
    this.table = table;
    this.maxCached = maxCached;
  }

  /** The operation's mapping; {@code eventSource} may be null (hand-made or trimmed records). */
  Operation resolve(String eventSource, String eventName) {
    String sourceKey = eventSource == null ? "" : eventSource;
    Map<String, Operation> byName = cache.get(sourceKey);
    Operation operation = byName == null ? null : byName.get(eventName);
    if (operation != null) {
      return operation;
    }
    operation = lookup(eventSource, eventName);
    if (cached.incrementAndGet() > maxCached) {
      cache.clear();
      cached.set(1);
    }
    cache.computeIfAbsent(sourceKey, k -> new ConcurrentHashMap<>()).put(eventName, operation);
    return operation;
  }

  /** How many answers are memoized (for tests of the bound). */
  int cachedCount() {
    return cache.values().stream().mapToInt(Map::size).sum();
  }

  private Operation lookup(String eventSource, String eventName) {
    String verbAction = actionOfVerb(eventName);
    Map<String, String> keys =
        eventSource == null
            ? Map.of("eventName", eventName, "verb", verbAction)
            : Map.of("eventSource", eventSource, "eventName", eventName, "verb", verbAction);
    Optional<Mapping> mapping = table.lookup(keys);
    if (mapping.isEmpty()) {
      return new Operation(Category.OTHER, verbAction, DEFAULT_OCSF_CLASS, Set.of(), List.of());
    }
    Mapping found = mapping.get();
    return new Operation(
        found.category(),
        found.action() != null ? found.action() : verbAction,
        found.ocsfClassUid() != null ? found.ocsfClassUid() : DEFAULT_OCSF_CLASS,
        found.flags(),
        found.target());
  }

  /** The action named by the eventName's leading verb, or {@code other}. */
  static String actionOfVerb(String eventName) {
    String verb = firstWord(eventName, 0);
    if (verb.equals("Batch") && eventName.length() > verb.length()) {
      verb = firstWord(eventName, verb.length());
    }
    return VERB_ACTIONS.getOrDefault(verb, OTHER_ACTION);
  }

  /** The word starting at {@code start}: up to the next upper-case letter or digit. */
  private static String firstWord(String name, int start) {
    int end = start + 1;
    while (end < name.length()) {
      char c = name.charAt(end);
      if (Character.isUpperCase(c) || Character.isDigit(c)) {
        break;
      }
      end++;
    }
    return name.substring(start, Math.min(end, name.length()));
  }

  private static Map<String, String> verbActions() {
    Map<String, String> verbs = new HashMap<>();
    for (String verb :
        new String[] {
          "Get",
          "Describe",
          "Head",
          "Lookup",
          "Search",
          "Select",
          "Query",
          "Scan",
          "Download",
          "Read",
          "Retrieve",
          "Preview",
          "Estimate",
          "Filter",
          "Verify",
          "Check",
          "Validate",
          "Test",
          "Simulate",
          "Export"
        }) {
      verbs.put(verb, "read");
    }
    verbs.put("List", "list");
    for (String verb :
        new String[] {
          "Create",
          "Run",
          "Add",
          "Upload",
          "Import",
          "Copy",
          "Register",
          "Allocate",
          "Publish",
          "Generate",
          "Request",
          "Clone",
          "Purchase",
          "Provision"
        }) {
      verbs.put(verb, "create");
    }
    for (String verb :
        new String[] {
          "Put",
          "Update",
          "Modify",
          "Set",
          "Attach",
          "Detach",
          "Associate",
          "Disassociate",
          "Change",
          "Replace",
          "Reset",
          "Tag",
          "Untag",
          "Authorize",
          "Restore",
          "Reboot",
          "Rotate",
          "Apply",
          "Accept",
          "Reject",
          "Assign",
          "Unassign",
          "Edit",
          "Move",
          "Rename",
          "Resync",
          "Link",
          "Unlink",
          "Upgrade",
          "Failover",
          "Configure",
          "Cancel",
          "Label",
          "Unlabel"
        }) {
      verbs.put(verb, "update");
    }
    for (String verb :
        new String[] {
          "Delete",
          "Remove",
          "Terminate",
          "Deregister",
          "Purge",
          "Destroy",
          "Release",
          "Leave",
          "Unsubscribe",
          "Retire",
          "Deprovision",
          "Unshare"
        }) {
      verbs.put(verb, "delete");
    }
    for (String verb : new String[] {"Enable", "Start", "Resume", "Activate"}) {
      verbs.put(verb, "enable");
    }
    for (String verb : new String[] {"Disable", "Stop", "Suspend", "Deactivate", "Pause"}) {
      verbs.put(verb, "disable");
    }
    verbs.put("Revoke", "revoke");
    verbs.put("Decrypt", "decrypt");
    verbs.put("Encrypt", "encrypt");
    verbs.put("Sign", "sign");
    verbs.put("Login", "login");
    verbs.put("Logout", "logout");
    verbs.put("Renew", "renew");
    verbs.put("Issue", "issue");
    return Map.copyOf(verbs);
  }
}
