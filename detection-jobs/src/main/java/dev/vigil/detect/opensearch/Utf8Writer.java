package dev.vigil.detect.opensearch;

import java.io.Writer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Writer} that encodes what it is given as UTF-8 into a growing byte array: a document
 * written through it comes out as the bytes the bulk request sends, with no {@code String} in
 * between (a {@code StringWriter} would hold it as chars, copy it into a {@code String}, and the
 * request encode it again).
 *
 * <p>Encodes as {@code String.getBytes(UTF_8)} does, including its {@code '?'} for a surrogate
 * without its other half; a pair split across two writes is joined. Not thread-safe: one document,
 * one writer.
 */
final class Utf8Writer extends Writer {

  private byte[] bytes;
  private int size;
  // A high surrogate whose low half may come with the next write.
  private char pendingHigh;

  /**
   * @param expectedBytes the first capacity; the array doubles when it runs out
   */
  Utf8Writer(int expectedBytes) {
    bytes = new byte[Math.max(16, expectedBytes)];
  }

  @Override
  public void write(char[] chars, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, chars.length);
    int i = offset;
    int end = offset + length;
    while (i < end) {
      if (pendingHigh == 0) {
        // ASCII, nearly all of a document, one byte per char: copy the run in a tight loop.
        ensure(end - i);
        byte[] out = bytes;
        int n = size;
        char c;
        while (i < end && (c = chars[i]) < 0x80) {
          out[n++] = (byte) c;
          i++;
        }
        size = n;
        if (i == end) {
          return;
        }
      }
      encode(chars[i++]);
    }
  }

  @Override
  public void write(String text, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, text.length());
    for (int i = offset, end = offset + length; i < end; i++) {
      encode(text.charAt(i));
    }
  }

  @Override
  public void write(int c) {
    encode((char) c);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /** What was written, encoded; a high surrogate still waiting for its other half becomes '?'. */
  byte[] toByteArray() {
    if (pendingHigh != 0) {
      pendingHigh = 0;
      put((byte) '?');
    }
    return Arrays.copyOf(bytes, size);
  }

  private void encode(char c) {
    if (pendingHigh != 0) {
      char high = pendingHigh;
      pendingHigh = 0;
      if (Character.isLowSurrogate(c)) {
        int codePoint = Character.toCodePoint(high, c);
        ensure(4);
        bytes[size++] = (byte) (0xF0 | (codePoint >> 18));
        bytes[size++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
        bytes[size++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
        bytes[size++] = (byte) (0x80 | (codePoint & 0x3F));
        return;
      }
      put((byte) '?');
    }
    if (c < 0x80) {
      put((byte) c);
    } else if (c < 0x800) {
      ensure(2);
      bytes[size++] = (byte) (0xC0 | (c >> 6));
      bytes[size++] = (byte) (0x80 | (c & 0x3F));
    } else if (Character.isHighSurrogate(c)) {
      pendingHigh = c;
    } else if (Character.isLowSurrogate(c)) {
      put((byte) '?');
    } else {
      ensure(3);
      bytes[size++] = (byte) (0xE0 | (c >> 12));
      bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
      bytes[size++] = (byte) (0x80 | (c & 0x3F));
    }
  }

  private void put(byte b) {
    if (size == bytes.length) {
      ensure(1);
    }
    bytes[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
