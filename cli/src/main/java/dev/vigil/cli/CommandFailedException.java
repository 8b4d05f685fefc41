package dev.vigil.cli;

/**
 * A failure the user can act on (a missing file, a conflicting option, a disk full): reported as
 * one line on stderr with exit code 1, never with a stack trace. The message names files and
 * options, never record content.
 */
final class CommandFailedException extends RuntimeException {

  CommandFailedException(String message) {
    super(message, null, false, false);
  }
}
