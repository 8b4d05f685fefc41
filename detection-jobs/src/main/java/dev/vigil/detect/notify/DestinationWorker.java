package dev.vigil.detect.notify;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One destination's delivery thread behind a bounded queue.
 *
 * <p>Backpressure: {@link #offer} waits at most the destination's {@code enqueue_timeout} for room,
 * then drops the notification with an error log naming the alert (the alert itself is safe in the
 * alerts topic and index; only this page is lost). So a destination that is down or slow delays the
 * caller by at most that timeout per alert and never blocks it for good, and one slow destination
 * does not hold up the others, which have their own queues and threads.
 *
 * <p>The thread takes a token from the destination's rate limit before each send (waiting for one),
 * then sends with retries. Every notification accepted and not yet handled (queued, or being sent
 * and retried) is also held in {@code unhandled}: {@link #awaitIdle} lets a flush wait until it is
 * empty, and {@link #unhandled()} lets a checkpoint record it instead of waiting.
 */
final class DestinationWorker {

  private static final Logger LOG = LoggerFactory.getLogger(DestinationWorker.class);

  private final String name;
  private final Notifier notifier;
  private final HttpSender sender;
  private final TokenBucket rateLimit;
  private final HttpSender.Sleeper sleeper;
  private final Duration enqueueTimeout;
  private final BlockingQueue<Notification> queue;
  private final Thread thread;

  /** Accepted and not yet handled, in order of acceptance; guarded by itself. */
  private final ArrayDeque<Notification> unhandled = new ArrayDeque<>();

  private final NotifyStats.Counters counters;
  private volatile boolean stopping;

  DestinationWorker(
      String name,
      Notifier notifier,
      HttpSender sender,
      TokenBucket rateLimit,
      HttpSender.Sleeper sleeper,
      int queueCapacity,
      Duration enqueueTimeout,
      NotifyStats.Counters counters) {
    this.name = name;
    this.notifier = notifier;
    this.sender = sender;
    this.rateLimit = rateLimit;
    this.sleeper = sleeper;
    this.enqueueTimeout = enqueueTimeout;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.counters = counters;
    this.thread = new Thread(this::run, "vigil-notify-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  String name() {
    return name;
  }

  /** Queues a notification, waiting at most {@code enqueue_timeout}; false when it was dropped. */
  boolean offer(Notification notification) {
    hold(notification);
    return enqueue(notification);
  }

  /**
   * The first half of {@link #offer}, which never waits: from here on the notification counts as
   * owed ({@link #unhandled()}) until {@link #enqueue} drops it or the thread has handled it.
   */
  void hold(Notification notification) {
    synchronized (unhandled) {
      unhandled.add(notification);
    }
  }

  /** The second half of {@link #offer}, for a notification already {@link #hold held}. */
  boolean enqueue(Notification notification) {
    boolean queued = false;
    try {
      queued =
          !stopping && queue.offer(notification, enqueueTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!queued) {
      done(notification);
      counters.dropped.incrementAndGet();
      LOG.error(
          "notify destination '{}': queue full or closing, dropped {} for alert {} (rule {});"
              + " the alert itself is unaffected",
          name,
          notification.kind(),
          notification.alert().alertId(),
          notification.alert().ruleId());
    }
    return queued;
  }

  /** Waits until every accepted notification has been handled; false on timeout. */
  boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    synchronized (unhandled) {
      while (!unhandled.isEmpty()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(unhandled, left);
      }
      return true;
    }
  }

  /** The notifications accepted and not yet handled (queued, or being sent), oldest first. */
  List<Notification> unhandled() {
    synchronized (unhandled) {
      return List.copyOf(unhandled);
    }
  }

  /**
   * Stops taking work and interrupts the thread, which abandons what it is sending (counted
   * dropped); returns at once, so that every destination's thread is told before any is waited for.
   */
  void stop() {
    stopping = true;
    thread.interrupt();
  }

  /**
   * Waits until the thread {@link #stop stopped} has ended, at most until {@code deadlineNanos},
   * then takes what is still queued and counts it dropped (the dispatcher's caller says how many
   * were not delivered). Taking it from the queue makes the count exact even if the thread is still
   * running: each message is then either sent by it or counted here, never both.
   *
   * @throws InterruptedException when the calling thread is interrupted while waiting; the queue is
   *     counted all the same
   */
  void awaitStop(long deadlineNanos) throws InterruptedException {
    try {
      long left = deadlineNanos - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
    } finally {
      List<Notification> abandoned = new ArrayList<>();
      queue.drainTo(abandoned);
      counters.dropped.addAndGet(abandoned.size());
      abandoned.forEach(this::done);
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      Notification notification;
      try {
        notification = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        deliver(notification);
      } catch (InterruptedException e) {
        counters.dropped.incrementAndGet();
        done(notification);
        return;
      } catch (RuntimeException e) {
        // A bug in rendering must not kill the destination's thread for every later alert.
        counters.gaveUp.incrementAndGet();
        LOG.error(
            "notify destination '{}': cannot render alert {} ({})",
            name,
            notification.alert().alertId(),
            e.getClass().getName());
      }
      done(notification);
    }
  }

  private void deliver(Notification notification) throws InterruptedException {
    for (long wait = rateLimit.tryTake(); wait > 0; wait = rateLimit.tryTake()) {
      sleeper.sleep(Duration.ofNanos(wait));
    }
    byte[] body = notifier.body(notification);
    DeliveryOutcome outcome = sender.send(now -> notifier.request(notification, body, now));
    String alertId = notification.alert().alertId();
    switch (outcome.result()) {
      case DELIVERED -> {
        counters.delivered.incrementAndGet();
        LOG.debug(
            "notify destination '{}': delivered {} for alert {} (HTTP {}, {} attempt(s))",
            name,
            notification.kind(),
            alertId,
            outcome.httpStatus(),
            outcome.attempts());
      }
      case REJECTED -> {
        counters.rejected.incrementAndGet();
        LOG.error(
            "notify destination '{}': rejected {} for alert {}, not retried: {}",
            name,
            notification.kind(),
            alertId,
            outcome.detail());
      }
      case GAVE_UP -> {
        counters.gaveUp.incrementAndGet();
        LOG.error(
            "notify destination '{}': could not deliver {} for alert {}: {}",
            name,
            notification.kind(),
            alertId,
            outcome.detail());
      }
      default -> throw new IllegalStateException(outcome.result().name());
    }
  }

  /** Equal notifications are interchangeable, so removing the first equal one is exact. */
  private void done(Notification notification) {
    synchronized (unhandled) {
      unhandled.removeFirstOccurrence(notification);
      if (unhandled.isEmpty()) {
        unhandled.notifyAll();
      }
    }
  }
}
