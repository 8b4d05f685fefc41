package dev.vigil.detect.notify;

import dev.vigil.rules.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a stream of alerts into pages: one per storm, plus its count.
 *
 * <p>Design. Alerts group by (rule id, group key, sources); a single-event alert's group key is its
 * actor (see docs/notify.md, "Grouping"), so one actor's storm folds and another actor's act, or
 * the same rule on another platform, pages on its own. The first alert of a group is paged at once
 * and its {@code alert_id} becomes the group's identity (PagerDuty's {@code dedup_key}). A later
 * alert of the same key whose <em>event time</em> lies within {@code window} of that first alert
 * folds into the group: no new page, the counts grow. Membership depends only on the alerts and
 * their order, never on the wall clock, so a replay of the same alerts forms the same groups and
 * sends the same dedup keys: one incident, however often the stream is replayed.
 *
 * <p>The wall clock decides only <em>when</em> a grown count is sent: a group update goes out once
 * {@code window} has passed (in processing time) since the group's last message, and on {@link
 * #pendingUpdates(long, boolean) flush}. A group is forgotten when the newest alert time seen
 * passes its first alert's time plus {@code window} (its update, if due, is sent then), or when
 * more than {@code maxOpenGroups} are open (the oldest goes first), which bounds memory.
 *
 * <p>Replays inside one process are caught before grouping: the ids of the last {@code
 * replayMemory} alerts are remembered, and an alert seen again sends nothing.
 *
 * <p>Not thread-safe; {@link AlertDispatcher} serializes calls.
 */
final class AlertGrouper {

  /** What happened to one submitted alert. */
  sealed interface Decision {}

  /** A new group: page now. */
  record Page(Notification trigger, Group group) implements Decision {}

  /** The alert joined an open group. */
  record Folded(Group group) implements Decision {}

  /** The alert id was seen recently; nothing to send. */
  record Duplicate() implements Decision {}

  /** One open group; {@code destinations} is set by the dispatcher from the first alert. */
  static final class Group {
    final Alert first;
    List<String> destinations = List.of();
    int alertCount = 1;
    long eventCount;
    Instant lastTime;
    String lastSummary;
    int sentCount = 1;
    long lastMessageNanos;

    Group(Alert first, long nowNanos) {
      this.first = first;
      this.eventCount = first.eventCount();
      this.lastTime = first.time();
      this.lastSummary = first.summary();
      this.lastMessageNanos = nowNanos;
    }

    Notification update() {
      return new Notification(
          Notification.Kind.GROUP_UPDATE, first, alertCount, eventCount, lastTime, lastSummary);
    }
  }

  private final NotifyConfig.Grouping config;
  private final Map<String, Group> open = new LinkedHashMap<>();
  private final RecentIds recent;
  private Instant newest = Instant.MIN;

  AlertGrouper(NotifyConfig.Grouping config, int replayMemory) {
    this.config = config;
    this.recent = new RecentIds(replayMemory);
  }

  /**
   * @return the decision, and through {@code closed} the updates of groups this alert closed
   */
  Decision accept(Alert alert, long nowNanos, List<Group> closed) {
    if (!recent.add(alert.alertId())) {
      return new Duplicate();
    }
    if (alert.time().isAfter(newest)) {
      newest = alert.time();
    }
    if (!config.enabled()) {
      return new Page(Notification.trigger(alert), new Group(alert, nowNanos));
    }
    String key = key(alert);
    Group group = open.get(key);
    if (group != null && within(group.first.time(), alert.time())) {
      group.alertCount++;
      group.eventCount += alert.eventCount();
      // Of alerts at the same instant, the one that came last is the latest.
      if (!alert.time().isBefore(group.lastTime)) {
        group.lastTime = alert.time();
        group.lastSummary = alert.summary();
      }
      return new Folded(group);
    }
    if (group != null) {
      closed.add(open.remove(key));
    }
    Group created = new Group(alert, nowNanos);
    open.put(key, created);
    evictExpired(closed);
    return new Page(Notification.trigger(alert), created);
  }

  /**
   * Groups whose count grew since their last message and which are due: {@code window} has passed
   * since that message, or {@code all} (a flush). Each returned group is marked sent.
   */
  List<Group> pendingUpdates(long nowNanos, boolean all) {
    List<Group> due = new ArrayList<>();
    long windowNanos = config.window().toNanos();
    for (Group group : open.values()) {
      if (group.alertCount > group.sentCount
          && (all || nowNanos - group.lastMessageNanos >= windowNanos)) {
        due.add(group);
      }
    }
    return due;
  }

  /** Records that a group's current count went out. */
  static void markSent(Group group, long nowNanos) {
    group.sentCount = group.alertCount;
    group.lastMessageNanos = nowNanos;
  }

  int openGroups() {
    return open.size();
  }

  private boolean within(Instant first, Instant time) {
    return Duration.between(first, time).abs().compareTo(config.window()) < 0;
  }

  /**
   * Groups leave in opening order, which follows event time closely; one opened out of order waits
   * behind its elders, which only delays freeing its memory.
   */
  private void evictExpired(List<Group> closed) {
    for (Iterator<Group> it = open.values().iterator(); it.hasNext(); ) {
      Group group = it.next();
      boolean expired = !group.first.time().plus(config.window()).isAfter(newest);
      if (!expired && open.size() <= config.maxOpenGroups()) {
        break;
      }
      it.remove();
      closed.add(group);
    }
  }

  /**
   * Rule id, group fields sorted by name, and sources sorted: the same key however the map and list
   * were built. The sources are part of it so that one rule firing on two platforms (a root login
   * in AWS, a root token in Vault) pages twice even when the group values coincide, and so that
   * every alert folded into a page has the page's sources.
   */
  static String key(Alert alert) {
    StringBuilder key = new StringBuilder(alert.ruleId());
    for (Map.Entry<String, String> field : new TreeMap<>(alert.group()).entrySet()) {
      key.append('\u0000').append(field.getKey()).append('\u0001').append(field.getValue());
    }
    key.append('\u0002');
    for (String source : new TreeSet<>(alert.sources())) {
      key.append('\u0000').append(source);
    }
    return key.toString();
  }

  /** The most recent alert ids, oldest forgotten first. */
  private static final class RecentIds {
    private final int capacity;
    private final Set<String> ids;

    RecentIds(int capacity) {
      this.capacity = capacity;
      this.ids =
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > capacity;
                }
              });
    }

    /** False when the id is already remembered. */
    boolean add(String id) {
      return capacity == 0 || ids.add(id);
    }
  }
}
