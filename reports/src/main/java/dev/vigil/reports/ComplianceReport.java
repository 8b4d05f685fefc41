package dev.vigil.reports;

import dev.vigil.event.Category;
import dev.vigil.event.Source;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The content of one report, the same for every output (PDF, CSV, JSON): the period's alerts as
 * evidence for each compliance control, alerts by severity and by detection, each alert, privileged
 * activity by actor (from the events), logging coverage (events by source and category, and by day
 * to show gaps) and completeness (dead letters by reason).
 *
 * <p>A dead letter has no event time (its record could not be read), so it is counted by when Vigil
 * received it, and the report says so; it also keeps how many of the input's dead letters were
 * received outside the period and the first receipt time, so a report on a period that ended before
 * the input was received says that its completeness cannot be judged from receipt times, instead of
 * showing an input that looks complete.
 *
 * <p>Everything is sorted by content (alerts by time then id, controls in their natural order,
 * counts by name), so the same input gives the same report whatever order it was read in. No wall
 * clock enters it: the report is a function of its input and period, and of whether it was made
 * before the period ended ({@link #madeBeforeItsPeriodEnded}).
 */
public record ComplianceReport(
    ReportPeriod period,
    InputDescription input,
    String vigilVersion,
    Totals totals,
    List<ControlEvidence> controls,
    Map<String, Long> alertsBySeverity,
    List<DetectionCount> alertsByDetection,
    List<AlertEntry> alerts,
    long alertsWithoutControl,
    PrivilegedActivity privilegedActivity,
    Coverage coverage,
    List<DeadLetterCount> deadLetters,
    long deadLettersOutsidePeriod,
    Instant firstDeadLetterReceivedAt,
    boolean madeBeforePeriodEnded) {

  /** Severities from the most to the least urgent (DESIGN.md, "The alert"). */
  public static final List<String> SEVERITIES =
      List.of("critical", "high", "medium", "low", "informational");

  /**
   * The headline numbers of the period.
   *
   * @param deadLetters the dead letters received in the period
   */
  public record Totals(long alerts, long events, long deniedEvents, long deadLetters) {}

  /**
   * This report, marked as made before its period ended: it holds what had been logged and read by
   * then, and must say so, or a report of a month made on its last afternoon (a scheduler in a time
   * zone ahead of UTC) would pass for the whole month, signed. The mark is the one thing in a
   * report that depends on when it was made; it carries no time.
   */
  public ComplianceReport madeBeforeItsPeriodEnded() {
    return new ComplianceReport(
        period,
        input,
        vigilVersion,
        totals,
        controls,
        alertsBySeverity,
        alertsByDetection,
        alerts,
        alertsWithoutControl,
        privilegedActivity,
        coverage,
        deadLetters,
        deadLettersOutsidePeriod,
        firstDeadLetterReceivedAt,
        true);
  }

  /**
   * A rule that fired in the period, by the id and version its alerts carry, and how many alerts.
   */
  public record RuleFired(String ruleId, int ruleVersion, long alerts) {}

  /**
   * The rules the period's alerts came from, by id then version: what the report knows of the rules
   * that produced it. Which rule pack they were loaded with it cannot know: an alert names its rule
   * and rule version, not the pack or the pack's fingerprint.
   */
  public List<RuleFired> rulesFired() {
    Map<List<Object>, Long> counts = new HashMap<>();
    for (AlertEntry alert : alerts) {
      counts.merge(List.of(alert.ruleId(), alert.ruleVersion()), 1L, Long::sum);
    }
    return counts.entrySet().stream()
        .map(
            e ->
                new RuleFired(
                    (String) e.getKey().get(0), (Integer) e.getKey().get(1), e.getValue()))
        .sorted(Comparator.comparing(RuleFired::ruleId).thenComparingInt(RuleFired::ruleVersion))
        .toList();
  }

  /** Whether nothing at all was found: no alert, no event and no dead letter received in it. */
  public boolean noData() {
    return totals.alerts() == 0 && totals.events() == 0 && totals.deadLetters() == 0;
  }

  /**
   * Whether the period ended before the input's first dead letter was received: the period's
   * records that could not be read, if any, were received later and are not counted in it, so its
   * completeness cannot be judged from receipt times.
   */
  public boolean endedBeforeFirstReceipt() {
    return firstDeadLetterReceivedAt != null && !period.to().isAfter(firstDeadLetterReceivedAt);
  }

  /**
   * The alerts that are evidence for one control.
   *
   * @param title the catalog's title; empty for a control only an alert's tags name
   * @param alertIds the ids of those alerts, in report order (time, then id)
   */
  public record ControlEvidence(
      String tag,
      String framework,
      String frameworkName,
      String controlId,
      String title,
      Map<String, Long> bySeverity,
      List<String> alertIds) {

    public long alerts() {
      return alertIds.size();
    }
  }

  /**
   * Who used privileged access in the period: every actor with root use, then the actors with the
   * most privileged events, up to {@link #ACTORS_SHOWN} in all; in that order (root use first, then
   * by privileged events, descending), then actor, type, source, account and id; and how many more
   * there were.
   *
   * @param moreActors the rows beyond the cap
   * @param moreActorsEvents their privileged events
   * @param events the privileged events privileged-events.csv lists, by time: at most {@link
   *     PrivilegedEvent#AT_MOST}, root use first when there are more
   * @param eventsInAll every privileged event of the period, listed or not (the actors' events)
   */
  public record PrivilegedActivity(
      List<PrivilegedActorCount> actors,
      long moreActors,
      long moreActorsEvents,
      List<PrivilegedEvent> events,
      long eventsInAll) {

    /** How many privileged events privileged-events.csv leaves out. */
    public long eventsNotListed() {
      return eventsInAll - events.size();
    }

    /**
     * The cap on the actors listed, in every format, which actors with root use never count
     * against: an auditor samples root use from the whole population, and one root session among
     * many administrators' policy changes must not fall under "and K more".
     */
    public static final int ACTORS_SHOWN = 50;
  }

  public record DetectionCount(String detection, long alerts, Map<String, Long> bySeverity) {}

  /** Events of one source and category, and how many of them were refused. */
  public record SourceCategoryCount(String source, String category, long events, long denied) {}

  /** The events of each source on one UTC day. */
  public record DayCount(LocalDate day, Map<String, Long> bySource) {}

  /**
   * What was logged: every source and every category (zero included, so a category nobody logged
   * shows as zero, not as absent), the source-category pairs that occurred, and each day of the
   * period per source.
   */
  public record Coverage(
      Map<String, Long> bySource,
      Map<String, Long> byCategory,
      List<SourceCategoryCount> bySourceAndCategory,
      List<DayCount> daily) {}

  /** Builds the report from what was read. */
  public static ComplianceReport build(
      ReportPeriod period,
      InputDescription input,
      String vigilVersion,
      ReportInput data,
      ControlCatalog catalog) {
    List<AlertEntry> alerts = new ArrayList<>(data.alerts());
    alerts.sort(Comparator.comparing(AlertEntry::time).thenComparing(AlertEntry::alertId));

    Coverage coverage = coverage(period, data.events());
    long events = coverage.bySource().values().stream().mapToLong(Long::longValue).sum();
    long denied =
        coverage.bySourceAndCategory().stream().mapToLong(SourceCategoryCount::denied).sum();
    List<DeadLetterCount> deadLetters = deadLetters(data.deadLetters());
    long deadLetterTotal = deadLetters.stream().mapToLong(DeadLetterCount::count).sum();

    return new ComplianceReport(
        period,
        input,
        vigilVersion,
        new Totals(alerts.size(), events, denied, deadLetterTotal),
        controls(alerts, catalog),
        bySeverity(alerts),
        byDetection(alerts),
        List.copyOf(alerts),
        alerts.stream().filter(alert -> alert.controls().isEmpty()).count(),
        privilegedActivity(data.privilegedActors(), data.privilegedEvents()),
        coverage,
        deadLetters,
        data.deadLettersOutsidePeriod(),
        data.firstDeadLetterReceivedAt(),
        false);
  }

  private static List<ControlEvidence> controls(List<AlertEntry> alerts, ControlCatalog catalog) {
    Map<String, List<AlertEntry>> byTag = new HashMap<>();
    catalog.controls().keySet().forEach(tag -> byTag.put(tag, new ArrayList<>()));
    for (AlertEntry alert : alerts) {
      for (String tag : alert.controls()) {
        byTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(alert);
      }
    }
    List<ControlEvidence> controls = new ArrayList<>();
    for (Map.Entry<String, List<AlertEntry>> entry : byTag.entrySet()) {
      ControlCatalog.Control control = ControlCatalog.Control.parse(entry.getKey());
      String framework = control == null ? "" : control.framework();
      controls.add(
          new ControlEvidence(
              entry.getKey(),
              framework,
              control == null ? "" : catalog.frameworkName(framework),
              control == null ? entry.getKey() : control.id(),
              catalog.title(entry.getKey()),
              bySeverity(entry.getValue()),
              entry.getValue().stream().map(AlertEntry::alertId).toList()));
    }
    controls.sort(
        Comparator.comparing(ControlEvidence::framework)
            .thenComparing(ControlEvidence::controlId, NaturalOrder.INSTANCE));
    return controls;
  }

  /** Every known severity (zero included), then any other severity alerts carry, by name. */
  private static Map<String, Long> bySeverity(List<AlertEntry> alerts) {
    Map<String, Long> counts = new LinkedHashMap<>();
    SEVERITIES.forEach(severity -> counts.put(severity, 0L));
    Map<String, Long> others = new TreeMap<>();
    for (AlertEntry alert : alerts) {
      if (counts.containsKey(alert.severity())) {
        counts.merge(alert.severity(), 1L, Long::sum);
      } else {
        others.merge(alert.severity(), 1L, Long::sum);
      }
    }
    counts.putAll(others);
    return counts;
  }

  private static List<DetectionCount> byDetection(List<AlertEntry> alerts) {
    Map<String, List<AlertEntry>> byDetection = new TreeMap<>();
    alerts.forEach(
        alert -> byDetection.computeIfAbsent(alert.detection(), d -> new ArrayList<>()).add(alert));
    List<DetectionCount> counts = new ArrayList<>();
    byDetection.forEach(
        (detection, list) ->
            counts.add(new DetectionCount(detection, list.size(), bySeverity(list))));
    counts.sort(
        Comparator.comparingLong((DetectionCount count) -> -count.alerts())
            .thenComparing(DetectionCount::detection));
    return counts;
  }

  /**
   * Merges rows of the same actor, source and account (a reader may hand them in any grain), orders
   * them (root use first) and keeps every row with root use and the first {@link
   * PrivilegedActivity#ACTORS_SHOWN} in all.
   */
  private static PrivilegedActivity privilegedActivity(
      List<PrivilegedActorCount> counts, List<PrivilegedEvent> events) {
    Map<PrivilegedActorCount.Key, PrivilegedActorCount> merged = new HashMap<>();
    for (PrivilegedActorCount count : counts) {
      merged.merge(count.key(), count, PrivilegedActorCount::plus);
    }
    Comparator<String> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
    List<PrivilegedActorCount> rows = new ArrayList<>(merged.values());
    rows.sort(
        Comparator.comparing((PrivilegedActorCount row) -> row.rootUse() == 0)
            .thenComparingLong(row -> -row.events())
            .thenComparing(PrivilegedActorCount::actor)
            .thenComparing(PrivilegedActorCount::actorType, nullsFirst)
            .thenComparing(PrivilegedActorCount::source)
            .thenComparing(PrivilegedActorCount::account, nullsFirst)
            .thenComparing(PrivilegedActorCount::actorId, nullsFirst)
            .thenComparing(row -> String.join("\n", row.actorNames())));
    long withRootUse = rows.stream().filter(row -> row.rootUse() > 0).count();
    int shown = (int) Math.max(withRootUse, Math.min(rows.size(), PrivilegedActivity.ACTORS_SHOWN));
    List<PrivilegedActorCount> more = rows.subList(shown, rows.size());
    return new PrivilegedActivity(
        List.copyOf(rows.subList(0, shown)),
        more.size(),
        more.stream().mapToLong(PrivilegedActorCount::events).sum(),
        PrivilegedEvent.select(events),
        rows.stream().mapToLong(PrivilegedActorCount::events).sum());
  }

  private static Coverage coverage(ReportPeriod period, List<EventCount> counts) {
    Map<String, Long> bySource = new LinkedHashMap<>();
    for (Source source : Source.values()) {
      bySource.put(source.name(), 0L);
    }
    Map<String, Long> byCategory = new LinkedHashMap<>();
    for (Category category : Category.values()) {
      byCategory.put(category.name(), 0L);
    }
    Map<List<String>, long[]> pairs = new TreeMap<>(Comparator.comparing(List::toString));
    Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
    for (EventCount count : counts) {
      bySource.merge(count.source(), count.count(), Long::sum);
      byCategory.merge(count.category(), count.count(), Long::sum);
      long[] pair =
          pairs.computeIfAbsent(List.of(count.source(), count.category()), k -> new long[2]);
      pair[0] += count.count();
      if (count.denied()) {
        pair[1] += count.count();
      }
      days.computeIfAbsent(count.day(), d -> new TreeMap<>())
          .merge(count.source(), count.count(), Long::sum);
    }
    // Only sources that logged in the period get a column per day: a day without events of a
    // source that otherwise logs is a gap worth a look, a source that is not used at all is not.
    TreeSet<String> logging = new TreeSet<>();
    bySource.forEach(
        (source, total) -> {
          if (total > 0) {
            logging.add(source);
          }
        });
    List<DayCount> daily = new ArrayList<>();
    for (LocalDate day = period.firstDay(); day.isBefore(period.endDay()); day = day.plusDays(1)) {
      Map<String, Long> ofDay = days.getOrDefault(day, Map.of());
      Map<String, Long> row = new LinkedHashMap<>();
      logging.forEach(source -> row.put(source, ofDay.getOrDefault(source, 0L)));
      daily.add(new DayCount(day, row));
    }
    List<SourceCategoryCount> rows = new ArrayList<>();
    pairs.forEach(
        (key, values) ->
            rows.add(new SourceCategoryCount(key.get(0), key.get(1), values[0], values[1])));
    rows.sort(
        Comparator.comparing(SourceCategoryCount::source)
            .thenComparing(SourceCategoryCount::category));
    return new Coverage(bySource, byCategory, rows, daily);
  }

  private static List<DeadLetterCount> deadLetters(List<DeadLetterCount> counts) {
    Map<List<String>, Long> merged = new HashMap<>();
    for (DeadLetterCount count : counts) {
      merged.merge(Arrays.asList(count.reason(), count.sourceGuess()), count.count(), Long::sum);
    }
    List<DeadLetterCount> rows = new ArrayList<>();
    merged.forEach((key, count) -> rows.add(new DeadLetterCount(key.get(0), key.get(1), count)));
    rows.sort(
        Comparator.comparing(DeadLetterCount::reason)
            .thenComparing(
                DeadLetterCount::sourceGuess, Comparator.nullsLast(Comparator.naturalOrder())));
    return rows;
  }

  /**
   * Control ids in the order a person reads them: dotted parts compared as numbers where both are
   * numbers ({@code a.8.2} before {@code a.8.15}, {@code cc6.1} before {@code cc7.2}).
   */
  enum NaturalOrder implements Comparator<String> {
    INSTANCE;

    @Override
    public int compare(String a, String b) {
      String[] left = a.split("\\.");
      String[] right = b.split("\\.");
      for (int i = 0; i < Math.min(left.length, right.length); i++) {
        int order = comparePart(left[i], right[i]);
        if (order != 0) {
          return order;
        }
      }
      return Integer.compare(left.length, right.length);
    }

    private static int comparePart(String a, String b) {
      boolean numbers = !a.isEmpty() && !b.isEmpty() && isDigits(a) && isDigits(b);
      if (numbers && a.length() < 10 && b.length() < 10) {
        return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
      }
      return a.compareTo(b);
    }

    private static boolean isDigits(String text) {
      return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }
  }
}
