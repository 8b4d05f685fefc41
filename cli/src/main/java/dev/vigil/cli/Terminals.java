package dev.vigil.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells whether a standard stream is a terminal. Java 17 only says whether stdin and stdout both
 * are ({@code System.console() != null}); on Linux {@code /proc/self/fd/N} names the terminal
 * device of each stream separately, so a redirected stdin does not hide a terminal stdout.
 */
final class Terminals {

  private Terminals() {}

  static boolean isTerminal(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    if (Files.isSymbolicLink(link)) {
      try {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (java.io.IOException | SecurityException e) {
        return System.console() != null;
      }
    }
    return System.console() != null;
  }
}
