package dev.vigil.ingest.io;

import dev.vigil.ingest.RawRecord;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a stream into raw records without parsing them: JSON Lines, concatenated pretty-printed
 * objects, a single object or array, in any mix.
 *
 * <p>Design: one pass over the bytes tracking only string state and bracket depth (structural
 * characters are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte character, so this is
 * safe on bytes, even invalid ones). A record is a balanced top-level {@code {...}} or {@code
 * [...]}; anything else at the top level is cut to the end of its line and becomes a record of its
 * own, for the normalizer to reject. To keep one broken line from swallowing the rest of a JSON
 * Lines file, a {@code {} in column 0 while an object is still open starts a new record: the open
 * one was truncated (pretty printers indent nested values, so a column-0 brace only begins a
 * record). A raw newline ends a string, since JSON strings cannot hold one. Records over {@code
 * maxRecordBytes} are still emitted whole up to a hard cap, so the normalizer can dead-letter them
 * with their bytes.
 *
 * <p>Shape, for speed (this runs over every byte of every input file): a record is always one
 * contiguous run of the input, so it is never copied byte by byte; it is copied once, straight from
 * the read buffer, when it ends, and only a record that straddles reads is gathered, in bulk, in a
 * buffer of the splitter's own. The scanning happens in a {@link Cutter} called once per read,
 * whose state lives in its fields, with one small method per state ({@code between}, {@code
 * garbage}, {@code structure}, {@code string}), each a tight loop over the bytes that cannot change
 * that state. A single loop over the whole stream is entered once per file, so the JIT can only
 * compile it on-stack, late and poorly: a 300 MB file spent most of its first pass interpreted.
 * Small methods called thousands of times are compiled early and whole. Strings, most of an audit
 * record's bytes and dozens per record, are skipped from within {@code structure} rather than by a
 * trip through the per-state dispatch each, eight bytes at a time for a quote, backslash or
 * newline. {@code RecordSplitterEquivalenceTest} holds all this to the plain byte-at-a-time
 * algorithm it replaced ({@code ReferenceRecordSplitter}, in the tests), output for output.
 *
 * <p>A read that fails (a cut-off or corrupt gzip file, an I/O error) ends the file, not the run:
 * the records before it were emitted as usual, and the failure becomes one more record carrying
 * {@link RawRecord#readFailure()}, with the bytes of the record it broke off (none between
 * records), so that every input file is accounted for by records, and the damage by a dead letter.
 */
public final class RecordSplitter {

  private static final int HARD_CAP_FACTOR = 2;
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final String originPrefix;
  private final int hardCap;

  /**
   * @param originName the file name (or stream name) used in each record's origin
   * @param maxRecordBytes records larger than this are kept up to twice this size, then truncated
   */
  public RecordSplitter(String originName, int maxRecordBytes) {
    this.originPrefix = originName + ":";
    long cap = Math.min(Integer.MAX_VALUE - 16, (long) maxRecordBytes * HARD_CAP_FACTOR);
    this.hardCap = (int) Math.max(0, cap);
  }

  /**
   * Reads the whole stream, handing each record to {@code sink}, a failed read included (see the
   * class comment); returns how many records there were.
   */
  /** Bytes of a UTF-8 byte order mark. */
  public static final int UTF8_BOM_LENGTH = 3;

  /** Whether the first {@code length} of {@code bytes} start with a UTF-8 byte order mark. */
  public static boolean startsWithUtf8Bom(byte[] bytes, int length) {
    return length >= UTF8_BOM_LENGTH
        && (bytes[0] & 0xFF) == 0xEF
        && (bytes[1] & 0xFF) == 0xBB
        && (bytes[2] & 0xFF) == 0xBF;
  }

  public long split(InputStream in, Consumer<RawRecord> sink) {
    byte[] buffer = new byte[READ_BUFFER_BYTES];
    Cutter cutter = new Cutter(originPrefix, hardCap, sink);
    long bytesRead = 0;
    try {
      // A UTF-8 byte order mark is not part of any record; read the head whole, since a pipe or a
      // decompressor may hand over fewer bytes per read than the mark has.
      int read = in.readNBytes(buffer, 0, UTF8_BOM_LENGTH);
      int offset = startsWithUtf8Bom(buffer, read) ? UTF8_BOM_LENGTH : 0;
      while (read > 0) {
        bytesRead += read;
        cutter.cut(buffer, offset, read);
        offset = 0;
        read = in.read(buffer);
      }
    } catch (IOException e) {
      cutter.broken(readFailure(e, bytesRead));
      return cutter.count;
    }
    cutter.finish();
    return cutter.count;
  }

  /** What a failed read did, for a person: never file content, nor a Java class name. */
  private static String readFailure(IOException e, long bytesRead) {
    String cause =
        e instanceof DamagedInputException
            ? e.getMessage()
            : "reading the file failed (" + IoProblems.reason(e) + ")";
    return cause
        + "; reading stopped after byte "
        + bytesRead
        + (e instanceof DamagedInputException ? " of the decompressed data" : "");
  }

  /** The state of one {@link #split} between reads, and the loops that advance it. */
  private static final class Cutter {

    /** At the top level, between records: whitespace is skipped. */
    private static final int BETWEEN = 0;

    /** In a top-level run that is not JSON, which ends at the end of its line. */
    private static final int GARBAGE = 1;

    /** In an object or array, outside strings. */
    private static final int STRUCTURE = 2;

    /** In a string of an object or array. */
    private static final int STRING = 3;

    /** What {@link #skipString} returns when the read ends inside the string. */
    private static final int IN_STRING = -1;

    private static final byte PLAIN = 0;
    private static final byte QUOTE = 1;
    private static final byte OPEN = 2;
    private static final byte CLOSE = 3;
    private static final byte NEWLINE = 4;

    /** What each byte means outside strings: {@link #PLAIN} ones cannot change the state. */
    private static final byte[] STRUCTURAL = new byte[256];

    /** The bytes that end or escape a string, for the tail of a read shorter than a word. */
    private static final boolean[] STRING_SPECIAL = new boolean[256];

    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private static final byte[] EMPTY = new byte[0];
    private static final int FIRST_GATHER_BYTES = 4096;

    static {
      STRUCTURAL['"'] = QUOTE;
      STRUCTURAL['{'] = OPEN;
      STRUCTURAL['['] = OPEN;
      STRUCTURAL['}'] = CLOSE;
      STRUCTURAL[']'] = CLOSE;
      STRUCTURAL['\n'] = NEWLINE;
      STRING_SPECIAL['"'] = true;
      STRING_SPECIAL['\\'] = true;
      STRING_SPECIAL['\n'] = true;
    }

    private final String originPrefix;
    private final int hardCap;
    private final Consumer<RawRecord> sink;

    private int mode = BETWEEN;
    private long line = 1;
    private long recordLine;
    private int depth;
    private boolean objectRecord;

    /** The last byte of the string so far was a backslash, at the end of the previous read. */
    private boolean escaped;

    /** The last byte of the previous read was a newline (or nothing was read yet). */
    private boolean atLineStart = true;

    /** Where the current read began: before it, {@link #atLineStart} stands for the byte. */
    private int readStart;

    /** Where the open record begins in the current read (where the read begins, if before it). */
    private int recordStart;

    /** The open record's bytes from earlier reads, up to the hard cap. */
    private byte[] gathered = EMPTY;

    private int gatheredLength;
    long count;

    Cutter(String originPrefix, int hardCap, Consumer<RawRecord> sink) {
      this.originPrefix = originPrefix;
      this.hardCap = hardCap;
      this.sink = sink;
    }

    /** Takes the bytes of one read, {@code buffer[from, to)}. */
    void cut(byte[] buffer, int from, int to) {
      if (from == to) {
        return;
      }
      readStart = from;
      recordStart = from;
      int i = from;
      while (i < to) {
        switch (mode) {
          case BETWEEN -> i = between(buffer, i, to);
          case GARBAGE -> i = garbage(buffer, i, to);
          case STRUCTURE -> i = structure(buffer, i, to);
          default -> i = string(buffer, i, to);
        }
      }
      if (mode != BETWEEN) {
        gather(buffer, recordStart, to);
      }
      atLineStart = buffer[to - 1] == '\n';
    }

    /**
     * Ends the stream at a failed read: the open record, or an empty one at the current line when
     * the failure fell between records, is emitted with the failure.
     */
    void broken(String readFailure) {
      byte[] bytes = EMPTY;
      if (mode == BETWEEN) {
        recordLine = line;
      } else {
        bytes = Arrays.copyOf(gathered, gatheredLength);
        gatheredLength = 0;
        mode = BETWEEN;
      }
      count++;
      sink.accept(new RawRecord(bytes, originPrefix + recordLine, readFailure));
    }

    /** Ends the stream: an open record was truncated, and is emitted as it is. */
    void finish() {
      if (mode != BETWEEN) {
        emit(EMPTY, 0, 0);
        mode = BETWEEN;
      }
    }

    private int between(byte[] buffer, int i, int to) {
      for (; i < to; i++) {
        byte b = buffer[i];
        if (b == '\n') {
          line++;
        } else if (b != ' ' && b != '\r' && b != '\t') {
          recordLine = line;
          recordStart = i;
          if (b == '{' || b == '[') {
            objectRecord = b == '{';
            depth = 1;
            mode = STRUCTURE;
          } else {
            mode = GARBAGE;
          }
          return i + 1;
        }
      }
      return to;
    }

    /** The line break that ends garbage is left to {@link #between}, which counts it. */
    private int garbage(byte[] buffer, int i, int to) {
      for (; i < to; i++) {
        byte b = buffer[i];
        if (b == '\n' || b == '\r') {
          emit(buffer, recordStart, i);
          mode = BETWEEN;
          return i;
        }
      }
      return to;
    }

    private int structure(byte[] buffer, int i, int to) {
      while (i < to) {
        byte b = buffer[i++];
        switch (STRUCTURAL[b & 0xFF]) {
          case PLAIN -> {}
          case QUOTE -> {
            // Strings are skipped right here: a record holds dozens of them, and a trip through
            // cut's dispatch for each would cost more than the bytes themselves.
            i = skipString(buffer, i, to);
            if (i == IN_STRING) {
              return to;
            }
          }
          case NEWLINE -> line++;
          case OPEN -> {
            int at = i - 1;
            if (b == '{' && objectRecord && startsLine(buffer, at)) {
              // A column-0 brace inside an open object: the open record was truncated. Only
              // objects resync this way; an array's members may legitimately start in column 0.
              emit(buffer, recordStart, at);
              recordLine = line;
              recordStart = at;
              depth = 1;
            } else {
              depth++;
            }
          }
          case CLOSE -> {
            if (--depth == 0) {
              emit(buffer, recordStart, i);
              mode = BETWEEN;
              return i;
            }
          }
        }
      }
      return to;
    }

    /** Goes on with a string that the previous read ended in. */
    private int string(byte[] buffer, int i, int to) {
      mode = STRUCTURE;
      if (escaped) {
        escaped = false;
        if (buffer[i] != '\n') {
          i++;
        }
      }
      int end = skipString(buffer, i, to);
      return end == IN_STRING ? to : end;
    }

    /**
     * Skips a string from {@code i} to the quote or newline that ends it, returning the index after
     * that; or, if the read ends first, switches to {@link #STRING} and returns {@link #IN_STRING}.
     */
    private int skipString(byte[] buffer, int i, int to) {
      for (; ; ) {
        i = nextStringSpecial(buffer, i, to);
        if (i == to) {
          mode = STRING;
          return IN_STRING;
        }
        byte b = buffer[i];
        if (b != '\\') {
          if (b == '\n') {
            line++;
          }
          return i + 1;
        }
        if (i + 1 == to) {
          mode = STRING;
          escaped = true;
          return IN_STRING;
        }
        // Even an escaped raw newline ends the string: JSON strings cannot hold one, and a line cut
        // after a backslash must not swallow the next line.
        i += buffer[i + 1] != '\n' ? 2 : 1;
      }
    }

    /**
     * The first quote, backslash or newline in {@code buffer[i, to)}, or {@code to}: eight bytes at
     * a time, since most of an audit record's bytes are in strings (HMACs, ARNs, user agents).
     */
    private static int nextStringSpecial(byte[] buffer, int i, int to) {
      for (; i + Long.BYTES <= to; i += Long.BYTES) {
        long word = (long) LONGS.get(buffer, i);
        long found =
            zeroBytes(word ^ (ONES * '"'))
                | zeroBytes(word ^ (ONES * '\\'))
                | zeroBytes(word ^ (ONES * '\n'));
        if (found != 0) {
          // The lowest flag marks the first match exactly (flags above it may be false).
          return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
      }
      for (; i < to; i++) {
        if (STRING_SPECIAL[buffer[i] & 0xFF]) {
          return i;
        }
      }
      return to;
    }

    /** The high bit of the lowest zero byte of {@code x} (and maybe of some above it) set. */
    private static long zeroBytes(long x) {
      return (x - ONES) & ~x & HIGHS;
    }

    private boolean startsLine(byte[] buffer, int i) {
      return i > readStart ? buffer[i - 1] == '\n' : atLineStart;
    }

    /** Keeps {@code buffer[from, to)} of the open record, up to the hard cap. */
    private void gather(byte[] buffer, int from, int to) {
      int length = Math.min(to - from, hardCap - gatheredLength);
      if (length <= 0) {
        return;
      }
      int needed = gatheredLength + length;
      if (needed > gathered.length) {
        long doubled = Math.max(FIRST_GATHER_BYTES, 2L * gathered.length);
        gathered = Arrays.copyOf(gathered, (int) Math.min(hardCap, Math.max(needed, doubled)));
      }
      System.arraycopy(buffer, from, gathered, gatheredLength, length);
      gatheredLength = needed;
    }

    /**
     * Emits the open record, whose bytes are those gathered and {@code buffer[from, to)}, cut at
     * the hard cap and without trailing whitespace; nothing if that leaves none.
     */
    private void emit(byte[] buffer, int from, int to) {
      byte[] bytes;
      if (gatheredLength == 0) {
        int end = trimmedEnd(buffer, from, to - from > hardCap ? from + hardCap : to);
        bytes = end == from ? null : Arrays.copyOfRange(buffer, from, end);
      } else {
        gather(buffer, from, to);
        int end = trimmedEnd(gathered, 0, gatheredLength);
        gatheredLength = 0;
        bytes = end == 0 ? null : Arrays.copyOf(gathered, end);
      }
      if (bytes != null) {
        count++;
        sink.accept(new RawRecord(bytes, originPrefix + recordLine));
      }
    }

    private static int trimmedEnd(byte[] bytes, int from, int end) {
      while (end > from && isWhitespace(bytes[end - 1])) {
        end--;
      }
      return end;
    }

    private static boolean isWhitespace(byte b) {
      return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
  }
}
