package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertGrouperTest {

  private static final NotifyConfig.Grouping FIVE_MINUTES =
      new NotifyConfig.Grouping(true, Duration.ofMinutes(5), 100);

  /** An update's headline is the latest act (by event time) with the count, not the first. */
  @Test
  void anUpdateCarriesTheLatestAlertsSummary() {
    AlertGrouper grouper = new AlertGrouper(FIVE_MINUTES, 1000);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    String actor = "hmac-sha256:7b1d0c";
    grouper.accept(Alerts.rootUse(Alerts.id(1), actor, "VAULT", "update on acl/a", 0), 0, closed);
    grouper.accept(Alerts.rootUse(Alerts.id(2), actor, "VAULT", "update on acl/c", 20), 0, closed);
    // Arrives last but happened before the latest: it counts, it is not the latest act.
    grouper.accept(Alerts.rootUse(Alerts.id(3), actor, "VAULT", "update on acl/b", 10), 0, closed);

    List<AlertGrouper.Group> due = grouper.pendingUpdates(0, true);

    assertThat(due).hasSize(1);
    Notification update = due.get(0).update();
    assertThat(update.alert().alertId()).isEqualTo(Alerts.id(1));
    assertThat(update.headline())
        .isEqualTo("Root credential used: update on acl/c (3 alerts for this group, 3 events)");
    assertThat(update.lastTime()).isEqualTo(Alerts.T0.plusSeconds(20));
  }

  @Test
  void membershipFollowsEventTimeNotArrivalTime() {
    AlertGrouper grouper = new AlertGrouper(FIVE_MINUTES, 1000);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    // Arrival an hour apart in processing time changes nothing: event times decide.
    assertThat(grouper.accept(Alerts.spike(Alerts.id(1), "alice", 0), 0, closed))
        .isInstanceOf(AlertGrouper.Page.class);
    assertThat(
            grouper.accept(
                Alerts.spike(Alerts.id(2), "alice", 299), Duration.ofHours(1).toNanos(), closed))
        .isInstanceOf(AlertGrouper.Folded.class);
    // Exactly one window after the first alert starts a new group, closing the old one.
    AlertGrouper.Decision next =
        grouper.accept(Alerts.spike(Alerts.id(3), "alice", 300), 0, closed);
    assertThat(next).isInstanceOf(AlertGrouper.Page.class);
    assertThat(((AlertGrouper.Page) next).trigger().alert().alertId()).isEqualTo(Alerts.id(3));
    assertThat(closed).singleElement().satisfies(g -> assertThat(g.alertCount).isEqualTo(2));
  }

  @Test
  void groupKeyIsRuleAndGroupFieldsInAnyOrder() {
    var a = Alerts.alert(Alerts.id(1), "r", "high", "d", Map.of("a", "1", "b", "2"), Alerts.T0);
    var b =
        Alerts.alert(
            Alerts.id(2),
            "r",
            "high",
            "d",
            new java.util.LinkedHashMap<>(Map.of("b", "2", "a", "1")),
            Alerts.T0);
    var otherRule =
        Alerts.alert(Alerts.id(3), "s", "high", "d", Map.of("a", "1", "b", "2"), Alerts.T0);
    assertThat(AlertGrouper.key(a)).isEqualTo(AlertGrouper.key(b));
    assertThat(AlertGrouper.key(a)).isNotEqualTo(AlertGrouper.key(otherRule));
  }

  @Test
  void updatesAreDueAfterTheWindowInProcessingTimeOrOnFlush() {
    AlertGrouper grouper = new AlertGrouper(FIVE_MINUTES, 1000);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    grouper.accept(Alerts.spike(Alerts.id(1), "alice", 0), 0, closed);
    assertThat(grouper.pendingUpdates(Duration.ofMinutes(10).toNanos(), false))
        .as("nothing folded yet")
        .isEmpty();
    grouper.accept(Alerts.spike(Alerts.id(2), "alice", 1), 0, closed);
    assertThat(grouper.pendingUpdates(Duration.ofMinutes(1).toNanos(), false)).isEmpty();
    assertThat(grouper.pendingUpdates(Duration.ofMinutes(1).toNanos(), true)).hasSize(1);
    List<AlertGrouper.Group> due = grouper.pendingUpdates(Duration.ofMinutes(5).toNanos(), false);
    assertThat(due).hasSize(1);
    AlertGrouper.markSent(due.get(0), Duration.ofMinutes(5).toNanos());
    assertThat(grouper.pendingUpdates(Duration.ofMinutes(20).toNanos(), true)).isEmpty();
  }

  @Test
  void forgetsGroupsOnceEventTimeMovesPastThemAndBoundsOpenGroups() {
    AlertGrouper grouper =
        new AlertGrouper(new NotifyConfig.Grouping(true, Duration.ofMinutes(5), 3), 1000);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      grouper.accept(Alerts.spike(Alerts.id(i), "actor-" + i, i), 0, closed);
    }
    assertThat(grouper.openGroups()).isEqualTo(3);
    assertThat(closed)
        .extracting(g -> g.first.alertId())
        .containsExactly(Alerts.id(0), Alerts.id(1));
    grouper.accept(Alerts.spike(Alerts.id(99), "late-comer", 3600), 0, closed);
    assertThat(grouper.openGroups()).isEqualTo(1);
  }

  @Test
  void remembersRecentIdsOnlyUpToItsMemory() {
    AlertGrouper grouper =
        new AlertGrouper(new NotifyConfig.Grouping(false, Duration.ofMinutes(5), 100), 2);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    assertThat(grouper.accept(Alerts.spike(Alerts.id(1), "a", 0), 0, closed))
        .isInstanceOf(AlertGrouper.Page.class);
    assertThat(grouper.accept(Alerts.spike(Alerts.id(1), "a", 0), 0, closed))
        .isInstanceOf(AlertGrouper.Duplicate.class);
    grouper.accept(Alerts.spike(Alerts.id(2), "a", 0), 0, closed);
    grouper.accept(Alerts.spike(Alerts.id(3), "a", 0), 0, closed);
    assertThat(grouper.accept(Alerts.spike(Alerts.id(1), "a", 0), 0, closed))
        .as("forgotten after two newer ids")
        .isInstanceOf(AlertGrouper.Page.class);
  }

  /**
   * A storm spanning a checkpoint and a restore is one group: the alert after the restore folds
   * into the group the first alert opened, whose update carries the whole count, and no second page
   * opens under a new identity.
   */
  @Test
  void aStormAcrossARestoreStaysOneGroup() {
    AlertGrouper before = new AlertGrouper(FIVE_MINUTES, 1000);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    before.accept(Alerts.spike(Alerts.id(1), "alice", 0), 0, closed);
    before.accept(Alerts.spike(Alerts.id(2), "alice", 10), 0, closed);
    AlertGrouper.Saved saved = before.save();

    AlertGrouper after = new AlertGrouper(FIVE_MINUTES, 1000);
    long restoredAt = Duration.ofHours(3).toNanos();
    after.restore(saved, restoredAt, closed);
    assertThat(after.save()).as("restored as saved").isEqualTo(saved);

    AlertGrouper.Decision next =
        after.accept(Alerts.spike(Alerts.id(3), "alice", 20), restoredAt, closed);

    assertThat(next).isInstanceOf(AlertGrouper.Folded.class);
    AlertGrouper.Group group = ((AlertGrouper.Folded) next).group();
    assertThat(group.first.alertId()).isEqualTo(Alerts.id(1));
    Notification update = group.update();
    assertThat(update.alertCount()).isEqualTo(3);
    assertThat(update.eventCount()).isEqualTo(36);
    assertThat(update.lastTime()).isEqualTo(Alerts.T0.plusSeconds(20));
    assertThat(closed).isEmpty();
    // Event time still closes it: a window after the first alert opens the next storm's group.
    AlertGrouper.Decision later =
        after.accept(Alerts.spike(Alerts.id(4), "alice", 300), restoredAt, closed);
    assertThat(later).isInstanceOf(AlertGrouper.Page.class);
    assertThat(closed).singleElement().isSameAs(group);
  }

  /**
   * The wall clock does not carry over: a restored group counts as messaged at the restore, so a
   * count grown after it is due a window later (not at once for every group), and is never lost.
   */
  @Test
  void aRestoredGroupsUpdateIsDueAWindowAfterTheRestore() {
    AlertGrouper before = new AlertGrouper(FIVE_MINUTES, 1000);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    before.accept(Alerts.spike(Alerts.id(1), "alice", 0), 0, closed);
    AlertGrouper after = new AlertGrouper(FIVE_MINUTES, 1000);
    long restoredAt = Duration.ofHours(3).toNanos();
    after.restore(before.save(), restoredAt, closed);
    after.accept(Alerts.spike(Alerts.id(2), "alice", 10), restoredAt, closed);

    long soon = restoredAt + Duration.ofMinutes(1).toNanos();
    assertThat(after.pendingUpdates(soon, false)).isEmpty();
    assertThat(after.pendingUpdates(soon, true)).as("a flush sends it").hasSize(1);
    assertThat(after.pendingUpdates(restoredAt + Duration.ofMinutes(5).toNanos(), false))
        .singleElement()
        .satisfies(g -> assertThat(g.alertCount).isEqualTo(2));
  }

  /** A configuration changed across the restore applies at once; what grew is closed, not lost. */
  @Test
  void aRestoreAppliesTheCurrentGroupingConfiguration() {
    AlertGrouper before = new AlertGrouper(FIVE_MINUTES, 1000);
    List<AlertGrouper.Group> ignored = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      before.accept(Alerts.spike(Alerts.id(i), "actor-" + i, i), 0, ignored);
    }
    before.accept(Alerts.spike(Alerts.id(10), "actor-0", 5), 0, ignored);
    AlertGrouper.Saved saved = before.save();

    AlertGrouper fewer =
        new AlertGrouper(new NotifyConfig.Grouping(true, Duration.ofMinutes(5), 2), 1000);
    List<AlertGrouper.Group> closed = new ArrayList<>();
    fewer.restore(saved, 0, closed);
    assertThat(fewer.openGroups()).isEqualTo(2);
    assertThat(closed)
        .singleElement()
        .satisfies(g -> assertThat(g.first.alertId()).isEqualTo(Alerts.id(0)))
        .satisfies(g -> assertThat(g.alertCount).isEqualTo(2));

    AlertGrouper disabled =
        new AlertGrouper(new NotifyConfig.Grouping(false, Duration.ofMinutes(5), 100), 1000);
    closed.clear();
    disabled.restore(saved, 0, closed);
    assertThat(disabled.openGroups()).isZero();
    assertThat(closed).hasSize(3);
  }
}
