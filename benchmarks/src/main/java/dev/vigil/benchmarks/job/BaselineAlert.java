package dev.vigil.benchmarks.job;

/**
 * An alert of the baseline job: the detection and the rule of the pack it stands for, the group it
 * is about ({@code actor.id} for the windowed detections, empty for single events), the event time
 * of the firing, and the request it is about (single events). A Flink POJO.
 */
public class BaselineAlert {

  public String detection;
  public String rule;
  public String actorId;
  public long time;
  public String requestKey;

  public BaselineAlert() {}

  BaselineAlert(String detection, String rule, String actorId, long time, String requestKey) {
    this.detection = detection;
    this.rule = rule;
    this.actorId = actorId;
    this.time = time;
    this.requestKey = requestKey;
  }

  /** The identity both jobs' alerts are compared by (see {@link AlertKeys}). */
  public String key() {
    return actorId == null
        ? AlertKeys.single(detection, requestKey)
        : AlertKeys.windowed(rule, actorId, time);
  }
}
