package dev.vigil.benchmarks.job;

/** An alert as the benchmark compares it: its {@link AlertKeys key}, detection and event time. */
public record FoundAlert(String key, String detection, long time) {

  static FoundAlert ofBaseline(BaselineAlert alert) {
    return new FoundAlert(alert.key(), alert.detection, alert.time);
  }
}
