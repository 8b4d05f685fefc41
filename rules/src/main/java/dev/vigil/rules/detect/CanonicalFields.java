package dev.vigil.rules.detect;

import dev.vigil.event.AuditEvent;
import java.util.List;
import java.util.Set;

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
    return switch (path) {
      case "event_id" -> event.getEventId();
      case "time" -> event.getTime().toString();
      case "source" -> event.getSource().name();
      case "category" -> event.getCategory().name();
      case "ocsf_class_uid" -> event.getOcsfClassUid();
      case "action" -> event.getAction();
      case "operation" -> event.getOperation();
      case "outcome" -> event.getOutcome().name();
      case "denied" -> event.getDenied();
      case "error_code" -> event.getErrorCode();
      case "error_message" -> event.getErrorMessage();
      case "actor.id" -> event.getActor().getId();
      case "actor.name" -> event.getActor().getName();
      case "actor.type" -> event.getActor().getType().name();
      case "actor.root" -> event.getActor().getRoot();
      case "actor.session" -> event.getActor().getSession();
      case "actor.auth_method" -> event.getActor().getAuthMethod();
      case "actor.mfa" -> event.getActor().getMfa();
      case "actor.policies" -> event.getActor().getPolicies();
      case "src.ip" -> event.getSrc().getIp();
      case "src.user_agent" -> event.getSrc().getUserAgent();
      case "target.resource" -> event.getTarget().getResource();
      case "target.type" -> event.getTarget().getType();
      case "target.account" -> event.getTarget().getAccount();
      case "target.region" -> event.getTarget().getRegion();
      case "origin" -> event.getOrigin();
      default -> throw new IllegalArgumentException("not a canonical field: " + path);
    };
  }
}
