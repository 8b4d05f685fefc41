package dev.vigil.detect.notify;

import dev.vigil.detect.job.AlertRecord;
import dev.vigil.ingest.spi.NearNames;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pager as a Flink sink (Sink v2): each alert of the job goes to an {@link AlertDispatcher},
 * which routes, groups and delivers it to the {@code notify:} destinations.
 *
 * <p>Design. Run it at parallelism 1: grouping (one page per storm of a group key) and the rate
 * limit per destination are meant for the whole job, and alerts are few. The dispatcher starts in
 * the writer, on the task manager, and reads its secrets there (environment or file); the
 * configuration that travels with the job holds only where they are.
 *
 * <p>The pager is off the checkpoint path: delivery goes on in the background across checkpoints,
 * and a checkpoint records the messages not delivered yet ({@link PendingPages}: queued, in retry,
 * or a grown group count not sent yet) instead of waiting for them, together with the open groups.
 * Taking it reads memory under the dispatcher's locks and never waits for a destination. So a
 * failing destination or a rate limit delays only its own pages, never a checkpoint, nor the
 * exactly-once alerts topic that commits with it. After a restore the writer reopens those groups
 * in the new dispatcher and hands it those messages again, and the job replays the alerts since the
 * checkpoint: an alert of a storm open at the checkpoint folds into its group (no second incident,
 * and the group's update carries the whole count), and one that opened a group after it is paged
 * again. A PagerDuty page is a {@code trigger} with {@code dedup_key} = the alert id (the group's
 * first), webhook receivers get that id in {@code X-Vigil-Alert-Id}, so a message sent twice
 * (delivered after the checkpoint, then restored or replayed) folds into the incident it opened: at
 * least once to the endpoint, one incident per storm. At the end of the input (a bounded run) the
 * writer waits for delivery, since no restore follows it, at most {@link #drainTime}. {@code close}
 * (cancel, failure, or after the final savepoint of a stop) sends the grown counts too and waits
 * for what is in flight, but only {@link #closeTime}: what is owed is in the last checkpoint, yet a
 * job stopped for good (or resumed days later) would otherwise never send it, and a send started
 * and cut off at once helps nobody. What is still not delivered then is logged as counts.
 */
public final class NotifySink
    implements Sink<AlertRecord>, SupportsWriterState<AlertRecord, PendingPages> {

  private static final long serialVersionUID = 1L;

  private final NotifyConfig config;

  /** Rule id to the destinations its {@code notify} names; rules that name none are absent. */
  private final HashMap<String, ArrayList<String>> ruleRoutes;

  /** Rule id to what its pages tell on-call about it; rules with none are absent. */
  private final HashMap<String, RuleGuidance> ruleGuidance;

  private final Duration closeTime;

  private NotifySink(
      NotifyConfig config,
      HashMap<String, ArrayList<String>> ruleRoutes,
      HashMap<String, RuleGuidance> ruleGuidance,
      Duration closeTime) {
    this.config = config;
    this.ruleRoutes = ruleRoutes;
    this.ruleGuidance = ruleGuidance;
    this.closeTime = closeTime;
  }

  /**
   * A sink for {@code config}'s destinations, routing by the {@code notify} of {@code rules} and
   * carrying each rule's guidance ({@link RuleGuidance}) in its pages.
   *
   * @param finalSavepointTimeout how long a stop waits for its final savepoint ({@code
   *     checkpoints.final_savepoint_timeout}), which includes this sink's {@link #closeTime}
   */
  public static NotifySink of(NotifyConfig config, RulePack rules, Duration finalSavepointTimeout) {
    HashMap<String, ArrayList<String>> routes = new HashMap<>();
    for (RuleFile file : rules.files()) {
      for (RuleDocument rule : file.documents()) {
        if (!rule.meta().notifyRoutes().isEmpty()) {
          routes.put(rule.id(), new ArrayList<>(rule.meta().notifyRoutes()));
        }
      }
    }
    return new NotifySink(
        config, routes, RuleGuidance.byRuleId(rules), closeTime(config, finalSavepointTimeout));
  }

  /**
   * The destinations rules name in {@code notify} that {@code config} does not configure: one error
   * per rule and name, at the rule's line, with the configured name it most likely meant. A job
   * must not start with any: their pages would go only to the default routes, not to whom the
   * rule's author meant.
   */
  public static List<RuleError> unknownDestinations(NotifyConfig config, RulePack rules) {
    Set<String> configured = config.destinations().keySet();
    List<RuleError> errors = new ArrayList<>();
    for (RuleFile file : rules.files()) {
      for (RuleDocument rule : file.documents()) {
        RuleMeta meta = rule.meta();
        for (String name : meta.notifyRoutes()) {
          if (!configured.contains(name)) {
            errors.add(
                new RuleError(
                    file.file(),
                    meta.line(),
                    "rule "
                        + (meta.name() != null ? meta.name() : meta.id())
                        + ": notify names the destination '"
                        + name
                        + "', which vigil.yaml does not configure; "
                        + suggestion(name, configured)));
          }
        }
      }
    }
    return errors;
  }

  private static String suggestion(String name, Set<String> configured) {
    if (configured.isEmpty()) {
      return "notify.destinations names none";
    }
    String didYouMean = NearNames.didYouMean(name, configured);
    return didYouMean.isEmpty() ? "configured: " + String.join(", ", configured) : didYouMean;
  }

  /**
   * The longest the end of the input waits for delivery: the slowest destination's retry budget
   * plus one request. A message still queued after it has been dropped or given up by its
   * destination.
   */
  static Duration drainTime(NotifyConfig config) {
    return config.destinations().values().stream()
        .map(d -> d.delivery().retry().giveUpAfter().plus(d.delivery().retry().requestTimeout()))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO)
        .plusSeconds(5);
  }

  /**
   * The longest {@code close} waits for what is in flight: one request to the slowest destination,
   * plus 5 seconds, but at most half of {@code finalSavepointTimeout}. Enough for messages being
   * sent to a destination that answers; one retrying against a destination that does not would hold
   * a stop for its whole retry budget. The cap: Flink's stop-with-savepoint completes only once
   * every task has closed, this writer too, so the stop's wait for its savepoint includes this one,
   * and a longer one would make a stop that took its savepoint time out and cancel the job. What
   * the close does not wait for is in that savepoint.
   */
  static Duration closeTime(NotifyConfig config, Duration finalSavepointTimeout) {
    Duration oneRequest =
        config.destinations().values().stream()
            .map(d -> d.delivery().retry().requestTimeout())
            .max(Duration::compareTo)
            .orElse(Duration.ZERO)
            .plusSeconds(5);
    Duration withinTheStop = finalSavepointTimeout.dividedBy(2);
    return oneRequest.compareTo(withinTheStop) < 0 ? oneRequest : withinTheStop;
  }

  @Override
  public StatefulSinkWriter<AlertRecord, PendingPages> createWriter(WriterInitContext context) {
    return restoreWriter(context, List.of());
  }

  @Override
  public StatefulSinkWriter<AlertRecord, PendingPages> restoreWriter(
      WriterInitContext context, Collection<PendingPages> checkpointed) {
    AlertDispatcher dispatcher =
        AlertDispatcher.start(
            config, System::getenv, ruleId -> ruleRoutes.get(ruleId), ruleGuidance::get);
    registerMetrics(context.metricGroup(), dispatcher);
    Writer writer = new Writer(dispatcher, drainTime(config), closeTime);
    writer.restore(checkpointed);
    return writer;
  }

  @Override
  public SimpleVersionedSerializer<PendingPages> getWriterStateSerializer() {
    return new PendingPages.Serializer();
  }

  private static void registerMetrics(MetricGroup group, AlertDispatcher dispatcher) {
    MetricGroup pager = group.addGroup("notify");
    pager.gauge("alertsSubmitted", () -> dispatcher.stats().submitted());
    pager.gauge("alertsReplayed", () -> dispatcher.stats().duplicates());
    pager.gauge("alertsFolded", () -> dispatcher.stats().folded());
    pager.gauge("alertsUnrouted", () -> dispatcher.stats().unrouted());
    for (String name : dispatcher.stats().destinations().keySet()) {
      MetricGroup destination = pager.addGroup("destination", name);
      destinationGauge(destination, "delivered", dispatcher, name, d -> d.delivered());
      destinationGauge(destination, "rejected", dispatcher, name, d -> d.rejected());
      destinationGauge(destination, "gaveUp", dispatcher, name, d -> d.gaveUp());
      destinationGauge(destination, "dropped", dispatcher, name, d -> d.dropped());
    }
  }

  private static void destinationGauge(
      MetricGroup group,
      String metric,
      AlertDispatcher dispatcher,
      String destination,
      ToLongFunction<NotifyStats.DestinationStats> value) {
    group.gauge(
        metric, () -> value.applyAsLong(dispatcher.stats().destinations().get(destination)));
  }

  /** The writer; package-private so that tests can drive it with a dispatcher of their own. */
  static final class Writer implements StatefulSinkWriter<AlertRecord, PendingPages> {

    private static final Logger LOG = LoggerFactory.getLogger(NotifySink.class);

    private final AlertDispatcher dispatcher;
    private final Duration drainTime;
    private final Duration closeTime;
    private boolean ended;

    Writer(AlertDispatcher dispatcher, Duration drainTime, Duration closeTime) {
      this.dispatcher = dispatcher;
      this.drainTime = drainTime;
      this.closeTime = closeTime;
    }

    /**
     * Resumes from what a checkpoint held, before the first alert: reopens its open groups, then
     * hands its messages to their destinations again, in their order.
     */
    void restore(Collection<PendingPages> checkpointed) {
      int groups = 0;
      int resent = 0;
      Map<String, Integer> unknown = new TreeMap<>();
      for (PendingPages state : checkpointed) {
        dispatcher.restore(state.grouping());
        groups += state.grouping().groups().size();
        for (PendingPages.Page page : state.pages()) {
          if (dispatcher.resend(page.destination(), page.message())) {
            resent++;
          } else if (!dispatcher.stats().destinations().containsKey(page.destination())) {
            unknown.merge(page.destination(), 1, Integer::sum);
          }
        }
      }
      if (groups > 0) {
        LOG.info("notify: resuming {} open alert group(s) from the restored checkpoint", groups);
      }
      if (resent > 0) {
        LOG.info("notify: sending {} page(s) again that the restored checkpoint held", resent);
      }
      unknown.forEach(
          (name, count) ->
              LOG.warn(
                  "notify: the restored checkpoint holds {} page(s) for destination '{}', which"
                      + " vigil.yaml no longer configures; they are not sent",
                  count,
                  name));
    }

    @Override
    public void write(AlertRecord alert, Context context) {
      dispatcher.submit(AlertJson.read(alert.json));
    }

    /**
     * Before a checkpoint: nothing, the checkpoint records what is owed ({@link #snapshotState}).
     * At the end of the input: waits for delivery, at most {@code drainTime}, since no restore
     * follows that could send what is still owed.
     */
    @Override
    public void flush(boolean endOfInput) {
      if (!endOfInput || ended) {
        return;
      }
      ended = true;
      if (!dispatcher.flush(drainTime)) {
        LOG.warn("notify: pages still queued {} after the end of the input", drainTime);
      }
    }

    /** What is owed and the open groups, without waiting ({@link AlertDispatcher#checkpoint}). */
    @Override
    public List<PendingPages> snapshotState(long checkpointId) {
      PendingPages state = dispatcher.checkpoint();
      return state.isEmpty() ? List.of() : List.of(state);
    }

    /**
     * Sends the grown group counts and waits at most {@code closeTime} for every message in flight
     * (after the end of the input, which waited already, not again), then stops the delivery
     * threads and logs how many messages each destination did not get: counts only, never their
     * content. Those are in the last checkpoint or savepoint (or its alerts come after that
     * checkpoint and are replayed from it), and go out when the job resumes from it.
     */
    @Override
    public void close() {
      Duration wait = ended ? Duration.ZERO : closeTime;
      Map<String, Integer> notDelivered = dispatcher.close(wait);
      if (!notDelivered.isEmpty()) {
        LOG.warn(
            "notify: stopping after waiting {} with messages not delivered ({}); the job's last"
                + " checkpoint or savepoint holds them, and they are sent when the job resumes"
                + " from it",
            wait,
            AlertDispatcher.describe(notDelivered));
      }
    }
  }
}
