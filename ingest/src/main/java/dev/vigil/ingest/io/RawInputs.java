package dev.vigil.ingest.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Opens an input file's bytes for the {@link RecordSplitter}, as the CLI and the file job do. */
public final class RawInputs {

  private static final int BUFFER_BYTES = 64 * 1024;

  private RawInputs() {}

  /**
   * The content of {@code in}: decompressed when it is gzip, recognized by its magic bytes whatever
   * the file name. A damaged gzip file fails its reads with a {@link DamagedInputException}.
   */
  public static InputStream decompressed(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, BUFFER_BYTES);
    buffered.mark(2);
    int first = buffered.read();
    int second = buffered.read();
    buffered.reset();
    if (first == GzipMembersInputStream.MAGIC_1 && second == GzipMembersInputStream.MAGIC_2) {
      return new GzipMembersInputStream(buffered, BUFFER_BYTES);
    }
    return buffered;
  }
}
