package dev.vigil.detect;

/** A bounded detection run that did not complete: the job failed, timed out, or could not start. */
public final class DetectionFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  public DetectionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
