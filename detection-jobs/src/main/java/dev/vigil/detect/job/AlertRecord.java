package dev.vigil.detect.job;

import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;

/**
 * An alert between operators and to the sinks: its JSON document (the contract of DESIGN.md, "The
 * alert") and the few fields the job keys, counts and measures by. A Flink POJO, so it travels and
 * sits in state with Flink's own serializer instead of Kryo over the alert's immutable collections.
 */
public class AlertRecord {

  public String alertId;
  public String ruleId;
  public String detection;
  public String severity;

  /** Event time of the firing, epoch millis. */
  public long time;

  /**
   * The detect operator's clock (the last watermark it had) when it raised the alert, epoch millis;
   * {@link AlertDeduplicator} decides on it, as it is the same however the alerts of several detect
   * subtasks interleave.
   */
  public long raisedAtClock = Long.MIN_VALUE;

  /** The alert as one JSON document ({@link AlertJson}). */
  public String json;

  public AlertRecord() {}

  public static AlertRecord of(Alert alert, long raisedAtClock) {
    AlertRecord record = new AlertRecord();
    record.raisedAtClock = raisedAtClock;
    record.alertId = alert.alertId();
    record.ruleId = alert.ruleId();
    record.detection = alert.detection();
    record.severity = alert.severity();
    record.time = alert.time().toEpochMilli();
    record.json = AlertJson.toJson(alert);
    return record;
  }

  public String getAlertId() {
    return alertId;
  }

  @Override
  public String toString() {
    return "Alert[" + detection + " " + severity + " " + alertId + "]";
  }
}
