package dev.vigil.stack;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.nio.file.FileSystemException;

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

  /**
   * {@code what} could not be done for an I/O reason, told in Vigil's words ({@link IoProblems})
   * instead of the JDK's exception text: "cannot write PID file F: permission denied", and the file
   * that failed when {@code what} does not end with it ("cannot prepare Kafka under D: no space
   * left on device: D/data/meta.properties").
   */
  public static StackException io(String what, IOException cause) {
    boolean namesTheFile =
        cause instanceof FileSystemException failed
            && failed.getFile() != null
            && what.endsWith(failed.getFile());
    return new StackException(
        what + ": " + (namesTheFile ? IoProblems.reason(cause) : IoProblems.describe(cause)),
        cause);
  }
}
