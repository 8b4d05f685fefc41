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
 * Single-event detections on the main output, what an actor's windows need on {@link #ACTOR}.
 *
 * <p>The predicates are those of the complete built-in pack ({@code rules/}, docs/rules.md):
 *
 * <ul>
 *   <li>root use ({@code rules/any/root_token_use.yml}): a root credential created and the request
 *       succeeded (Vault {@code target.type} {@code root_token}; the AWS root user creating a key
 *       or signing certificate for itself; {@code AssumeRoot}), or any other act of a root
 *       identity, failed creations included (the request entry of a Vault token issue waits for its
 *       response);
 *   <li>policy change (the {@code policy_change} rules of {@code rules/vault|aws|azure|gcp}, which
 *       together cover their sources' whole categories): a successful, not refused event in {@code
 *       POLICY_CHANGE} or {@code AUDIT_CONFIG};
 *   <li>break-glass activity ({@code rules/any/break_glass_use.yml}): an identity, id or policy
 *       named like the default list ({@code rules/lists/break_glass.yml}), or a successful
 *       assumption of such a role; a privileged action: a secret read or a policy change;
 *   <li>a denied request is {@code denied}; a secret read is a successful {@code SECRET_ACCESS}
 *       {@code read}.
 * </ul>
 *
 * Sigma compares strings case-insensitively, and so do these. An event without {@code actor.id}
 * joins no actor's window, as in the engine.
 */
public final class SignalExtractor extends ProcessFunction<IngestedEvent, Signal> {

  private static final long serialVersionUID = 1L;

  static final OutputTag<Signal> ACTOR = new OutputTag<>("actor", TypeInformation.of(Signal.class));

  private static final List<String> BREAK_GLASS =
      List.of("break-glass", "breakglass", "break_glass", "emergency-access");

  @Override
  public void processElement(IngestedEvent in, Context context, Collector<Signal> out) {
    AuditEvent event = in.event;
    long time = event.getTime().toEpochMilli();
    Actor actor = event.getActor();
    boolean succeeded = event.getOutcome() == Outcome.SUCCESS && !event.getDenied();
    boolean change =
        succeeded
            && (event.getCategory() == Category.POLICY_CHANGE
                || event.getCategory() == Category.AUDIT_CONFIG);
    int detections = 0;
    if (rootUse(event, succeeded)) {
      detections |= BaselineDetectionJob.ROOT_TOKEN_USE;
    }
    if (change) {
      detections |= BaselineDetectionJob.POLICY_CHANGE;
    }
    String requestKey = null;
    if (detections != 0) {
      requestKey = EventIds.requestKey(event);
      out.collect(new Signal(time, requestKey, detections, null, null));
    }
    String actorId = actor.getId();
    if (actorId == null) {
      return;
    }
    String resource = event.getTarget().getResource();
    boolean secretRead =
        event.getCategory() == Category.SECRET_ACCESS
            && event.getOutcome() == Outcome.SUCCESS
            && "read".equalsIgnoreCase(event.getAction());
    int flags = 0;
    if (event.getDenied()) {
      flags |= Signal.DENIED;
    }
    if (secretRead && resource != null) {
      flags |= Signal.SECRET_READ;
    }
    if (breakGlass(event, actor, resource)) {
      flags |= Signal.BREAK_GLASS;
    }
    if (secretRead || change) {
      flags |= Signal.PRIVILEGED;
    }
    if (flags != 0) {
      if (requestKey == null) {
        requestKey = EventIds.requestKey(event);
      }
      context.output(
          ACTOR,
          new Signal(
              time,
              actorId,
              flags,
              requestKey,
              (flags & Signal.SECRET_READ) != 0 ? resource : null));
    }
  }

  /**
   * {@code root_credential_created} or {@code root_token_use}: the first for the creation of a root
   * credential that succeeded, the second for every other act of a root identity (a creation that
   * failed included). A Vault token issue's request entry waits for its response, which alone tells
   * a root token's creation from a use.
   */
  private static boolean rootUse(AuditEvent event, boolean succeeded) {
    Actor actor = event.getActor();
    boolean aws = event.getSource() == Source.AWS_CLOUDTRAIL;
    boolean failed = event.getOutcome() == Outcome.FAILURE;
    boolean vaultTokenIssueRequest =
        event.getSource() == Source.VAULT
            && event.getOutcome() == Outcome.UNKNOWN
            && event.getTarget().getResource() != null
            && event
                .getTarget()
                .getResource()
                .toLowerCase(Locale.ROOT)
                .startsWith("auth/token/create");
    boolean rootCredential =
        "root_token".equalsIgnoreCase(event.getTarget().getType())
            || (aws
                && actor.getRoot()
                && ("CreateAccessKey".equalsIgnoreCase(event.getOperation())
                    || "UploadSigningCertificate".equalsIgnoreCase(event.getOperation()))
                && actor.getId() != null
                && actor.getId().equals(event.getTarget().getResource()));
    boolean rootSession = aws && "AssumeRoot".equalsIgnoreCase(event.getOperation());
    return (succeeded && (rootCredential || rootSession))
        || (actor.getRoot() && !(rootCredential && !failed) && !vaultTokenIssueRequest);
  }

  private static boolean breakGlass(AuditEvent event, Actor actor, String resource) {
    if (named(actor.getName()) || named(actor.getId())) {
      return true;
    }
    for (String policy : actor.getPolicies()) {
      if (named(policy)) {
        return true;
      }
    }
    return "assume_role".equalsIgnoreCase(event.getAction())
        && event.getOutcome() == Outcome.SUCCESS
        && named(resource);
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
