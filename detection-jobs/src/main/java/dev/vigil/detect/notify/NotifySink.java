package dev.vigil.detect.notify;

import dev.vigil.detect.job.AlertRecord;
import dev.vigil.rules.AlertJson;
import dev.vigil.rules.NearNames;
import dev.vigil.rules.RuleError;
import dev.vigil.rules.RulePack;
import dev.vigil.rules.model.RuleDocument;
import dev.vigil.rules.model.RuleFile;
import dev.vigil.rules.model.RuleMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
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
 * configuration that travels with the job holds only where they are. Before every checkpoint the
 * writer waits until each page handed over so far is delivered, refused or given up ({@link
 * AlertDispatcher#flush}), so a completed checkpoint never covers an alert still in a queue. After
 * a failure the job replays the alerts since its last checkpoint; a PagerDuty page is a {@code
 * trigger} with {@code dedup_key} = the alert id (the group's first), so a replayed alert folds
 * into the incident it already opened instead of opening another. At least once to the endpoint,
 * one incident per alert id. Webhook receivers get the same id in {@code X-Vigil-Alert-Id}.
 */
public final class NotifySink implements Sink<AlertRecord> {

  private static final long serialVersionUID = 1L;

  private final NotifyConfig config;

  /** Rule id to the destinations its {@code notify} names; rules that name none are absent. */
  private final HashMap<String, ArrayList<String>> ruleRoutes;

  private NotifySink(NotifyConfig config, HashMap<String, ArrayList<String>> ruleRoutes) {
    this.config = config;
    this.ruleRoutes = ruleRoutes;
  }

  /** A sink for {@code config}'s destinations, routing by the {@code notify} of {@code rules}. */
  public static NotifySink of(NotifyConfig config, RulePack rules) {
    HashMap<String, ArrayList<String>> routes = new HashMap<>();
    for (RuleFile file : rules.files()) {
      for (RuleDocument rule : file.documents()) {
        if (!rule.meta().notifyRoutes().isEmpty()) {
          routes.put(rule.id(), new ArrayList<>(rule.meta().notifyRoutes()));
        }
      }
    }
    return new NotifySink(config, routes);
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
   * The longest a flush may take: the slowest destination's retry budget plus one request. A
   * message still queued after it has been dropped or given up by its destination.
   */
  static Duration drainTime(NotifyConfig config) {
    return config.destinations().values().stream()
        .map(d -> d.delivery().retry().giveUpAfter().plus(d.delivery().retry().requestTimeout()))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO)
        .plusSeconds(5);
  }

  @Override
  public SinkWriter<AlertRecord> createWriter(WriterInitContext context) {
    AlertDispatcher dispatcher =
        AlertDispatcher.start(config, System::getenv, ruleId -> ruleRoutes.get(ruleId));
    registerMetrics(context.metricGroup(), dispatcher);
    return new Writer(dispatcher, drainTime(config));
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

  private static final class Writer implements SinkWriter<AlertRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(NotifySink.class);

    private final AlertDispatcher dispatcher;
    private final Duration drainTime;

    Writer(AlertDispatcher dispatcher, Duration drainTime) {
      this.dispatcher = dispatcher;
      this.drainTime = drainTime;
    }

    @Override
    public void write(AlertRecord alert, Context context) {
      dispatcher.submit(AlertJson.read(alert.json));
    }

    @Override
    public void flush(boolean endOfInput) {
      if (!dispatcher.flush(drainTime)) {
        // Only when a destination's own give-up did not end its retries: the pages may still go
        // out; the checkpoint goes on, since the alerts themselves are in their stores.
        LOG.warn("notify: pages still queued after {} at a checkpoint", drainTime);
      }
    }

    @Override
    public void close() {
      dispatcher.close();
    }
  }
}
