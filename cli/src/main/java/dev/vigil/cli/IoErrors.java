package dev.vigil.cli;

import dev.vigil.ingest.io.IoProblems;

/**
 * One-line descriptions of I/O failures for the commands: what failed and on which file or host, in
 * words ({@link IoProblems}, shared with the jobs and the other modules), never a Java exception
 * name and never file content.
 */
final class IoErrors {

  private IoErrors() {}

  static String describe(Throwable error) {
    return IoProblems.innermost(error);
  }
}
