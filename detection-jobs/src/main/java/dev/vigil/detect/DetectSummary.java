package dev.vigil.detect;

import dev.vigil.detect.job.Tally;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.util.OptionalFailure;
import org.apache.flink.util.SerializedValue;

/**
 * What a bounded run did (or has done so far, in a progress report).
 *
 * @param records raw records read
 * @param eventsBySource normalized events per source
 * @param deadLettered records dead-lettered, per reason
 * @param deadLetteredBySource records dead-lettered, per source guess ({@value #UNKNOWN_SOURCE}
 *     when the record's source could not be told)
 * @param lateRecords events that arrived behind the watermark (judged at the engine's clock)
 * @param earliestEvent the earliest event time among the events, or null when there were none
 * @param latestEvent the latest event time among the events, or null when there were none
 * @param alerts alerts per detection, then per severity
 * @param elapsed wall-clock time of the run so far
 * @param ruleTitles the title of each detection in {@code alerts} that is a bare rule id (the
 *     detection of a rule with neither {@code name} nor {@code detection_class}, as most upstream
 *     Sigma rules are), for a person to read instead of the id
 * @param damagedInputs {@code <origin>: <what went wrong>} of each input whose reading failed
 *     part-way (its tail is a dead letter), in read order
 */
public record DetectSummary(
    long records,
    Map<String, Long> eventsBySource,
    Map<String, Long> deadLettered,
    Map<String, Long> deadLetteredBySource,
    long lateRecords,
    Instant earliestEvent,
    Instant latestEvent,
    Map<String, Map<String, Long>> alerts,
    Duration elapsed,
    Map<String, String> ruleTitles,
    List<String> damagedInputs) {

  /** The source of a dead letter whose source could not be told. */
  public static final String UNKNOWN_SOURCE = "unknown";

  public long events() {
    return eventsBySource.values().stream().mapToLong(Long::longValue).sum();
  }

  public long deadLetters() {
    return deadLettered.values().stream().mapToLong(Long::longValue).sum();
  }

  public long totalAlerts() {
    return alerts.values().stream()
        .flatMap(bySeverity -> bySeverity.values().stream())
        .mapToLong(Long::longValue)
        .sum();
  }

  /**
   * Reads the job's accumulators as a job result or execution graph carries them (see {@link
   * Tally}); an accumulator that failed is left out.
   */
  public static DetectSummary fromSerialized(
      Map<String, SerializedValue<OptionalFailure<Object>>> serialized, Duration elapsed)
      throws IOException, ClassNotFoundException {
    Map<String, Object> values = new HashMap<>();
    for (Map.Entry<String, SerializedValue<OptionalFailure<Object>>> entry :
        serialized.entrySet()) {
      OptionalFailure<Object> value =
          entry.getValue().deserializeValue(DetectSummary.class.getClassLoader());
      if (!value.isFailure()) {
        values.put(entry.getKey(), value.getUnchecked());
      }
    }
    return fromAccumulators(values, elapsed);
  }

  /** Reads the job's accumulators (see {@link Tally}). */
  static DetectSummary fromAccumulators(Map<String, Object> accumulators, Duration elapsed) {
    Map<String, Long> events = new HashMap<>();
    Map<String, Long> dead = new HashMap<>();
    Map<String, Long> deadBySource = new HashMap<>();
    Map<String, Map<String, Long>> alerts = new TreeMap<>();
    accumulators.forEach(
        (name, value) -> {
          if (!(value instanceof Long count)) {
            return;
          }
          if (name.startsWith(Tally.EVENTS)) {
            events.put(name.substring(Tally.EVENTS.length()), count);
          } else if (name.startsWith(Tally.DEAD_LETTERS_BY_SOURCE)) {
            deadBySource.put(name.substring(Tally.DEAD_LETTERS_BY_SOURCE.length()), count);
          } else if (name.startsWith(Tally.DEAD_LETTERS)) {
            dead.put(name.substring(Tally.DEAD_LETTERS.length()), count);
          } else if (name.startsWith(Tally.ALERTS)) {
            String label = name.substring(Tally.ALERTS.length());
            int slash = label.lastIndexOf('/');
            alerts
                .computeIfAbsent(label.substring(0, slash), d -> new TreeMap<>())
                .put(label.substring(slash + 1), count);
          }
        });
    return new DetectSummary(
        count(accumulators, Tally.RECORDS),
        inSchemaOrder(events, Source.class),
        inSchemaOrder(dead, DeadLetterReason.class),
        inSchemaOrder(deadBySource, Source.class),
        count(accumulators, Tally.LATE),
        eventTime(accumulators, Tally.EARLIEST_EVENT, Long.MAX_VALUE),
        eventTime(accumulators, Tally.LATEST_EVENT, Long.MIN_VALUE),
        Collections.unmodifiableMap(alerts),
        elapsed,
        Map.of(),
        accumulators.get(Tally.DAMAGED_INPUTS) instanceof List<?> damaged
            ? damaged.stream().map(String::valueOf).toList()
            : List.of());
  }

  /** This summary, with the titles of the rules whose detection is their id. */
  public DetectSummary withRuleTitles(Map<String, String> titles) {
    return new DetectSummary(
        records,
        eventsBySource,
        deadLettered,
        deadLetteredBySource,
        lateRecords,
        earliestEvent,
        latestEvent,
        alerts,
        elapsed,
        Map.copyOf(titles),
        damagedInputs);
  }

  /** How a person reads a detection: its title and id when the detection is a bare rule id. */
  public String describe(String detection) {
    String title = ruleTitles.get(detection);
    return title == null ? detection : title + " (" + detection + ")";
  }

  /**
   * Counts in the order of the schema's symbols ({@code Source}: VAULT, AWS_CLOUDTRAIL,
   * AZURE_MONITOR, GCP_AUDIT; {@code DeadLetterReason} as listed), names that are no symbol (such
   * as {@value #UNKNOWN_SOURCE}) last: the order every summary prints, so runs and commands compare
   * line by line.
   */
  public static Map<String, Long> inSchemaOrder(
      Map<String, Long> counts, Class<? extends Enum<?>> symbols) {
    Map<String, Long> ordered = new LinkedHashMap<>();
    for (Enum<?> symbol : symbols.getEnumConstants()) {
      Long count = counts.get(symbol.name());
      if (count != null) {
        ordered.put(symbol.name(), count);
      }
    }
    new TreeMap<>(counts).forEach(ordered::putIfAbsent);
    return Collections.unmodifiableMap(ordered);
  }

  /** An event-time accumulator, or null while it holds its initial value (no event yet). */
  private static Instant eventTime(Map<String, Object> accumulators, String name, long none) {
    return accumulators.get(name) instanceof Long millis && millis != none
        ? Instant.ofEpochMilli(millis)
        : null;
  }

  private static long count(Map<String, Object> accumulators, String name) {
    return accumulators.get(name) instanceof Long count ? count : 0;
  }
}
