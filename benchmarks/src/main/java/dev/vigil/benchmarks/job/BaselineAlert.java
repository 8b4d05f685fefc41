package dev.vigil.benchmarks.job;

/**
 * An alert of the baseline job: the detection, the group it is about ({@code actor.id} for the
 * windowed detections, empty for single events), the event time of the firing, the request it is
 * about (single events) and the count behind it. A Flink POJO.
 */
public class BaselineAlert {

  public String detection;
  public String actorId;
  public long time;
  public String requestKey;
  public long count;

  public BaselineAlert() {}

  BaselineAlert(String detection, String actorId, long time, String requestKey, long count) {
    this.detection = detection;
    this.actorId = actorId;
    this.time = time;
    this.requestKey = requestKey;
    this.count = count;
  }

  /** The identity both jobs' alerts are compared by (see {@link AlertKeys}). */
  public String key() {
    return actorId == null
        ? AlertKeys.single(detection, requestKey)
        : AlertKeys.windowed(detection, actorId, time);
  }
}
