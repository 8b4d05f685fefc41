package dev.vigil.rules.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.spi.EventIds;
import dev.vigil.rules.Alert;
import dev.vigil.rules.detect.FieldRef;
import dev.vigil.rules.model.CorrelationType;
import dev.vigil.rules.model.Durations;
import dev.vigil.rules.model.RuleMeta;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs a compiled pack over events on event time and hands out alerts. A plain library object: the
 * Flink job hosts one per subtask, tests and the CLI use it directly. Not thread-safe; one thread
 * feeds it.
 *
 * <p>What the engine expects from its caller: events through {@link #accept} in any order, and the
 * event-time clock through {@link #advanceTo} (the watermark in Flink, the end of input in a
 * bounded run, or {@link #flush}). Accepted events wait in a buffer ordered by (event time,
 * arrival) and are released when the clock passes them, each after the Esper clock is set to its
 * time; windows are therefore exact on event time whatever the arrival order within the allowed
 * lateness (the caller's watermark delay). An event older than the clock (later than the allowed
 * lateness) is still judged, at the clock's time, and counted in {@link #lateEvents()}: never
 * dropped silently. Same events, same order of calls: same alerts, in the same order.
 *
 * <p>Alerts: a single-event rule alerts once per request (a Vault request and its response share
 * one alert id, and the second is not repeated); a correlation alerts when an arriving event ends a
 * window that satisfies the condition, then stays quiet for that group for the rule's {@code
 * suppress} period (by default its timespan). {@code suppress} on a single-event rule gives one
 * alert per {@code suppress.by} key per period. Alerts of one event are sorted by rule id.
 *
 * <p>Unanswered requests: a rule with {@code await_response} alerts on a Vault request entry only
 * when no match on its response entry (same request key) is judged within that time of the request,
 * on event time; it then alerts when the clock passes the request's time plus the wait, or at
 * {@link #flush} (the end of a bounded input: no response can come any more). A match on a response
 * entry, or on any other event, never alerts by such a rule: it ends the wait. Its alert stands for
 * those its {@code stands_for} rules would raise on the response, so a response judged after it
 * (too late to end the wait) raises theirs no more; other rules still alert on that response. The
 * engine knows it for as long as it remembers alert ids; {@link #stoodFor} tells a host that
 * remembers longer.
 */
public final class DetectionEngine implements AutoCloseable {

  private static final AtomicLong RUNTIMES = new AtomicLong();
  private static final Duration DUPLICATE_MEMORY = Duration.ofMinutes(10);
  private static final HexFormat HEX = HexFormat.of();
  // The group key of a single-event rule without suppress.by (the rules stands_for names).
  private static final String NO_GROUP = Map.of().toString();

  private final CompiledPack pack;
  private final EPRuntime runtime;
  private final EPEventService events;
  private final Consumer<Alert> sink;
  private final PriorityQueue<Pending> buffer = new PriorityQueue<>();
  private final Map<String, Long> lastAlertByGroup = new HashMap<>();
  // When each group's suppression ends, soonest first (with re-armed ones, passed over): a group
  // whose period is over is forgotten as the clock passes it, or a long-running engine would keep
  // every group that ever alerted.
  private final PriorityQueue<SuppressionEnd> suppressionEnds = new PriorityQueue<>();
  private final LinkedHashMap<String, Long> recentAlertIds = new LinkedHashMap<>();
  // Requests of await_response rules waiting for their response, by deadline then arrival (with
  // answered ones, passed over at their deadline).
  private final PriorityQueue<AwaitingRequest> awaiting = new PriorityQueue<>();
  // Request keys (with rule id) of those waits, and of responses judged before their request.
  private final Map<String, AwaitingRequest> awaitingByRequest = new HashMap<>();
  private final LinkedHashMap<String, Long> answeredRequests = new LinkedHashMap<>();
  private final List<Alert> batch = new ArrayList<>();
  // One digest per engine (an engine runs on one thread): looking one up per alert costs more than
  // hashing.
  private final MessageDigest sha256 = sha256();
  private final CandidateIndex.Selection candidates;
  // By correlation index; null but for temporal_ordered correlations.
  private final OrderedAdmission[] admissions;
  private final TextInterner texts = new TextInterner();
  // By rule id of an await_response rule: the rules its unanswered alert stands for.
  private final Map<String, List<RuleMeta>> standsFor;
  // Only windows hold events past their judging: without correlations, sharing texts saves nothing.
  private final boolean holdsEvents;
  // By rule index: for a rule whose matches only a temporal_ordered window past its first rule
  // takes (it does not alert), those correlations; null for every other rule.
  private final int[][] orderedConsumers;
  private ClassLoader classLoader;
  private long clock = Long.MIN_VALUE;
  private long arrivals;
  private long currentSequence = -1;
  private long currentTag;
  private long lateEvents;
  private long judged;
  private long matcherRuns;
  private long regexOverBudget;
  private long unadmittedCandidates;

  /**
   * An accepted event waiting for the clock, in (event time, arrival) order. A plain comparison
   * rather than a composed {@link Comparator}: the buffer compares a few times per event.
   */
  private record Pending(long time, long arrival, AuditEvent event, long tag)
      implements Comparable<Pending> {
    @Override
    public int compareTo(Pending other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(arrival, other.arrival);
    }
  }

  /** When the suppression a group's alert at {@code last} started is over. */
  private record SuppressionEnd(long until, long last, String key)
      implements Comparable<SuppressionEnd> {
    @Override
    public int compareTo(SuppressionEnd other) {
      return Long.compare(until, other.until);
    }
  }

  /** A request entry matched by an {@code await_response} rule, waiting for its response. */
  private record AwaitingRequest(
      long deadline, long arrival, String key, CompiledRule rule, VigilEvent event, long tag)
      implements Comparable<AwaitingRequest> {
    @Override
    public int compareTo(AwaitingRequest other) {
      int byDeadline = Long.compare(deadline, other.deadline);
      return byDeadline != 0 ? byDeadline : Long.compare(arrival, other.arrival);
    }
  }

  private DetectionEngine(CompiledPack pack, Consumer<Alert> sink) {
    this.pack = pack;
    this.sink = sink;
    this.runtime =
        EPRuntimeProvider.getRuntime(
            "vigil-engine-" + RUNTIMES.incrementAndGet(), pack.configuration());
    this.events = runtime.getEventService();
    this.candidates = new CandidateIndex.Selection(pack.candidates());
    this.admissions = new OrderedAdmission[pack.correlations().size()];
    for (CompiledCorrelation correlation : pack.correlations()) {
      if (correlation.rule().type() == CorrelationType.TEMPORAL_ORDERED) {
        admissions[correlation.index()] = new OrderedAdmission(correlation);
      }
    }
    this.orderedConsumers = orderedConsumers(pack);
    this.holdsEvents = !pack.correlations().isEmpty();
    this.standsFor = standsFor(pack);
    events.advanceTime(0);
    EPDeployment deployment;
    try {
      deployment =
          runtime
              .getDeploymentService()
              .deploy(
                  pack.compiled(),
                  new DeploymentOptions()
                      .setDeploymentClassLoaderOption(
                          context -> {
                            // The runtime's own parent loader only adds classes an EPL module
                            // declares ('create class'), which packs do not.
                            classLoader = pack.classLoaders().acquire();
                            return classLoader;
                          }));
    } catch (EPDeployException e) {
      runtime.destroy();
      throw new IllegalStateException("the compiled pack does not deploy: " + e.getMessage(), e);
    }
    Map<String, CompiledRule> rulesByStatement = new HashMap<>();
    pack.rules().forEach(r -> rulesByStatement.put(r.statementName(), r));
    Map<String, CompiledCorrelation> correlationsByStatement = new HashMap<>();
    pack.correlations().forEach(c -> correlationsByStatement.put(c.statementName(), c));
    for (EPStatement statement : deployment.getStatements()) {
      CompiledRule rule = rulesByStatement.get(statement.getName());
      if (rule != null && rule.alerts()) {
        statement.addListener((fresh, old, s, r) -> onRuleMatch(rule, fresh));
      }
      CompiledCorrelation correlation = correlationsByStatement.get(statement.getName());
      if (correlation != null) {
        statement.addListener((fresh, old, s, r) -> onCorrelation(correlation, fresh));
      }
    }
  }

  /** Starts an engine on a compiled pack; alerts go to {@code sink} in a deterministic order. */
  public static DetectionEngine start(CompiledPack pack, Consumer<Alert> sink) {
    return new DetectionEngine(pack, sink);
  }

  /**
   * Takes an event; it is judged once the clock reaches its time. When the pack has correlations
   * (whose windows hold events), its texts that repeat across events (identity, action,
   * resource...) are replaced in place by equal instances the engine already holds (see {@link
   * TextInterner}): values stay equal, only object identity changes.
   */
  public void accept(AuditEvent event) {
    accept(event, 0);
  }

  /**
   * Takes an event with a caller's tag (the Flink job's: when it read the event), which {@link
   * #triggerTag} reports while the alerts its judging raised go to the sink.
   */
  public void accept(AuditEvent event, long tag) {
    if (holdsEvents) {
      texts.internFields(event);
    }
    long time = event.getTime().toEpochMilli();
    if (time < clock) {
      lateEvents++;
      send(event, clock, tag);
      return;
    }
    buffer.add(new Pending(time, arrivals++, event, tag));
  }

  /**
   * The tag of the event being judged, while the sink receives the alerts it raised: an alert is
   * raised by the arrival of the event that completes it.
   */
  public long triggerTag() {
    return currentTag;
  }

  /** Moves the event-time clock: judges every buffered event at or before the watermark. */
  public void advanceTo(Instant watermark) {
    long target = watermark.toEpochMilli();
    while (!buffer.isEmpty() && buffer.peek().time() <= target) {
      Pending next = buffer.poll();
      send(next.event(), next.time(), next.tag());
    }
    if (target > clock) {
      moveClock(target);
    }
  }

  /**
   * Judges every buffered event (the end of a bounded input), then alerts on the requests still
   * waiting for a response: none can come after the end.
   */
  public void flush() {
    while (!buffer.isEmpty()) {
      Pending next = buffer.poll();
      send(next.event(), next.time(), next.tag());
    }
    alertUnanswered(Long.MAX_VALUE);
  }

  /**
   * The ids of the alerts that {@code alert} stands for, those its rule's {@code stands_for} rules
   * would raise on the same request (see the class comment): empty for every alert but that of an
   * unanswered request. A host that remembers a request's alerts longer than the engine (the Flink
   * job, up to a day) remembers these with it, and drops such an alert when it comes.
   */
  public List<String> stoodFor(Alert alert) {
    List<RuleMeta> rules = standsFor.get(alert.ruleId());
    if (rules == null || alert.eventIds().size() != 1) {
      return List.of();
    }
    String requestKey =
        EventIds.requestKey(
            dev.vigil.event.Source.valueOf(alert.sources().get(0)), alert.eventIds().get(0));
    List<String> ids = new ArrayList<>(rules.size());
    for (RuleMeta rule : rules) {
      ids.add(requestAlertId(rule, NO_GROUP, requestKey));
    }
    return ids;
  }

  /** Events that arrived behind the clock and were judged at the clock's time. */
  public long lateEvents() {
    return lateEvents;
  }

  /** Events judged so far. */
  public long judged() {
    return judged;
  }

  /**
   * How many times a base rule's full detection ran, over all events judged: with the filter index
   * working, close to the number of matches, not to events times rules.
   */
  public long matcherRuns() {
    return matcherRuns;
  }

  /**
   * How many {@code |re} evaluations, over all events judged, ran out of their budget and so did
   * not match (see {@code ValueMatcher.Regex}): a rule that misses events it cannot judge. A plain
   * count, read by the detection operator's metric from the metrics thread (a value seen late is
   * fine there).
   */
  public long regexOverBudget() {
    return regexOverBudget;
  }

  /** {@link #regexOverBudget()} summed over {@code engines}, some of which may not exist yet. */
  public static long regexOverBudget(DetectionEngine[] engines) {
    long total = 0;
    if (engines != null) {
      for (DetectionEngine engine : engines) {
        total += engine == null ? 0 : engine.regexOverBudget;
      }
    }
    return total;
  }

  /** Candidates not judged: no temporal_ordered window, their only use, would take their match. */
  long unadmittedCandidates() {
    return unadmittedCandidates;
  }

  /** Events accepted but not yet judged (for tests). */
  int buffered() {
    return buffer.size();
  }

  public CompiledPack pack() {
    return pack;
  }

  @Override
  public void close() {
    if (runtime.isDestroyed()) {
      return;
    }
    runtime.destroy();
    if (classLoader != null) {
      pack.classLoaders().release(classLoader);
    }
  }

  private void moveClock(long to) {
    clock = to;
    // Before the event that moved the clock is judged: a response at the deadline itself is in
    // time (the wait ends strictly before the clock).
    alertUnanswered(clock - 1);
    events.advanceTime(clock);
    forgetEndedSuppressions();
    for (OrderedAdmission admission : admissions) {
      if (admission != null) {
        admission.purge(clock);
      }
    }
  }

  private void send(AuditEvent event, long at, long tag) {
    if (at > clock) {
      moveClock(at);
    }
    currentSequence = arrivals++;
    currentTag = tag;
    VigilEvent vigilEvent = new VigilEvent(event, pack, this, currentSequence);
    // In ascending rule order, so correlations fed by several rules see an event's matches in
    // the same order on every run.
    for (int i = 0, n = candidates.select(vigilEvent); i < n; i++) {
      int rule = candidates.rule(i);
      if (orderedConsumers[rule] == null || admissible(rule, vigilEvent)) {
        events.sendEventBean(new RuleCandidate(rule, vigilEvent), "RuleCandidate");
      } else {
        unadmittedCandidates++;
      }
    }
    currentSequence = -1;
    judged++;
    matcherRuns += vigilEvent.matcherRuns();
    regexOverBudget += vigilEvent.regexOverBudget();
    vigilEvent.judged();
    flushBatch();
  }

  private void flushBatch() {
    if (!batch.isEmpty()) {
      batch.sort(Comparator.comparing(Alert::ruleId).thenComparing(Alert::alertId));
      batch.forEach(sink);
      batch.clear();
    }
  }

  private void onRuleMatch(CompiledRule rule, EventBean[] fresh) {
    if (fresh == null) {
      return;
    }
    for (EventBean bean : fresh) {
      VigilEvent event = vigilEvent(bean.get("event"));
      singleEventAlert(rule, event);
    }
  }

  private void singleEventAlert(CompiledRule rule, VigilEvent event) {
    if (rule.rule().meta().awaitResponse() != null) {
      awaitResponse(rule, event);
      return;
    }
    singleEventAlert(rule, event, null);
  }

  /**
   * A match of an {@code await_response} rule: a request entry starts waiting (unless its response
   * was judged first, at the same time); any other match ends the wait of its request.
   */
  private void awaitResponse(CompiledRule rule, VigilEvent event) {
    String key = rule.rule().meta().id() + '\u0000' + event.getRequestKey();
    long time = event.getTime();
    Duration wait = rule.rule().meta().awaitResponse();
    if (EventIds.isVaultRequestEntry(event.event().getSource(), event.event().getEventId())) {
      if (answeredRequests.containsKey(key) || awaitingByRequest.containsKey(key)) {
        return; // answered already, or a second copy of the request (two audit devices)
      }
      AwaitingRequest request =
          new AwaitingRequest(time + wait.toMillis(), arrivals++, key, rule, event, currentTag);
      awaiting.add(request);
      awaitingByRequest.put(key, request);
      return;
    }
    // The answered request stays in the queue (removing it there is a scan of every open wait)
    // and is passed over when its deadline comes: no longer the one its key maps to.
    if (awaitingByRequest.remove(key) == null) {
      forgetOldAnswers(time - wait.toMillis());
      answeredRequests.putIfAbsent(key, time);
    }
  }

  /** Alerts on every waiting request whose deadline is at or before {@code upTo}. */
  private void alertUnanswered(long upTo) {
    long tag = currentTag;
    while (!awaiting.isEmpty() && awaiting.peek().deadline() <= upTo) {
      AwaitingRequest request = awaiting.poll();
      if (awaitingByRequest.get(request.key()) != request) {
        continue; // answered, or waiting again as a later copy of the request
      }
      awaitingByRequest.remove(request.key());
      currentTag = request.tag();
      singleEventAlert(
          request.rule(),
          request.event(),
          "; its response was not seen within "
              + Durations.format(request.rule().rule().meta().awaitResponse()));
      flushBatch();
    }
    currentTag = tag;
  }

  private void forgetOldAnswers(long before) {
    for (Iterator<Map.Entry<String, Long>> it = answeredRequests.entrySet().iterator();
        it.hasNext(); ) {
      if (it.next().getValue() >= before) {
        break;
      }
      it.remove();
    }
  }

  /**
   * @param unanswered what the summary adds for a request whose response was not seen, or null
   */
  private void singleEventAlert(CompiledRule rule, VigilEvent event, String unanswered) {
    RuleMeta meta = rule.rule().meta();
    Map<String, String> group = new LinkedHashMap<>();
    List<String> byNames = meta.suppress() == null ? List.of() : meta.suppress().by();
    for (int i = 0; i < rule.suppressBy().size(); i++) {
      FieldRef field = rule.suppressBy().get(i);
      String value = VigilEvent.scalarText(field.read(event));
      group.put(byNames.get(i), value == null ? "" : value);
    }
    String groupKey = group.toString();
    long time = event.getTime();
    String alertId = requestAlertId(meta, groupKey, event.getRequestKey());
    forgetOldAlertIds(time);
    if (recentAlertIds.putIfAbsent(alertId, time) != null) {
      return;
    }
    if (meta.suppress() != null && suppressed(meta, groupKey, time, meta.suppress().period())) {
      return;
    }
    if (unanswered != null) {
      // The response, should it still come, repeats this alert through those rules.
      for (RuleMeta stoodFor : standsFor.getOrDefault(meta.id(), List.of())) {
        recentAlertIds.putIfAbsent(requestAlertId(stoodFor, NO_GROUP, event.getRequestKey()), time);
      }
    }
    AuditEvent source = event.event();
    batch.add(
        new Alert(
            alertId,
            meta.id(),
            meta.name(),
            meta.title(),
            meta.version(),
            meta.author(),
            meta.detection(),
            meta.level().label(),
            source.getTime(),
            source.getTime(),
            source.getTime(),
            group.isEmpty() ? actorGroup(source) : group,
            List.of(source.getSource().name()),
            List.of(source.getEventId()),
            1,
            Summaries.single(meta, source) + (unanswered == null ? "" : unanswered),
            meta.tags()));
  }

  /**
   * A single-event rule without {@code suppress.by} has no group key of its own; its alert names
   * the actor instead ({@code actor.id}, else {@code actor.name}), so that an alert says whose act
   * it is and a pager can tell one actor's storm from another actor's act. The alert id and
   * suppression keep using the rule's own (empty) key: ids stay as they were.
   */
  private static Map<String, String> actorGroup(AuditEvent event) {
    if (event.getActor().getId() != null) {
      return Map.of("actor.id", event.getActor().getId());
    }
    if (event.getActor().getName() != null) {
      return Map.of("actor.name", event.getActor().getName());
    }
    return Map.of();
  }

  private void onCorrelation(CompiledCorrelation correlation, EventBean[] fresh) {
    if (fresh == null || currentSequence < 0) {
      // Output caused by window expiry (the clock moving) ends no window: only arrivals do.
      return;
    }
    for (EventBean row : fresh) {
      Object[] matches = (Object[]) row.get("matches");
      List<VigilEvent> window = new ArrayList<>(matches.length);
      boolean triggered = false;
      for (Object match : matches) {
        VigilEvent event = matchEvent(match);
        window.add(event);
        triggered |= event.sequence() == currentSequence;
      }
      if (!triggered) {
        continue;
      }
      window.sort(
          Comparator.comparingLong(VigilEvent::getTime).thenComparingLong(VigilEvent::sequence));
      correlationAlert(
          correlation,
          (String) row.get("groupKey"),
          ((Number) row.get("counted")).longValue(),
          window);
    }
  }

  private void correlationAlert(
      CompiledCorrelation correlation, String groupKey, long counted, List<VigilEvent> window) {
    RuleMeta meta = correlation.rule().meta();
    long start = window.get(0).getTime();
    long end = window.get(window.size() - 1).getTime();
    if (suppressed(meta, groupKey, end, suppressionPeriod(correlation))) {
      return;
    }
    // The events behind an alert are its window's distinct requests (a Vault request and its
    // response are one), counted here rather than by an aggregation every arrival would update.
    Set<String> requests = new HashSet<>();
    Set<String> ids = new LinkedHashSet<>();
    Set<String> sources = new TreeSet<>();
    for (VigilEvent event : window) {
      requests.add(event.getRequestKey());
      if (ids.size() < Alert.MAX_EVENT_IDS) {
        ids.add(event.event().getEventId());
      }
      sources.add(event.getSource());
    }
    long eventCount = requests.size();
    Map<String, String> group = correlation.groupValues(groupKey);
    batch.add(
        new Alert(
            alertId(meta, groupKey, "window", start + "-" + end),
            meta.id(),
            meta.name(),
            meta.title(),
            meta.version(),
            meta.author(),
            meta.detection(),
            meta.level().label(),
            Instant.ofEpochMilli(end),
            Instant.ofEpochMilli(start),
            Instant.ofEpochMilli(end),
            group,
            List.copyOf(sources),
            List.copyOf(ids),
            eventCount,
            Summaries.correlation(
                correlation.rule(), group, eventCount, counted, start, end, window),
            meta.tags()));
  }

  /** Esper hands nested events either as the object or wrapped in an {@link EventBean}. */
  static VigilEvent vigilEvent(Object value) {
    return (VigilEvent) (value instanceof EventBean bean ? bean.getUnderlying() : value);
  }

  /** The event of a {@code RuleMatch} row (a window's element): {@code (ruleIndex, event)}. */
  static VigilEvent matchEvent(Object match) {
    return vigilEvent(matchRow(match)[1]);
  }

  /** The base rule of a {@code RuleMatch} row. */
  static int matchRule(Object match) {
    return (Integer) matchRow(match)[0];
  }

  private static Object[] matchRow(Object match) {
    return (Object[]) (match instanceof EventBean bean ? bean.getUnderlying() : match);
  }

  /**
   * Whether an alert of correlation {@code correlationIndex} for {@code groupKey}, raised now,
   * could escape the suppression of the group's last alert. An alert's time is that of the newest
   * event in its window, never after the clock: while the clock is inside the period of the last
   * alert, every alert the group could raise is suppressed, so Esper need not hand out its window.
   */
  boolean correlationDue(int correlationIndex, String groupKey) {
    CompiledCorrelation correlation = pack.correlations().get(correlationIndex);
    Long last = lastAlertByGroup.get(suppressionKey(correlation.rule().meta(), groupKey));
    return last == null || clock - last >= suppressionPeriod(correlation).toMillis();
  }

  /**
   * Whether a match of base rule {@code ruleIndex} enters the window of {@code temporal_ordered}
   * correlation {@code correlationIndex} (see {@link OrderedAdmission}); false without a group key.
   */
  boolean admitted(int correlationIndex, int ruleIndex, VigilEvent event) {
    String group = event.groupKey(ruleIndex, correlationIndex);
    return group != null && admissions[correlationIndex].admit(ruleIndex, group, event, clock);
  }

  String intern(String text) {
    return texts.intern(text);
  }

  /**
   * Whether a match of {@code rule}, a rule only temporal_ordered windows past their first rule
   * take, would enter one of them: when none would, the engine does not judge the rule at all (in
   * the built-in pack, every secret read would otherwise be judged for the escalation of a
   * break-glass session that nearly never exists).
   */
  private boolean admissible(int rule, VigilEvent event) {
    for (int correlation : orderedConsumers[rule]) {
      String group = event.groupKey(rule, correlation);
      if (group != null && admissions[correlation].mayAdmit(rule, group, event, clock)) {
        return true;
      }
    }
    return false;
  }

  private static int[][] orderedConsumers(CompiledPack pack) {
    int[][] consumers = new int[pack.rules().size()][];
    boolean[] alwaysJudged = new boolean[consumers.length];
    for (CompiledRule rule : pack.rules()) {
      alwaysJudged[rule.index()] = rule.alerts();
    }
    Map<Integer, List<Integer>> ordered = new HashMap<>();
    for (CompiledCorrelation correlation : pack.correlations()) {
      boolean temporalOrdered = correlation.rule().type() == CorrelationType.TEMPORAL_ORDERED;
      List<Integer> rules = correlation.ruleIndexes();
      for (int position = 0; position < rules.size(); position++) {
        int rule = rules.get(position);
        if (!temporalOrdered || position == 0) {
          alwaysJudged[rule] = true;
        } else {
          ordered.computeIfAbsent(rule, r -> new ArrayList<>()).add(correlation.index());
        }
      }
    }
    ordered.forEach(
        (rule, correlations) -> {
          if (!alwaysJudged[rule]) {
            consumers[rule] =
                correlations.stream().distinct().mapToInt(Integer::intValue).toArray();
          }
        });
    return consumers;
  }

  /** Groups a temporal_ordered correlation remembers a sequence under way for (for tests). */
  int orderedGroups(int correlationIndex) {
    return admissions[correlationIndex].groups();
  }

  private static Duration suppressionPeriod(CompiledCorrelation correlation) {
    RuleMeta meta = correlation.rule().meta();
    return meta.suppress() != null ? meta.suppress().period() : correlation.rule().timespan();
  }

  private static String suppressionKey(RuleMeta meta, String groupKey) {
    return meta.id() + '\u0000' + groupKey;
  }

  private boolean suppressed(RuleMeta meta, String groupKey, long time, Duration period) {
    String key = suppressionKey(meta, groupKey);
    Long last = lastAlertByGroup.get(key);
    if (last != null && time - last < period.toMillis()) {
      return true;
    }
    lastAlertByGroup.put(key, time);
    suppressionEnds.add(new SuppressionEnd(saturatedAdd(time, period.toMillis()), time, key));
    return false;
  }

  /**
   * Forgets the groups whose suppression the clock has passed: neither a correlation (judged at the
   * clock) nor an on-time event can be suppressed by them any more. An event later than that is
   * judged as a restored engine judges it, whose replay holds no alert that old either.
   */
  private void forgetEndedSuppressions() {
    while (!suppressionEnds.isEmpty() && suppressionEnds.peek().until() <= clock) {
      SuppressionEnd end = suppressionEnds.poll();
      Long last = lastAlertByGroup.get(end.key());
      if (last != null && last == end.last()) {
        lastAlertByGroup.remove(end.key());
      }
    }
  }

  /** Groups remembered for their suppression (for tests). */
  int suppressedGroups() {
    return lastAlertByGroup.size();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private void forgetOldAlertIds(long now) {
    for (Iterator<Map.Entry<String, Long>> it = recentAlertIds.entrySet().iterator();
        it.hasNext(); ) {
      if (it.next().getValue() >= now - DUPLICATE_MEMORY.toMillis()) {
        break;
      }
      it.remove();
    }
  }

  /** The id of a single-event alert: one per rule, {@code suppress.by} key and request. */
  private String requestAlertId(RuleMeta meta, String groupKey, String requestKey) {
    return alertId(meta, groupKey, "request", requestKey);
  }

  /** The rules each await_response rule's unanswered alert stands for, resolved by id or name. */
  private static Map<String, List<RuleMeta>> standsFor(CompiledPack pack) {
    Map<String, RuleMeta> byReference = new HashMap<>();
    for (CompiledRule rule : pack.rules()) {
      RuleMeta meta = rule.rule().meta();
      byReference.put(meta.id(), meta);
      if (meta.name() != null) {
        byReference.putIfAbsent(meta.name(), meta);
      }
    }
    Map<String, List<RuleMeta>> standsFor = new HashMap<>();
    for (CompiledRule rule : pack.rules()) {
      RuleMeta meta = rule.rule().meta();
      if (meta.awaitResponse() != null && !meta.standsFor().isEmpty()) {
        standsFor.put(meta.id(), meta.standsFor().stream().map(byReference::get).toList());
      }
    }
    return standsFor;
  }

  /** SHA-256 over the rule id, its version, the group key and what the alert is about. */
  private String alertId(RuleMeta meta, String groupKey, String kind, String about) {
    String material =
        meta.id() + '\n' + meta.version() + '\n' + groupKey + '\n' + kind + '\n' + about;
    return HEX.formatHex(sha256.digest(material.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
