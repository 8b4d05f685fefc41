package dev.vigil.detect.job;

import dev.vigil.detect.RuleSet;
import dev.vigil.detect.route.Route;
import dev.vigil.detect.route.Routes;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Source;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.rules.Alert;
import dev.vigil.rules.engine.DetectionEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the rule engine: one {@link DetectionEngine} per route per subtask, its event-time clock
 * moved by the watermark, its behavior made checkpointable by keeping its input in Flink state.
 *
 * <p>Design: Esper's windows cannot be snapshotted, so the operator keeps what rebuilds them: each
 * key (a route and a group, see {@link Routes}) holds the events it received in a {@link
 * ListState}, and the operator state holds the clock the engines had reached (the last watermark).
 * After a restore, {@link #open} replays every key's events into fresh engines, in the order the
 * first engines judged them (events at their time, late events at the clock they were judged at),
 * up to the restored clock, and discards the alerts of that replay: they were emitted before the
 * checkpoint, and so is every decision a replay would change (an alert suppressed then, for
 * instance). Events past the clock wait in the engines' buffers as they did before the failure. The
 * engines are then in the state they had, as far as anything still open can tell, so the output
 * after a restore equals that of an undisturbed run.
 *
 * <p>The clock advances in {@link #processWatermark}, before the watermark is forwarded, so alerts
 * are never behind it downstream; the final watermark of a bounded input flushes the engines.
 *
 * <p>State: per key, the events received ({@link HeldEvent}), projected to what the route's rules
 * and alerts read (see {@link GroupRouter}), in buckets by the time they leave: a list per (key,
 * leave time), the leave time being the namespace of the list and of the key's cleanup timer. TTL:
 * an event leaves when the watermark passes its time plus its route's retention (the longest window
 * plus suppression period of the route's rules; zero for single-event rules), rounded up to a
 * bucket of 1/24 of the retention (at least a second, at most five minutes), so state and timers
 * are bounded by the rules' windows, on event time, exactly as a replay of past data needs (a
 * processing-time TTL would expire state in a replay too late, and in a lagging stream too early).
 * A timer drops its bucket whole, so a busy key's cleanup costs what leaves, not what stays (one
 * list per key rewritten at every timer was quadratic in the key's events); a bucket holds every
 * event of the key with the same time, in arrival order, so the replay order is the same as from
 * one list. Late data: an event behind the clock is judged at once, at the clock, and held with
 * that clock so a replay judges it the same way.
 *
 * <p>A Vault request and its response are one request, and the event route keys both by it so they
 * alert once. The engine remembers the alerts it raised for ten minutes of event time, and a
 * restored engine only what the held events rebuild; an entry arriving later than that (a stalled
 * partition, a retried shipment) would raise its request's alert again, past any deduplication. So
 * the event route also keeps, per Vault request, which of its two entries arrived and the alerts it
 * raised ({@link RequestAlerts}), and drops an alert the request already raised (or one its
 * unanswered alert stands for: its response came after the wait). That state goes once both entries
 * are judged, or the job's Vault pair memory ({@link dev.vigil.detect.JobOptions#vaultPairMemory},
 * a day by default) after an entry whose other entry never came; an entry later than that is judged
 * as a new request.
 *
 * <p>Metrics: {@code eventToAlertLatencyMs}: processing time at the alert's emission minus the time
 * the job read the event whose arrival raised it (the engine hands that back with the alert, so
 * nothing is kept per held event for the metric).
 */
