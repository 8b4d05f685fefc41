package dev.vigil.detect.notify;

/**
 * How one notification's delivery ended.
 *
 * @param httpStatus the last HTTP status received, or 0 when none was (connection errors)
 * @param attempts how many requests were sent
 * @param detail for failures, what went wrong, already masked of secrets; empty on success
 */
public record DeliveryOutcome(Result result, int httpStatus, int attempts, String detail) {

  public enum Result {
    /** A 2xx answer. */
    DELIVERED,
    /** A 4xx answer other than 429: the request itself is wrong, and retrying cannot help. */
    REJECTED,
    /** Retriable failures until the retry budget ran out (or the sender was interrupted). */
    GAVE_UP
  }

  public boolean delivered() {
    return result == Result.DELIVERED;
  }
}
