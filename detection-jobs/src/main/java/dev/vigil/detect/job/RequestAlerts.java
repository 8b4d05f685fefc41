package dev.vigil.detect.job;

import java.util.Arrays;

/**
 * What the detect operator keeps of a Vault request on the event route (keyed, as that route is, by
 * the request): which of its two entries arrived, and the alerts it raised, so that an entry
 * arriving after the engine forgot the other one (late by more than its memory, or after a restore)
 * does not raise them again. A Flink POJO.
 */
public class RequestAlerts {

  static final int REQUEST_ENTRY = 1;
  static final int RESPONSE_ENTRY = 2;
  static final int BOTH_ENTRIES = REQUEST_ENTRY | RESPONSE_ENTRY;

  /** The entries that arrived: {@link #REQUEST_ENTRY}, {@link #RESPONSE_ENTRY}. */
  public int entries;

  /** The latest leave time of its entries: once the watermark passes it, all are judged. */
  public long judgedBy = Long.MIN_VALUE;

  /** When it is forgotten if its other entry never comes. */
  public long forgetAt = Long.MIN_VALUE;

  /** The time of its cleanup timer. */
  public long expires = Long.MIN_VALUE;

  /**
   * The alert ids it raised (one per rule that matched one of its entries), and those its alert as
   * an unanswered request stands for (its late response must not raise them).
   */
  public String[] alertIds = new String[0];

  public RequestAlerts() {}

  /** When to drop it: once both entries are judged, or at {@link #forgetAt} without the other. */
  long due() {
    return entries == BOTH_ENTRIES ? judgedBy : Math.max(judgedBy, forgetAt);
  }

  boolean raised(String alertId) {
    return Arrays.asList(alertIds).contains(alertId);
  }

  void add(String alertId) {
    alertIds = Arrays.copyOf(alertIds, alertIds.length + 1);
    alertIds[alertIds.length - 1] = alertId;
  }
}
