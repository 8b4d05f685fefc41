package dev.vigil.ingest.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses a gzip file of one or more members (RFC 1952), failing with a {@link
 * DamagedInputException} that says how the file is damaged: cut off, corrupt, or followed by bytes
 * that are not gzip.
 *
 * <p>Design: the JDK's {@code GZIPInputStream} reports a cut-off file as a bare {@code
 * EOFException} and silently drops whatever follows the last member when it is not a valid gzip
 * header, so appended garbage would be lost without a word. This reads the members itself on an
 * {@link Inflater}, keeping the compressed bytes in its own buffer, so it knows at each point
 * whether the file may end (between members) and what the bytes after a member are. Trailing zero
 * bytes (tape and block padding) are accepted, as gzip(1) does.
 */
final class GzipMembersInputStream extends InputStream {

  static final int MAGIC_1 = 0x1f;
  static final int MAGIC_2 = 0x8b;

  private static final int DEFLATE = 8;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final InputStream in;
  private final byte[] buffer;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private int position;
  private int limit;

  /** Bytes of the compressed file before {@code buffer[0]}. */
  private long bufferOffset;

  private boolean inMember;
  private boolean ended;

  GzipMembersInputStream(InputStream in, int bufferBytes) {
    this.in = in;
    this.buffer = new byte[bufferBytes];
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] out, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (!ended) {
      if (!inMember && !startMember()) {
        ended = true;
        break;
      }
      int n = inflate(out, offset, length);
      if (n > 0) {
        crc.update(out, offset, n);
        return n;
      }
      if (inflater.finished()) {
        position = limit - inflater.getRemaining();
        checkTrailer();
        inMember = false;
      } else if (inflater.needsInput()) {
        if (!fill()) {
          throw cutOff();
        }
        inflater.setInput(buffer, position, limit - position);
      } else {
        throw new DamagedInputException("the gzip data is corrupt (it asks for a dictionary)");
      }
    }
    return -1;
  }

  private int inflate(byte[] out, int offset, int length) throws DamagedInputException {
    try {
      return inflater.inflate(out, offset, length);
    } catch (DataFormatException e) {
      throw new DamagedInputException(
          "the gzip data is corrupt" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
    }
  }

  /** Reads the next member's header; false at a clean end of the file. */
  private boolean startMember() throws IOException {
    long start = offset();
    int first = nextByte();
    if (first < 0) {
      return false;
    }
    if (first == 0 && onlyZerosFollow()) {
      return false;
    }
    if (first != MAGIC_1 || nextByte() != MAGIC_2) {
      throw new DamagedInputException(
          "the gzip file goes on after the end of its compressed data with bytes that are not gzip"
              + " (from byte "
              + start
              + " of the file); they were not read");
    }
    if (requiredByte() != DEFLATE) {
      throw new DamagedInputException("the gzip data is corrupt (unknown compression method)");
    }
    int flags = requiredByte();
    skip(6); // modification time, extra flags, operating system
    if ((flags & FEXTRA) != 0) {
      skip(requiredByte() | requiredByte() << 8);
    }
    if ((flags & FNAME) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FCOMMENT) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    inflater.reset();
    crc.reset();
    inflater.setInput(buffer, position, limit - position);
    inMember = true;
    return true;
  }

  private void checkTrailer() throws IOException {
    long storedCrc = readUInt32();
    long storedSize = readUInt32();
    if (storedCrc != crc.getValue() || storedSize != (inflater.getBytesWritten() & 0xFFFFFFFFL)) {
      throw new DamagedInputException("the gzip data is corrupt (its checksum does not match)");
    }
  }

  private boolean onlyZerosFollow() throws IOException {
    int b;
    while ((b = nextByte()) == 0) {
      // zero padding
    }
    return b < 0;
  }

  private long readUInt32() throws IOException {
    long value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (long) requiredByte() << (8 * i);
    }
    return value;
  }

  private void skipZeroTerminated() throws IOException {
    while (requiredByte() != 0) {
      // the name or comment
    }
  }

  private void skip(int bytes) throws IOException {
    for (int i = 0; i < bytes; i++) {
      requiredByte();
    }
  }

  /** A byte inside a member: the file must not end here. */
  private int requiredByte() throws IOException {
    int b = nextByte();
    if (b < 0) {
      throw cutOff();
    }
    return b;
  }

  private int nextByte() throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    return buffer[position++] & 0xFF;
  }

  /** Replaces the consumed buffer with the next read; false at the end of the file. */
  private boolean fill() throws IOException {
    bufferOffset += limit;
    position = 0;
    limit = 0;
    int n;
    do {
      n = in.read(buffer, 0, buffer.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    limit = n;
    return true;
  }

  private long offset() {
    return bufferOffset + position;
  }

  private static DamagedInputException cutOff() {
    return new DamagedInputException(
        "the gzip file is cut off (it ends inside its compressed data)");
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}
