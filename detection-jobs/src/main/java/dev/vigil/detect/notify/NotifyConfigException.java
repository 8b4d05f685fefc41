package dev.vigil.detect.notify;

/**
 * A mistake in the {@code notify:} section of vigil.yaml. The message names the offending key by
 * its full path ({@code notify.destinations.oncall.min_severity}) and never carries a secret value.
 */
public final class NotifyConfigException extends RuntimeException {

  private final String key;

  public NotifyConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /** The full path of the offending key. */
  public String key() {
    return key;
  }
}
