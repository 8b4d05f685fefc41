package dev.vigil.stack;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** One real component: how to prepare and launch it, and how to tell that it answers. */
interface ManagedComponent {

  Component component();

  /** The component's directory under the state directory. */
  Path directory();

  /** The logs whose last lines explain a failed start, most telling first. */
  List<Path> logFiles();

  /**
   * Writes the configuration, prepares storage, and starts the process. Returns at once; {@link
   * #awaitReady} tells when it answers.
   */
  Launched launch();

  /**
   * Returns when the component answers; throws {@link StackException} when the process dies or
   * {@code deadline} passes first.
   */
  void awaitReady(Launched launched, Instant deadline);

  /** A started process and what it serves. */
  record Launched(Process process, ProcessRecord record) {}
}
