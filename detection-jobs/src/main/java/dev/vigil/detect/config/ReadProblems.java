package dev.vigil.detect.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What is wrong with a configuration or secret file that could not be read, in the words a person
 * fixes it by ({@code no such file}, {@code is a directory}, {@code is not UTF-8 text}), never a
 * Java exception's name, and never the file's content.
 */
public final class ReadProblems {

  private ReadProblems() {}

  public static String describe(Path file, IOException error) {
    if (error instanceof NoSuchFileException) {
      return "no such file";
    }
    if (error instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (Files.isDirectory(file)) {
      return "is a directory, not a file";
    }
    if (error instanceof CharacterCodingException) {
      return "is not UTF-8 text";
    }
    if (error instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return error.getMessage() != null ? error.getMessage() : "cannot be read";
  }
}
