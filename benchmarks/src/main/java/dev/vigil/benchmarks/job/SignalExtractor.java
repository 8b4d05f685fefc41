package dev.vigil.benchmarks.job;

import dev.vigil.detect.job.IngestedEvent;
import dev.vigil.event.Actor;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.EventIds;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The baseline's predicates, written by hand: turns each event into the {@link Signal}s it feeds.
 * Single-event detections on the main output, denied requests and secret reads on side outputs
 * (each to its own keyed detector).
 *
 * <p>The predicates are those of the built-in pack's rules ({@code rules/}): root use is {@code
 * actor.root}; a policy change is what the pack's one {@code policy_change} rule flags, a Vault
 * audit device disabled ({@code rules/vault/vault_audit_device_disabled.yml}); break-glass use is
 * an identity, id or policy named like the default break-glass list ({@code
 * rules/lists/break_glass.yml}); a denied request is {@code denied}; a secret read is a successful
 * {@code SECRET_ACCESS} {@code read}. An event without {@code actor.id} joins no windowed group, as
 * in the engine.
 */
public final class SignalExtractor extends ProcessFunction<IngestedEvent, Signal> {

  private static final long serialVersionUID = 1L;

  static final OutputTag<Signal> DENIED =
      new OutputTag<>("denied", TypeInformation.of(Signal.class));
  static final OutputTag<Signal> SECRET_READS =
      new OutputTag<>("secret-reads", TypeInformation.of(Signal.class));

  private static final List<String> BREAK_GLASS =
      List.of("break-glass", "breakglass", "break_glass", "emergency-access");

  @Override
  public void processElement(IngestedEvent in, Context context, Collector<Signal> out) {
    AuditEvent event = in.event;
    long time = event.getTime().toEpochMilli();
    Actor actor = event.getActor();
    String actorId = actor.getId();
    int detections = 0;
    if (actor.getRoot()) {
      detections |= BaselineDetectionJob.ROOT_TOKEN_USE;
    }
    if (auditDeviceDisabled(event)) {
      detections |= BaselineDetectionJob.POLICY_CHANGE;
    }
    if (breakGlass(actor)) {
      detections |= BaselineDetectionJob.BREAK_GLASS_USE;
    }
    String requestKey = null;
    if (detections != 0) {
      requestKey = EventIds.requestKey(event);
      out.collect(new Signal(Signal.SINGLE, time, requestKey, null, detections));
    }
    if (actorId == null) {
      return;
    }
    if (event.getDenied()) {
      if (requestKey == null) {
        requestKey = EventIds.requestKey(event);
      }
      context.output(DENIED, new Signal(Signal.DENIED, time, actorId, requestKey, 0));
    }
    String resource = event.getTarget().getResource();
    if (event.getCategory() == Category.SECRET_ACCESS
        && event.getOutcome() == Outcome.SUCCESS
        && resource != null
        && "read".equals(event.getAction())) {
      context.output(SECRET_READS, new Signal(Signal.SECRET_READ, time, actorId, resource, 0));
    }
  }

  /**
   * A Vault audit device disabled: a successful response (a request entry's outcome is UNKNOWN, a
   * failed one has an error) to a delete under {@code sys/audit/}, whose path the parser keeps as
   * the target.
   */
  private static boolean auditDeviceDisabled(AuditEvent event) {
    String path = event.getTarget().getResource();
    return event.getSource() == Source.VAULT
        && event.getOutcome() == Outcome.SUCCESS
        && "delete".equals(event.getOperation())
        && path != null
        && path.startsWith("sys/audit/");
  }

  private static boolean breakGlass(Actor actor) {
    if (named(actor.getName()) || named(actor.getId())) {
      return true;
    }
    for (String policy : actor.getPolicies()) {
      if (named(policy)) {
        return true;
      }
    }
    return false;
  }

  private static boolean named(String value) {
    if (value == null) {
      return false;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    for (String name : BREAK_GLASS) {
      if (lower.contains(name)) {
        return true;
      }
    }
    return false;
  }
}
