package dev.vigil.benchmarks.job;

/**
 * What the baseline's detectors need of an event, and nothing more: a hand-written job projects the
 * event before it is keyed, so the shuffle carries a few short strings instead of the whole event
 * with its raw record. A Flink POJO.
 */
public class Signal {

  /** What the signal feeds. */
  public static final byte DENIED = 1;

  public static final byte SECRET_READ = 2;
  public static final byte SINGLE = 3;

  public byte kind;

  /** Event time, epoch millis. */
  public long time;

  /** The key: {@code actor.id} for the windowed detections, the request key for single events. */
  public String key;

  /** Denied: the request key (counted once per request); secret read: the resource read. */
  public String value;

  /** Single events: the detections the event matches ({@link BaselineDetectionJob} bits). */
  public int detections;

  public Signal() {}

  Signal(byte kind, long time, String key, String value, int detections) {
    this.kind = kind;
    this.time = time;
    this.key = key;
    this.value = value;
    this.detections = detections;
  }

  public String getKey() {
    return key;
  }
}
