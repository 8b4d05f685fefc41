package dev.vigil.stack;

/**
 * The stack could not do what was asked. The message is written for the person at the terminal: it
 * says what failed, why when known, and what to do; for a component that failed to start it ends
 * with the last lines of that component's log.
 */
public class StackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
