package dev.vigil.benchmarks.job;

/**
 * What the baseline's detectors need of an event, and nothing more: a hand-written job projects the
 * event before it is keyed, so the shuffle carries a few short strings instead of the whole event
 * with its raw record. A Flink POJO.
 */
public class Signal {

  /** Actor signals: what the event is to the actor's windows (several may hold). */
  public static final int DENIED = 1;

  public static final int SECRET_READ = 2;

  /** An event of a break-glass identity, role or policy ({@code break_glass_activity}). */
  public static final int BREAK_GLASS = 4;

  /**
   * A secret read or a successful policy or audit change ({@code break_glass_privileged_action}).
   */
  public static final int PRIVILEGED = 8;

  /** Event time, epoch millis. */
  public long time;

  /** The key: {@code actor.id} for actor signals, the request key for single events. */
  public String key;

  /**
   * Single events: the detections the event matches ({@link BaselineDetectionJob} bits); actor
   * signals: the bits above.
   */
  public int flags;

  /** Actor signals: the request key (requests are counted once each). */
  public String request;

  /** Actor signals that are secret reads: the resource read. */
  public String resource;

  public Signal() {}

  Signal(long time, String key, int flags, String request, String resource) {
    this.time = time;
    this.key = key;
    this.flags = flags;
    this.request = request;
    this.resource = resource;
  }

  public String getKey() {
    return key;
  }
}
