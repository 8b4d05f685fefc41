package dev.vigil.ingest.io;

import dev.vigil.ingest.RawRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The splitter's algorithm as first written, one byte at a time through a {@link
 * ByteArrayOutputStream}: slow, but plain enough to read against {@link RecordSplitter}'s design
 * note. Test-only, as the reference that {@link RecordSplitterEquivalenceTest} holds the fast
 * splitter to, output for output.
 */
final class ReferenceRecordSplitter {

  private static final int HARD_CAP_FACTOR = 2;

  private final String originPrefix;
  private final int hardCap;

  /**
   * @param originName the file name (or stream name) used in each record's origin
   * @param maxRecordBytes records larger than this are kept up to twice this size, then truncated
   */
  ReferenceRecordSplitter(String originName, int maxRecordBytes) {
    this.originPrefix = originName + ":";
    this.hardCap = (int) Math.min(Integer.MAX_VALUE - 16, (long) maxRecordBytes * HARD_CAP_FACTOR);
  }

  /** Reads the whole stream, handing each record to {@code sink}; returns how many there were. */
  long split(InputStream in, Consumer<RawRecord> sink) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    ByteArrayOutputStream current = new ByteArrayOutputStream(4096);
    long line = 1;
    long recordLine = 0;
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    boolean inGarbage = false;
    boolean atLineStart = true;
    boolean objectRecord = false;
    long count = 0;
    // A UTF-8 byte order mark is not part of any record; read the head whole, since a pipe or a
    // decompressor may hand over fewer bytes per read than the mark has.
    int read = in.readNBytes(buffer, 0, 3);
    int offset =
        read == 3
                && (buffer[0] & 0xFF) == 0xEF
                && (buffer[1] & 0xFF) == 0xBB
                && (buffer[2] & 0xFF) == 0xBF
            ? 3
            : 0;
    while (read > 0) {
      for (int i = offset; i < read; i++) {
        byte b = buffer[i];
        boolean lineStart = atLineStart;
        atLineStart = b == '\n';
        if (inGarbage) {
          if (b == '\n' || b == '\r') {
            count += emit(current, recordLine, sink);
            inGarbage = false;
          } else {
            append(current, b);
          }
        } else if (depth == 0) {
          if (b == '{' || b == '[') {
            recordLine = line;
            objectRecord = b == '{';
            depth = 1;
            inString = false;
            escaped = false;
            append(current, b);
          } else if (!isWhitespace(b)) {
            recordLine = line;
            inGarbage = true;
            append(current, b);
          }
        } else if (b == '{' && lineStart && !inString && objectRecord) {
          // A column-0 brace inside an open object: the open record was truncated. Only objects
          // resync this way; an array's members may legitimately start in column 0.
          count += emit(current, recordLine, sink);
          recordLine = line;
          depth = 1;
          append(current, b);
        } else {
          append(current, b);
          if (inString) {
            if (b == '\n') {
              // Even an escaped raw newline ends the string: JSON strings cannot hold one, and a
              // line cut after a backslash must not swallow the next line.
              inString = false;
              escaped = false;
            } else if (escaped) {
              escaped = false;
            } else if (b == '\\') {
              escaped = true;
            } else if (b == '"') {
              inString = false;
            }
          } else if (b == '"') {
            inString = true;
          } else if (b == '{' || b == '[') {
            depth++;
          } else if (b == '}' || b == ']') {
            depth--;
            if (depth == 0) {
              count += emit(current, recordLine, sink);
            }
          }
        }
        if (b == '\n') {
          line++;
        }
      }
      offset = 0;
      read = in.read(buffer);
    }
    if (current.size() > 0) {
      count += emit(current, recordLine, sink);
    }
    return count;
  }

  private void append(ByteArrayOutputStream current, byte b) {
    if (current.size() < hardCap) {
      current.write(b);
    }
  }

  private int emit(ByteArrayOutputStream current, long recordLine, Consumer<RawRecord> sink) {
    byte[] bytes = trimTrailingWhitespace(current.toByteArray());
    current.reset();
    if (bytes.length == 0) {
      return 0;
    }
    sink.accept(new RawRecord(bytes, originPrefix + recordLine));
    return 1;
  }

  private static byte[] trimTrailingWhitespace(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && isWhitespace(bytes[end - 1])) {
      end--;
    }
    return end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end);
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }
}
