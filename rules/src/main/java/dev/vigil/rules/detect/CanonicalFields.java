package dev.vigil.rules.detect;

import dev.vigil.event.AuditEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The canonical event's field paths that rules may name, and how to read each. */
public final class CanonicalFields {

  /** Every readable path, in schema order. {@code raw} is searched by keywords, not named. */
  public static final List<String> PATHS =
      List.of(
          "event_id",
          "time",
          "source",
          "category",
          "ocsf_class_uid",
          "action",
          "operation",
          "outcome",
          "denied",
          "error_code",
          "error_message",
          "actor.id",
          "actor.name",
          "actor.type",
          "actor.root",
          "actor.session",
          "actor.auth_method",
          "actor.mfa",
          "actor.policies",
          "src.ip",
          "src.user_agent",
          "target.resource",
          "target.type",
          "target.account",
          "target.region",
          "origin");

  private static final Set<String> KNOWN = Set.copyOf(PATHS);

  private CanonicalFields() {}

  public static boolean isCanonical(String path) {
    return KNOWN.contains(path);
  }

  /** Fields that always hold one scalar (never a list), so an equality on them can be indexed. */
  public static boolean isScalar(String path) {
    return KNOWN.contains(path) && !path.equals("actor.policies");
  }

  /** The value at a canonical path: String, Boolean, Integer, Long (time in epoch ms) or List. */
  public static Object read(AuditEvent event, String path) {
    return reader(path).apply(event);
  }

  /**
   * How to read a canonical path, resolved once: a rule's field reads its value without matching
   * the path's name on every read.
   */
  public static Function<AuditEvent, Object> reader(String path) {
    Function<AuditEvent, Object> reader = READERS.get(path);
    if (reader == null) {
      throw new IllegalArgumentException("not a canonical field: " + path);
    }
    return reader;
  }

  private static final Map<String, Function<AuditEvent, Object>> READERS =
      Map.ofEntries(
          Map.entry("event_id", AuditEvent::getEventId),
          Map.entry("time", event -> event.getTime().toString()),
          Map.entry("source", event -> event.getSource().name()),
          Map.entry("category", event -> event.getCategory().name()),
          Map.entry("ocsf_class_uid", AuditEvent::getOcsfClassUid),
          Map.entry("action", AuditEvent::getAction),
          Map.entry("operation", AuditEvent::getOperation),
          Map.entry("outcome", event -> event.getOutcome().name()),
          Map.entry("denied", AuditEvent::getDenied),
          Map.entry("error_code", AuditEvent::getErrorCode),
          Map.entry("error_message", AuditEvent::getErrorMessage),
          Map.entry("actor.id", event -> event.getActor().getId()),
          Map.entry("actor.name", event -> event.getActor().getName()),
          Map.entry("actor.type", event -> event.getActor().getType().name()),
          Map.entry("actor.root", event -> event.getActor().getRoot()),
          Map.entry("actor.session", event -> event.getActor().getSession()),
          Map.entry("actor.auth_method", event -> event.getActor().getAuthMethod()),
          Map.entry("actor.mfa", event -> event.getActor().getMfa()),
          Map.entry("actor.policies", event -> event.getActor().getPolicies()),
          Map.entry("src.ip", event -> event.getSrc().getIp()),
          Map.entry("src.user_agent", event -> event.getSrc().getUserAgent()),
          Map.entry("target.resource", event -> event.getTarget().getResource()),
          Map.entry("target.type", event -> event.getTarget().getType()),
          Map.entry("target.account", event -> event.getTarget().getAccount()),
          Map.entry("target.region", event -> event.getTarget().getRegion()),
          Map.entry("origin", AuditEvent::getOrigin));
}
