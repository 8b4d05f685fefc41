package dev.vigil.ingest.io;

import java.io.IOException;

/**
 * An input file is damaged past the point read so far: a gzip file cut off, corrupt, or followed by
 * bytes that are not gzip. The message says which, for a person, and never holds file content.
 */
public final class DamagedInputException extends IOException {

  private static final long serialVersionUID = 1L;

  public DamagedInputException(String message) {
    super(message);
  }
}
