package dev.vigil.stack;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** The bounded wait shared by every component's readiness check. */
final class Readiness {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  private Readiness() {}

  /**
   * Polls {@code answers} until it returns true; fails when the process exits or {@code deadline}
   * passes first.
   */
  static void await(
      ManagedComponent component, Process process, Instant deadline, BooleanSupplier answers) {
    while (true) {
      if (!process.isAlive()) {
        throw new StackException(
            component.component().displayName()
                + " exited with code "
                + process.exitValue()
                + " while starting"
                + LogTail.of(component.logFiles(), 40));
      }
      if (answers.getAsBoolean()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new StackException(
            component.component().displayName()
                + " did not answer before the start timeout"
                + LogTail.of(component.logFiles(), 40));
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException(
            "interrupted while waiting for " + component.component().displayName(), e);
      }
    }
  }
}
