package dev.vigil.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** One-line descriptions of I/O failures: what failed and on which file, never file content. */
final class IoErrors {

  private IoErrors() {}

  static String describe(Throwable error) {
    Throwable e = error instanceof UncheckedIOException unchecked ? unchecked.getCause() : error;
    if (e instanceof NoSuchFileException missing) {
      return "no such file or directory: " + missing.getFile();
    }
    if (e instanceof AccessDeniedException denied) {
      return "permission denied: " + denied.getFile();
    }
    if (e instanceof NotDirectoryException notDir) {
      return "not a directory: " + notDir.getFile();
    }
    if (e instanceof FileSystemException fs) {
      return (fs.getReason() != null ? fs.getReason() : "I/O error") + ": " + fs.getFile();
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.replaceAll("\\R", " ");
  }
}
