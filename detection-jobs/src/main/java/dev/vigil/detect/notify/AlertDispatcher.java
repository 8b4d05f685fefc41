package dev.vigil.detect.notify;

import dev.vigil.rules.Alert;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pager: takes alerts from the detection pipeline and delivers them to the configured
 * destinations (PagerDuty, webhooks, Slack).
 *
 * <p>Design. {@link #submit} is called on the pipeline's thread and does only cheap work under one
 * lock: the replay check and grouping ({@link AlertGrouper}), routing ({@link Routing}), and
 * handing the message to each destination's bounded queue ({@link DestinationWorker}, whose
 * backpressure policy bounds how long a submit can wait). Delivery, retries and rate limits happen
 * on one thread per destination. A scheduler thread sends grown group counts once they are due.
 * {@link #flush} sends every pending group count and waits until all queues are empty; {@link
 * #close} flushes for a bounded time, then stops the threads and says what was not delivered.
 * {@link #checkpoint} instead takes, without waiting, what has not been delivered yet and the open
 * groups (for a checkpoint to hold); after a restore, {@link #restore} reopens those groups and
 * {@link #resend} hands each such message to its destination again.
 *
 * <p>Secrets are resolved once, at {@link #start}; a missing one fails the start with the config
 * key and the variable or file it names, never the value.
 */
public final class AlertDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);

  /** How long {@link #close} waits, in all, for the delivery threads to end once interrupted. */
  static final Duration THREAD_STOP_WAIT = Duration.ofSeconds(5);

  private final AlertGrouper grouper;
  private final Routing routing;
  private final Map<String, DestinationWorker> workers;
  private final Map<String, NotifyStats.Counters> counters;
  private final ScheduledExecutorService ticker;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong folded = new AtomicLong();
  private final AtomicLong unrouted = new AtomicLong();

  /**
   * Held while a group count is marked sent and held by the workers (which never waits), and while
   * {@link #undelivered} and {@link #checkpoint} read both: a count is then either still unsent or
   * owed by a worker, never in between.
   */
  private final Object handOver = new Object();

  /** Set by the first {@link #close}, which alone stops the threads; {@link #submit} then fails. */
  private final AtomicBoolean closing = new AtomicBoolean();

  private AlertDispatcher(
      NotifyConfig config,
      Map<String, DestinationWorker> workers,
      Map<String, NotifyStats.Counters> counters,
      Function<String, List<String>> ruleNotify) {
    this.grouper = new AlertGrouper(config.grouping(), config.replayMemory());
    this.routing = new Routing(config, ruleNotify);
    this.workers = workers;
    this.counters = counters;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "vigil-notify-groups");
              thread.setDaemon(true);
              return thread;
            });
    long tickMillis = Math.max(50, Math.min(1_000, config.grouping().window().toMillis() / 4));
    ticker.scheduleWithFixedDelay(
        this::sendDueUpdates, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    workers.values().forEach(DestinationWorker::start);
  }

  /**
   * Resolves the destinations' secrets and starts one delivery thread per destination.
   *
   * @param environment environment variables by name ({@code System::getenv} in production)
   * @param ruleNotify a rule id's {@code notify} list, empty when the rule names none
   * @param ruleGuidance a rule id's guidance for its pages, null when the rule has none
   * @throws dev.vigil.ingest.yaml.InvalidConfigException when a secret is missing or unreadable
   */
  public static AlertDispatcher start(
      NotifyConfig config,
      Function<String, String> environment,
      Function<String, List<String>> ruleNotify,
      Function<String, RuleGuidance> ruleGuidance) {
    HttpClient client =
        HttpClient.newBuilder()
            // HTTP/1.1 everywhere: on http:// URLs the JDK's default (HTTP/2) sends an h2c upgrade
            // that some proxies and receivers refuse; a few pages a minute gain nothing from h2.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    UnaryOperator<String> alertUrl = config::alertUrl;
    HttpSender.Sleeper sleeper = duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    Map<String, DestinationWorker> workers = new LinkedHashMap<>();
    Map<String, NotifyStats.Counters> counters = new LinkedHashMap<>();
    for (NotifyConfig.Destination destination : config.destinations().values()) {
      Secret secret = Secret.read(destination.secret(), environment);
      NotifyConfig.Delivery delivery = destination.delivery();
      Duration timeout = delivery.retry().requestTimeout();
      Notifier notifier =
          switch (destination.type()) {
            case PAGERDUTY ->
                new PagerDutyNotifier(
                    destination.url(),
                    secret,
                    destination.source(),
                    alertUrl,
                    ruleGuidance,
                    timeout);
            case WEBHOOK ->
                new WebhookNotifier(destination.url(), secret, alertUrl, ruleGuidance, timeout);
            case SLACK -> {
              URI uri = NotifyConfig.slackUri(secret, destination.secret().key());
              yield new SlackNotifier(secret, uri, alertUrl, ruleGuidance, timeout);
            }
          };
      HttpSender sender =
          new HttpSender(
              "'"
                  + destination.name()
                  + "' ("
                  + destination.type().name().toLowerCase(Locale.ROOT)
                  + ")",
              client,
              delivery.retry(),
              new Random(),
              sleeper,
              System::nanoTime,
              secret::mask);
      TokenBucket rateLimit =
          new TokenBucket(delivery.perMinute() / 60.0, delivery.burst(), System::nanoTime);
      NotifyStats.Counters live = new NotifyStats.Counters();
      counters.put(destination.name(), live);
      workers.put(
          destination.name(),
          new DestinationWorker(
              destination.name(),
              notifier,
              sender,
              rateLimit,
              sleeper,
              delivery.queueCapacity(),
              delivery.enqueueTimeout(),
              live));
      LOG.info("notify destination '{}': {}", destination.name(), notifier);
    }
    return new AlertDispatcher(config, workers, counters, ruleNotify);
  }

  /**
   * Pages for an alert unless it is a replay or folds into an open group. Returns once the message
   * is queued for each destination (or dropped after the destination's enqueue timeout).
   */
  public void submit(Alert alert) {
    if (closing.get()) {
      throw new IllegalStateException("the alert dispatcher is closed");
    }
    submitted.incrementAndGet();
    List<AlertGrouper.Group> closedGroups = new ArrayList<>();
    AlertGrouper.Decision decision;
    synchronized (grouper) {
      decision = grouper.accept(alert, System.nanoTime(), closedGroups);
      if (decision instanceof AlertGrouper.Page page) {
        page.group().destinations = routing.destinations(alert);
      }
    }
    sendUpdates(closedGroups);
    if (decision instanceof AlertGrouper.Page page) {
      if (page.group().destinations.isEmpty()) {
        unrouted.incrementAndGet();
        LOG.debug("alert {} matches no notify destination", alert.alertId());
      }
      for (String name : page.group().destinations) {
        workers.get(name).offer(page.trigger());
      }
    } else if (decision instanceof AlertGrouper.Folded) {
      folded.incrementAndGet();
    } else {
      duplicates.incrementAndGet();
    }
  }

  /**
   * Sends every grown group count now and waits until each destination has handled everything
   * queued (delivered, rejected or given up).
   *
   * @return false when the timeout passed first
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<AlertGrouper.Group> due;
    synchronized (grouper) {
      due = grouper.pendingUpdates(System.nanoTime(), true);
    }
    sendUpdates(due);
    try {
      for (DestinationWorker worker : workers.values()) {
        if (!worker.awaitIdle(deadline)) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Every message not delivered yet, per destination in configuration order, oldest first: those
   * queued or being sent and retried, and the grown count of each group whose update is not due yet
   * (as the update it will become). Does not wait for delivery, and changes nothing.
   */
  Map<String, List<Notification>> undelivered() {
    Map<String, List<Notification>> out = new LinkedHashMap<>();
    synchronized (handOver) {
      workers.forEach((name, worker) -> out.put(name, new ArrayList<>(worker.unhandled())));
      synchronized (grouper) {
        for (AlertGrouper.Group group : grouper.pendingUpdates(System.nanoTime(), true)) {
          Notification update = group.update();
          group.destinations.forEach(name -> out.get(name).add(update));
        }
      }
    }
    return out;
  }

  /**
   * What a checkpoint holds, taken at once and without waiting for delivery: every message not
   * delivered yet ({@link #undelivered}) and the open groups. A grown count is among the messages
   * (as its group's update), so its group is saved with its whole count sent: the restore sends
   * that count once, as a page, and the restored group only what grows after it.
   */
  PendingPages checkpoint() {
    synchronized (handOver) {
      synchronized (grouper) {
        return PendingPages.of(
            undelivered(), grouper.save().map(AlertGrouper.SavedGroup::countSent));
      }
    }
  }

  /**
   * Reopens the groups a checkpoint held ({@link #checkpoint}), before the first alert, so that
   * alerts after the restore fold into them as they would have without it (see {@link
   * AlertGrouper}). A group keeps the destinations its trigger went to, less those no longer
   * configured. A group the current configuration closes at once (grouping disabled, a lower {@code
   * max_open_groups}) sends its count if it grew.
   */
  void restore(AlertGrouper.Saved grouping) {
    AlertGrouper.Saved configured = grouping.map(g -> g.sendingTo(workers::containsKey));
    List<AlertGrouper.Group> closedGroups = new ArrayList<>();
    synchronized (grouper) {
      grouper.restore(configured, System.nanoTime(), closedGroups);
    }
    sendUpdates(closedGroups);
  }

  /**
   * Hands a message that {@link #checkpoint} held (in this process or one before a restore) to its
   * destination again, past grouping and routing, which it went through already.
   *
   * @return false when no destination of that name is configured (any more), or it was dropped
   */
  boolean resend(String destination, Notification message) {
    DestinationWorker worker = workers.get(destination);
    return worker != null && worker.offer(message);
  }

  /**
   * Sends every grown group count, waits at most {@code timeout} for each destination to handle
   * what it holds (as {@link #flush}), then stops the threads; what is still not delivered is
   * abandoned and counted dropped. Only the first call does this; later ones, also concurrent ones,
   * return an empty map at once.
   *
   * <p>An interrupt of the calling thread cuts the wait for delivery short, never the stop: every
   * delivery thread is still told to stop and waited for (at most {@link #THREAD_STOP_WAIT} in
   * all), and what it abandons counted, so that no thread outlives the dispatcher (on a failover,
   * one would go on paging beside the restored job's). The interrupt flag is set again on return.
   *
   * @return per destination, how many messages were not delivered (queued, or cut off while being
   *     sent or retried); destinations with none are left out
   */
  public Map<String, Integer> close(Duration timeout) {
    if (!closing.compareAndSet(false, true)) {
      return Map.of();
    }
    boolean drained = flush(timeout);
    ticker.shutdownNow();
    Map<String, Integer> notDelivered = new LinkedHashMap<>();
    if (!drained) {
      undelivered()
          .forEach(
              (name, messages) -> {
                if (!messages.isEmpty()) {
                  notDelivered.put(name, messages.size());
                }
              });
    }
    workers.values().forEach(DestinationWorker::stop);
    // Cleared to wait for the threads below, and set again at the end.
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + THREAD_STOP_WAIT.toNanos();
    for (DestinationWorker worker : workers.values()) {
      while (true) {
        try {
          worker.awaitStop(deadline);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return notDelivered;
  }

  /** {@link #close(Duration)} with 30 seconds to drain, logging what was not delivered. */
  @Override
  public void close() {
    Duration timeout = Duration.ofSeconds(30);
    Map<String, Integer> notDelivered = close(timeout);
    if (!notDelivered.isEmpty()) {
      LOG.warn(
          "notify: closed after waiting {} with messages not delivered: {}",
          timeout,
          describe(notDelivered));
    }
  }

  /** {@code oncall 2, siem 1}: destination names and counts, never a message's content. */
  static String describe(Map<String, Integer> notDelivered) {
    StringBuilder line = new StringBuilder();
    notDelivered.forEach(
        (name, count) ->
            line.append(line.isEmpty() ? "" : ", ").append(name).append(' ').append(count));
    return line.toString();
  }

  public NotifyStats stats() {
    return new NotifyStats(
        submitted.get(),
        duplicates.get(),
        folded.get(),
        unrouted.get(),
        NotifyStats.snapshot(counters));
  }

  private void sendDueUpdates() {
    try {
      List<AlertGrouper.Group> due;
      synchronized (grouper) {
        due = grouper.pendingUpdates(System.nanoTime(), false);
      }
      sendUpdates(due);
    } catch (RuntimeException e) {
      // An exception would cancel the schedule, and with it every later group count.
      LOG.error("notify: sending group updates failed ({})", e.getClass().getName());
    }
  }

  /**
   * Queues the update of each group whose count grew since its last message. The check is repeated
   * under the lock, since the scheduler and a flush may pick the same group.
   */
  private void sendUpdates(List<AlertGrouper.Group> groups) {
    for (AlertGrouper.Group group : groups) {
      Notification update;
      synchronized (handOver) {
        synchronized (grouper) {
          if (group.alertCount <= group.sentCount) {
            continue;
          }
          update = group.update();
          AlertGrouper.markSent(group, System.nanoTime());
        }
        group.destinations.forEach(name -> workers.get(name).hold(update));
      }
      // Outside the lock: a full queue may make this wait, and a checkpoint must not.
      group.destinations.forEach(name -> workers.get(name).enqueue(update));
    }
  }
}
