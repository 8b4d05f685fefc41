package dev.vigil.rules.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which matches a {@code temporal_ordered} correlation lets into its window: a match of the rule at
 * position p (p > 0) only while the same group has a match of the rule at position p - 1 in the
 * window, that is, judged less than the timespan ago. The first rule's matches always enter.
 *
 * <p>Design: a match that no earlier rule's match precedes can never be part of the declared
 * sequence (every later arrival is later still), so it only weighs on the window: in the built-in
 * pack every successful secret read of every identity fed {@code break_glass_escalation}'s one-hour
 * window, for the rare identity that had used a break-glass role first. Admission keeps those out,
 * so the window holds the sequences being built and nothing else. Whether the correlation fires is
 * unchanged: when the window of an arrival holds the rules in order, each of those matches had its
 * predecessor within the timespan before it, and was admitted. What changes is what its alerts
 * list: the matches from the first rule's on, not unrelated earlier ones.
 *
 * <p>State: per group, the clock time of the last admitted match at each position, looked up by the
 * group key; a group whose times are all a timespan old is dropped at the next purge (one per
 * timespan of the clock), so the map holds the groups with a sequence under way, not every group
 * seen. It is rebuilt with the windows when a job replays its held events after a restore.
 */
final class OrderedAdmission {

  private final List<Integer> ruleIndexes;
  private final long timespanMs;
  private final Map<String, long[]> lastAdmitted = new HashMap<>();
  private long nextPurge = Long.MIN_VALUE;

  OrderedAdmission(CompiledCorrelation correlation) {
    this.ruleIndexes = correlation.ruleIndexes();
    this.timespanMs = correlation.rule().timespan().toMillis();
  }

  /**
   * Whether the match of base rule {@code ruleIndex} by {@code event}, judged at {@code now},
   * enters the window; records it when it does. The matches of one event are judged one rule after
   * another, in rule index order, not in the declared order: when the predecessor's match of the
   * same event is still to come, the event's own match of that rule stands for it.
   */
  boolean admit(int ruleIndex, String group, VigilEvent event, long now) {
    return enters(ruleIndex, group, event, now, true);
  }

  /** As {@link #admit}, recording nothing: whether the match would enter the window. */
  boolean mayAdmit(int ruleIndex, String group, VigilEvent event, long now) {
    return enters(ruleIndex, group, event, now, false);
  }

  private boolean enters(int ruleIndex, String group, VigilEvent event, long now, boolean record) {
    long[] last = lastAdmitted.get(group);
    boolean enters = false;
    for (int position = 0; position < ruleIndexes.size(); position++) {
      if (ruleIndexes.get(position) != ruleIndex || !reachable(position, last, event, now)) {
        continue;
      }
      if (!record) {
        return true;
      }
      if (last == null) {
        last = new long[ruleIndexes.size()];
        Arrays.fill(last, Long.MIN_VALUE);
        lastAdmitted.put(group, last);
      }
      last[position] = now;
      enters = true;
    }
    return enters;
  }

  private boolean reachable(int position, long[] last, VigilEvent event, long now) {
    if (position == 0) {
      return true;
    }
    if (last != null && inWindow(last[position - 1], now)) {
      return true;
    }
    int previous = ruleIndexes.get(position - 1);
    return previous > ruleIndexes.get(position)
        && event.matches(previous)
        && reachable(position - 1, last, event, now);
  }

  private boolean inWindow(long admittedAt, long now) {
    // Esper's time window keeps a row inserted at t while the clock is before t + timespan.
    return admittedAt != Long.MIN_VALUE && now - admittedAt < timespanMs;
  }

  /** Drops the groups whose every admitted match has left the window, once per timespan. */
  void purge(long now) {
    if (now < nextPurge) {
      return;
    }
    nextPurge = now + timespanMs;
    for (Iterator<long[]> it = lastAdmitted.values().iterator(); it.hasNext(); ) {
      long[] last = it.next();
      boolean open = false;
      for (long admittedAt : last) {
        open |= inWindow(admittedAt, now);
      }
      if (!open) {
        it.remove();
      }
    }
  }

  /** Groups with an admitted match still remembered (for tests). */
  int groups() {
    return lastAdmitted.size();
  }
}
