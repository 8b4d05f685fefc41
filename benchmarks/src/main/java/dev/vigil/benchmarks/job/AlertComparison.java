package dev.vigil.benchmarks.job;

import dev.vigil.benchmarks.job.MixedAuditGenerator.Incident;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The correctness cross-check of the benchmark: the alerts of Vigil's job against the baseline's,
 * by {@link AlertKeys key}, per detection, and which planted incidents each found.
 *
 * @param vigilByDetection alerts per detection, Vigil
 * @param baselineByDetection alerts per detection, baseline
 * @param onlyVigil keys Vigil raised and the baseline did not, by detection
 * @param onlyBaseline keys the baseline raised and Vigil did not, by detection
 * @param missedByVigil planted incidents without a Vigil alert of their detection
 * @param missedByBaseline planted incidents without a baseline alert of their detection
 */
public record AlertComparison(
    Map<String, Long> vigilByDetection,
    Map<String, Long> baselineByDetection,
    Map<String, Set<String>> onlyVigil,
    Map<String, Set<String>> onlyBaseline,
    List<Incident> missedByVigil,
    List<Incident> missedByBaseline) {

  /**
   * How far outside its records' span an incident's alert may be: a Vault response is 3 ms after
   * its request, and CloudTrail times have whole seconds (an event planted at .400 is at .000).
   */
  private static final long INCIDENT_SLACK_MS = 1000;

  public static AlertComparison of(
      Collection<FoundAlert> vigil, Collection<FoundAlert> baseline, List<Incident> incidents) {
    Set<String> vigilKeys = keys(vigil);
    Set<String> baselineKeys = keys(baseline);
    return new AlertComparison(
        countByDetection(vigil),
        countByDetection(baseline),
        difference(vigil, baselineKeys),
        difference(baseline, vigilKeys),
        missed(incidents, vigil),
        missed(incidents, baseline));
  }

  /** The same alerts for the same records, and every planted incident found by both. */
  public boolean agree() {
    return onlyVigil.isEmpty()
        && onlyBaseline.isEmpty()
        && missedByVigil.isEmpty()
        && missedByBaseline.isEmpty();
  }

  /** A few lines for a person: counts per detection, then every difference (a few examples). */
  public String report() {
    StringBuilder out = new StringBuilder();
    Set<String> detections = new TreeSet<>(vigilByDetection.keySet());
    detections.addAll(baselineByDetection.keySet());
    for (String detection : detections) {
      out.append(
          String.format(
              "  %-22s vigil %6d  baseline %6d%n",
              detection,
              vigilByDetection.getOrDefault(detection, 0L),
              baselineByDetection.getOrDefault(detection, 0L)));
    }
    describe(out, "only in Vigil", onlyVigil);
    describe(out, "only in the baseline", onlyBaseline);
    missedByVigil.forEach(i -> out.append("  planted, missed by Vigil: ").append(i).append('\n'));
    missedByBaseline.forEach(
        i -> out.append("  planted, missed by the baseline: ").append(i).append('\n'));
    return out.toString();
  }

  private static void describe(StringBuilder out, String what, Map<String, Set<String>> keys) {
    keys.forEach(
        (detection, found) -> {
          out.append(String.format("  %s: %d %s alerts, e.g.%n", what, found.size(), detection));
          found.stream().limit(3).forEach(k -> out.append("    ").append(k).append('\n'));
        });
  }

  private static Set<String> keys(Collection<FoundAlert> alerts) {
    return alerts.stream().map(FoundAlert::key).collect(Collectors.toSet());
  }

  private static Map<String, Long> countByDetection(Collection<FoundAlert> alerts) {
    return alerts.stream()
        .collect(Collectors.groupingBy(FoundAlert::detection, TreeMap::new, Collectors.counting()));
  }

  private static Map<String, Set<String>> difference(
      Collection<FoundAlert> alerts, Set<String> others) {
    Map<String, Set<String>> only = new TreeMap<>();
    for (FoundAlert alert : alerts) {
      if (!others.contains(alert.key())) {
        only.computeIfAbsent(alert.detection(), d -> new TreeSet<>()).add(alert.key());
      }
    }
    return only;
  }

  private static List<Incident> missed(List<Incident> incidents, Collection<FoundAlert> alerts) {
    Map<String, TreeSet<Long>> times = new TreeMap<>();
    for (FoundAlert alert : alerts) {
      times.computeIfAbsent(alert.detection(), d -> new TreeSet<>()).add(alert.time());
    }
    List<Incident> missed = new ArrayList<>();
    for (Incident incident : incidents) {
      TreeSet<Long> found = times.getOrDefault(incident.detection(), new TreeSet<>());
      Long first = found.ceiling(incident.from().toEpochMilli() - INCIDENT_SLACK_MS);
      if (first == null || first > incident.to().toEpochMilli() + INCIDENT_SLACK_MS) {
        missed.add(incident);
      }
    }
    return missed;
  }
}
