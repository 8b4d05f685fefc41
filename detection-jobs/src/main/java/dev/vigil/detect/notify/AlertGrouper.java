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
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

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
 * more than {@code maxOpenGroups} are open (the oldest goes first), which bounds memory and the
 * checkpointed state.
 *
 * <p>Replays inside one process are caught before grouping: the ids of the last {@code
 * replayMemory} alerts are remembered, and an alert seen again sends nothing.
 *
 * <p>Checkpoints. The open groups and the newest alert time seen are the grouping's state: {@link
 * #save} takes them for a checkpoint ({@link PendingPages}) and {@link #restore} reopens them in a
 * new process before its first alert. A checkpoint is taken between two alerts and the job replays
 * exactly the alerts after it, so the restored grouper meets the same alerts in the same state as
 * the one before the failure: they fold into the same groups, and close them, by the same rules,
 * and a storm spanning a restart stays one incident with one count. What does not carry over is the
 * wall clock ({@code lastMessageNanos}): a restored group counts as messaged at the restore. Its
 * count at the checkpoint has gone out or is owed by the checkpoint's pages, which the restore
 * sends at once ({@link AlertDispatcher#checkpoint} saves a grown count as sent, as its pages hold
 * it); a count grown since goes out a {@code window} after the restore, when the group closes, at a
 * flush, or as the next checkpoint's page, so none is lost, and a restore does not send an update
 * for every open group at once. The recent ids are not saved: the alerts replayed after a restore
 * are those after the checkpoint, which no id remembered at the checkpoint can match, and repeats
 * among them are caught by the new process's memory as they come.
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

    /** A group a checkpoint held, as messaged at {@code nowNanos}. */
    Group(SavedGroup saved, long nowNanos) {
      this.first = saved.first();
      this.destinations = saved.destinations();
      this.alertCount = saved.alertCount();
      this.eventCount = saved.eventCount();
      this.lastTime = saved.lastTime();
      this.lastSummary = saved.lastSummary();
      this.sentCount = saved.sentCount();
      this.lastMessageNanos = nowNanos;
    }

    Notification update() {
      return new Notification(
          Notification.Kind.GROUP_UPDATE, first, alertCount, eventCount, lastTime, lastSummary);
    }

    SavedGroup saved() {
      return new SavedGroup(
          first, destinations, alertCount, eventCount, lastTime, lastSummary, sentCount);
    }
  }

  /**
   * An open group as a checkpoint holds it: all of {@link Group} but the wall clock.
   *
   * @param sentCount the count its destinations have been sent (or, in a checkpoint, are owed by
   *     its pages)
   */
  record SavedGroup(
      Alert first,
      List<String> destinations,
      int alertCount,
      long eventCount,
      Instant lastTime,
      String lastSummary,
      int sentCount) {

    SavedGroup {
      destinations = List.copyOf(destinations);
    }

    /** The same group with its whole count sent: for a checkpoint whose pages hold its update. */
    SavedGroup countSent() {
      return new SavedGroup(
          first, destinations, alertCount, eventCount, lastTime, lastSummary, alertCount);
    }

    /** The same group sending only to the destinations {@code configured} accepts. */
    SavedGroup sendingTo(Predicate<String> configured) {
      return new SavedGroup(
          first,
          destinations.stream().filter(configured).toList(),
          alertCount,
          eventCount,
          lastTime,
          lastSummary,
          sentCount);
    }
  }

  /**
   * The grouping a checkpoint holds: the newest alert time seen ({@link Instant#MIN} before the
   * first alert) and the open groups, oldest first.
   */
  record Saved(Instant newest, List<SavedGroup> groups) {

    static final Saved NONE = new Saved(Instant.MIN, List.of());

    Saved {
      groups = List.copyOf(groups);
    }

    boolean isEmpty() {
      return groups.isEmpty() && newest.equals(Instant.MIN);
    }

    /** The same grouping with {@code change} applied to each group. */
    Saved map(UnaryOperator<SavedGroup> change) {
      return new Saved(newest, groups.stream().map(change).toList());
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

  /** The open groups, oldest first, and the newest alert time seen: what a checkpoint holds. */
  Saved save() {
    return new Saved(newest, open.values().stream().map(Group::saved).toList());
  }

  /**
   * Reopens the groups a checkpoint held, before the first alert, each as messaged at {@code
   * nowNanos} (see the class comment). The usual rules then apply at once, for a configuration
   * changed since: with grouping disabled no group stays open, beyond {@code maxOpenGroups} the
   * oldest close, and so do those a shorter {@code window} has expired; through {@code closed}, so
   * that a count not sent yet is not lost. Of two groups with one key (states of several subtasks)
   * the first stays open.
   */
  void restore(Saved saved, long nowNanos, List<Group> closed) {
    if (saved.newest().isAfter(newest)) {
      newest = saved.newest();
    }
    for (SavedGroup savedGroup : saved.groups()) {
      Group group = new Group(savedGroup, nowNanos);
      if (!config.enabled() || open.putIfAbsent(key(group.first), group) != null) {
        closed.add(group);
      }
    }
    evictExpired(closed);
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