public final class DetectionOperator extends AbstractStreamOperator<AlertRecord>
    implements OneInputStreamOperator<RoutedEvent, AlertRecord>,
        Triggerable<String, Long>,
        BoundedOneInput {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DetectionOperator.class);
  private static final long FINEST_BUCKET_MS = 1000;
  private static final long COARSEST_BUCKET_MS = 300_000;
  // A bucket and its timer per key cost about as much memory as one held event; at 1/24 of the
  // retention an event stays at most about 4% longer than its windows need.
  private static final int BUCKETS_PER_RETENTION = 24;

  /** Namespace: the time the bucket's events leave (epoch millis). */
  static final ListStateDescriptor<HeldEvent> HELD =
      new ListStateDescriptor<>("held-events-by-leave-time", TypeInformation.of(HeldEvent.class));

  static final ListStateDescriptor<Long> CLOCK =
      new ListStateDescriptor<>("engine-clock", Types.LONG);

  /** The timers that drop a key's bucket: namespace and time are the bucket's leave time. */
  static final String CLEANUP_TIMERS = "held-events-cleanup-by-leave-time";

  /** Per event route key of a Vault request: its entries seen and the alerts it raised. */
  static final ValueStateDescriptor<RequestAlerts> REQUEST_ALERTS =
      new ValueStateDescriptor<>("vault-request-alerts", TypeInformation.of(RequestAlerts.class));

  static final String REQUEST_ALERTS_TIMERS = "vault-request-alerts-cleanup";

  private final RuleSet rules;

  /**
   * How long a Vault request's alerts are kept for its other entry, when that entry does not come.
   * Costs nothing for requests whose entries both arrive (most): it decides how late an entry may
   * be and still be known as the request's, against the state of requests that stay unpaired.
   */
  private final long unpairedRequestMemoryMs;

  private transient Routes routes;
  private transient DetectionEngine[] engines;
  private transient InternalListState<String, Long, HeldEvent> held;
  private transient ListState<Long> clockState;
  private transient InternalTimerService<Long> cleanup;
  private transient ValueState<RequestAlerts> requestAlerts;
  private transient InternalTimerService<VoidNamespace> requestAlertsCleanup;
  private transient long[] retentionMs;
  private transient long[] bucketMs;
  private transient long clock;
  private transient boolean replaying;
  private transient Histogram latency;
  private transient Counter restoredEventsDropped;

  public DetectionOperator(RuleSet rules, Duration unpairedRequestMemory) {
    this.rules = rules;
    this.unpairedRequestMemoryMs = unpairedRequestMemory.toMillis();
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    clockState = context.getOperatorStateStore().getListState(CLOCK);
    clock = Long.MIN_VALUE;
    if (context.isRestored()) {
      // After a rescale a subtask may hold several clocks (or none): the smallest is safe, events
      // it counts as pending that another subtask had judged alert again under the same ids.
      long restored = Long.MAX_VALUE;
      for (Long value : clockState.get()) {
        restored = Math.min(restored, value);
      }
      clock = restored == Long.MAX_VALUE ? Long.MIN_VALUE : restored;
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    routes = Routes.of(rules);
    held =
        (InternalListState<String, Long, HeldEvent>)
            getOrCreateKeyedState(LongSerializer.INSTANCE, HELD);
    retentionMs = new long[routes.routes().size()];
    bucketMs = new long[retentionMs.length];
    for (Route route : routes.routes()) {
      retentionMs[route.index()] = route.retention().toMillis();
      bucketMs[route.index()] = bucketSize(retentionMs[route.index()]);
    }
    latency =
        getMetricGroup()
            .histogram("eventToAlertLatencyMs", new DescriptiveStatisticsHistogram(10_000));
    restoredEventsDropped = getMetricGroup().counter("restoredEventsDropped");
    // The engines count in plain fields on this thread; the metrics thread reads their sum.
    getMetricGroup()
        .gauge(
            GroupRouter.REGEX_OVER_BUDGET,
            (Gauge<Long>) () -> DetectionEngine.regexOverBudget(engines));
    cleanup = getInternalTimerService(CLEANUP_TIMERS, LongSerializer.INSTANCE, this);
    requestAlerts =
        getPartitionedState(
            VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, REQUEST_ALERTS);
    requestAlertsCleanup =
        getInternalTimerService(
            REQUEST_ALERTS_TIMERS,
            VoidNamespaceSerializer.INSTANCE,
            new Triggerable<String, VoidNamespace>() {
              @Override
              public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
                requestAlerts.clear();
              }

              @Override
              public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
                throw new IllegalStateException("no processing-time timers");
              }
            });
    engines = new DetectionEngine[routes.routes().size()];
    for (Route route : routes.routes()) {
      int index = route.index();
      engines[index] = DetectionEngine.start(route.pack(), alert -> emit(alert, route));
    }
    replay();
  }

  /**
   * Rebuilds the engines from the held events (nothing to do on a fresh start). Each key goes to
   * the route of its identity; the events of a route this pack no longer has are dropped from state
   * (counted in {@code restoredEventsDropped}, logged once), as are those of a key written before
   * route identities that cannot be placed (see {@link #legacyRoute}).
   */
  private void replay() throws Exception {
    record Held(String key, int route, long bucket, int position, HeldEvent held) {}
    List<Tuple2<String, Long>> buckets;
    try (Stream<Tuple2<String, Long>> stored =
        this.<String>getKeyedStateBackend().getKeysAndNamespaces(HELD.getName())) {
      buckets = stored.map(b -> Tuple2.of(b.f0, b.f1)).toList();
    }
    if (buckets.isEmpty()) {
      return;
    }
    record Pruned(String key, long bucket, List<HeldEvent> kept) {}
    List<Held> all = new ArrayList<>();
    List<Pruned> pruned = new ArrayList<>();
    long droppedEvents = 0;
    for (Tuple2<String, Long> bucket : buckets) {
      setCurrentKey(bucket.f0);
      held.setCurrentNamespace(bucket.f1);
      Iterable<HeldEvent> events = held.get();
      if (events == null) {
        continue;
      }
      Route current = routes.byId(Route.routeIdOf(bucket.f0));
      List<HeldEvent> kept = new ArrayList<>();
      boolean dropped = false;
      for (HeldEvent event : events) {
        Route route = current != null ? current : legacyRoute(bucket.f0, event);
        if (route == null) {
          dropped = true;
          droppedEvents++;
        } else {
          all.add(new Held(bucket.f0, route.index(), bucket.f1, kept.size(), event));
          kept.add(event);
        }
      }
      if (dropped) {
        pruned.add(new Pruned(bucket.f0, bucket.f1, kept));
      }
    }
    if (droppedEvents > 0) {
      // Kept, they would be replayed (and dropped) again at every restore until their timers fire.
      for (Pruned bucket : pruned) {
        setCurrentKey(bucket.key());
        held.setCurrentNamespace(bucket.bucket());
        if (bucket.kept().isEmpty()) {
          held.clear();
          cleanup.deleteEventTimeTimer(bucket.bucket(), bucket.bucket());
        } else {
          held.update(bucket.kept());
        }
      }
      restoredEventsDropped.inc(droppedEvents);
      LOG.warn(
          "Dropped {} held events (keys: {}) from the restored state: this rule pack has no route"
              + " for them (a suppress.by or correlation group-by it no longer has, or a key of an"
              + " earlier version's savepoint that cannot be placed); metric restoredEventsDropped",
          droppedEvents,
          pruned.stream().map(Pruned::key).distinct().count());
    }
    replaying = true;
    try {
      all.sort(
          Comparator.comparingLong((Held h) -> h.held().event.getTime().toEpochMilli())
              .thenComparing(Held::key)
              .thenComparingLong(Held::bucket)
              .thenComparingInt(Held::position));
      List<Held> late = new ArrayList<>();
      for (Held h : all) {
        if (h.held().judgedLateAt == Long.MIN_VALUE) {
          engines[h.route()].accept(h.held().event, h.held().ingestedAt);
        } else {
          late.add(h);
        }
      }
      late.sort(Comparator.comparingLong((Held h) -> h.held().judgedLateAt));
      for (Held h : late) {
        for (DetectionEngine engine : engines) {
          engine.advanceTo(Instant.ofEpochMilli(h.held().judgedLateAt));
        }
        engines[h.route()].accept(h.held().event, h.held().ingestedAt);
      }
      if (clock != Long.MIN_VALUE) {
        for (DetectionEngine engine : engines) {
          engine.advanceTo(Instant.ofEpochMilli(clock));
        }
      }
    } finally {
      replaying = false;
    }
  }

  /**
   * The route of an event held under a key written before route identities, whose prefix was the
   * route's position in the pack that wrote it; null when that cannot be told. The writing pack is
   * not known, so the position is trusted only where it is unambiguous: this pack routes the event
   * to the route at that position, under the same group. Anything else (a position this pack does
   * not have, one that now holds another kind of route, an unreadable key) is dropped, never
   * guessed: replayed into the wrong engine it would fill another rule's windows.
   */
  private Route legacyRoute(String key, HeldEvent event) {
    int legacyPosition = Route.legacyPositionOf(key);
    if (legacyPosition < 0 || legacyPosition >= routes.routes().size()) {
      return null;
    }
    String group = Route.groupOf(key);
    Route[] found = new Route[1];
    routes.route(
        event.event,
        (route, routedKey) -> {
          if (route.index() == legacyPosition && group.equals(Route.groupOf(routedKey))) {
            found[0] = route;
          }
        });
    return found[0];
  }

  @Override
  public void processElement(StreamRecord<RoutedEvent> element) throws Exception {
    RoutedEvent in = element.getValue();
    Route of = routes.byId(Route.routeIdOf(in.key));
    if (of == null) {
      throw new IllegalStateException("the router and the detect operator disagree on the routes");
    }
    int route = of.index();
    long time = in.event.getTime().toEpochMilli();
    long judgedLateAt = time < clock ? clock : Long.MIN_VALUE;
    HeldEvent event = new HeldEvent(in.event, in.ingestedAt, judgedLateAt);
    long leaves = roundUp(event.effectiveTime() + retentionMs[route], bucketMs[route]);
    held.setCurrentNamespace(leaves);
    held.add(event);
    cleanup.registerEventTimeTimer(leaves, leaves);
    if (of.kind() == Route.Kind.EVENT) {
      // Before the engine takes it: a late entry is judged at once.
      entryArrived(in.event, event.effectiveTime(), leaves);
    }
    engines[route].accept(in.event, in.ingestedAt);
  }

  /** Notes a Vault request's entry on the event route, in its key's context. */
  private void entryArrived(AuditEvent event, long effectiveTime, long leaves) throws Exception {
    int entry = vaultEntry(event.getSource(), event.getEventId());
    if (entry == 0) {
      return;
    }
    RequestAlerts request = requestAlerts.value();
    if (request == null) {
      request = new RequestAlerts();
      request.forgetAt = saturatedAdd(effectiveTime, unpairedRequestMemoryMs);
    }
    request.entries |= entry;
    request.judgedBy = Math.max(request.judgedBy, leaves);
    long due = request.due();
    if (due != request.expires) {
      if (request.expires != Long.MIN_VALUE) {
        requestAlertsCleanup.deleteEventTimeTimer(VoidNamespace.INSTANCE, request.expires);
      }
      requestAlertsCleanup.registerEventTimeTimer(VoidNamespace.INSTANCE, due);
      request.expires = due;
    }
    requestAlerts.update(request);
  }

  /**
   * Whether an alert of the event route is one its Vault request raised before (from its other
   * entry), or one its unanswered alert stands for (see {@link DetectionEngine#stoodFor}: the
   * request's response came after the wait and would page again for the act); if not, remembers it,
   * with those it stands for. Alerts of other routes and events are never such a repeat.
   */
  private boolean raisedBefore(Alert alert, Route route) throws Exception {
    if (route.kind() != Route.Kind.EVENT || alert.eventIds().size() != 1) {
      return false;
    }
    String eventId = alert.eventIds().get(0);
    if (vaultEntry(Source.valueOf(alert.sources().get(0)), eventId) == 0) {
      return false;
    }
    Object previousKey = getCurrentKey();
    setCurrentKey(route.keyFor(List.of(EventIds.requestKey(Source.VAULT, eventId))));
    try {
      RequestAlerts request = requestAlerts.value();
      if (request == null) {
        return false; // a state written before this was kept, or already forgotten
      }
      if (request.raised(alert.alertId())) {
        return true;
      }
      request.add(alert.alertId());
      engines[route.index()].stoodFor(alert).forEach(request::add);
      requestAlerts.update(request);
      return false;
    } finally {
      if (previousKey != null) {
        setCurrentKey(previousKey);
      }
    }
  }

  /**
   * {@link RequestAlerts#REQUEST_ENTRY} or {@link RequestAlerts#RESPONSE_ENTRY} for the entries
   * Vault writes for a request (ids {@code <request.id>:request}, {@code :response}, and their KMIP
   * kinds); 0 for any other event.
   */
  private static int vaultEntry(Source source, String eventId) {
    if (source != Source.VAULT || eventId == null || eventId.startsWith("sha256:")) {
      return 0;
    }
    if (EventIds.isVaultRequestEntry(source, eventId)) {
      return RequestAlerts.REQUEST_ENTRY;
    }
    return EventIds.isVaultResponseEntry(source, eventId) ? RequestAlerts.RESPONSE_ENTRY : 0;
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (mark.getTimestamp() == Long.MAX_VALUE) {
      flushEngines();
    } else if (mark.getTimestamp() > clock) {
      clock = mark.getTimestamp();
      Instant to = Instant.ofEpochMilli(clock);
      for (DetectionEngine engine : engines) {
        engine.advanceTo(to);
      }
    }
    super.processWatermark(mark);
  }

  @Override
  public void endInput() {
    flushEngines();
  }

  private void flushEngines() {
    for (DetectionEngine engine : engines) {
      engine.flush();
    }
  }

  @Override
  public void onEventTime(InternalTimer<String, Long> timer) throws Exception {
    held.setCurrentNamespace(timer.getNamespace());
    held.clear();
  }

  @Override
  public void onProcessingTime(InternalTimer<String, Long> timer) {
    throw new IllegalStateException("the detection operator sets no processing-time timers");
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    clockState.update(List.of(clock));
  }

  @Override
  public void close() throws Exception {
    if (engines != null) {
      for (DetectionEngine engine : engines) {
        if (engine != null) {
          engine.close();
        }
      }
    }
    super.close();
  }

  private void emit(Alert alert, Route route) {
    if (replaying) {
      return;
    }
    try {
      if (raisedBefore(alert, route)) {
        return;
      }
    } catch (Exception e) {
      throw new IllegalStateException("the detect operator's state failed", e);
    }
    DetectionEngine engine = engines[route.index()];
    latency.update(getProcessingTimeService().getCurrentProcessingTime() - engine.triggerTag());
    output.collect(new StreamRecord<>(AlertRecord.of(alert, clock), alert.time().toEpochMilli()));
  }

  /**
   * The width of a route's leave-time buckets: events stay at most that much past their retention,
   * and a key has at most one bucket (and one timer) per width.
   */
  private static long bucketSize(long retentionMs) {
    long size = retentionMs / BUCKETS_PER_RETENTION;
    size -= size % FINEST_BUCKET_MS;
    return Math.max(FINEST_BUCKET_MS, Math.min(COARSEST_BUCKET_MS, size));
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static long roundUp(long time, long bucket) {
    long rounded = Math.floorDiv(time, bucket) * bucket;
    return rounded == time ? time : rounded + bucket;
  }
}
