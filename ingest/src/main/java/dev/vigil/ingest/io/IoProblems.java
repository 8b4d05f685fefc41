package dev.vigil.ingest.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * What went wrong with a file or a connection, in the words a person fixes it by ({@code no such
 * file or directory}, {@code permission denied}, {@code already exists}, {@code not UTF-8 text},
 * {@code connection refused}, {@code timed out}, {@code name does not resolve}): the one place
 * every module turns an {@code java.nio.file}, {@code java.io} or {@code java.net} failure into a
 * user's message.
 *
 * <p>Design: a message never carries a Java exception's name or a stack trace, and stays on one
 * line. The JDK's own texts are kept where they are already words ("No space left on device",
 * "Read-only file system"), lower-cased to read inside a sentence; a file system failure whose
 * message is only a path gets its type's words, or it would not say what failed. Wrapped failures
 * (Flink's job errors, {@code ExecutionException}, {@code UncheckedIOException}) are reported by
 * their innermost useful reason: the outer layers say where it happened, which the caller's own
 * sentence says better. Only an exception's message is used, never a file's content, so no record,
 * token or password reaches a message through here.
 */
public final class IoProblems {

  /**
   * "java.io.IOException: " at the start of a message or of one of its ": "-separated parts, as in
   * messages built from another exception's toString ("Could not parse certificate:
   * java.io.IOException: Empty input").
   */
  private static final Pattern CLASS_NAME =
      Pattern.compile("(?<=^|: )(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?:: |:?$)");

  /**
   * ProcessBuilder's failure to start a program: {@code Cannot run program "x" (in directory "d"):
   * error=2, No such file or directory}. The caller names the program; the OS's words are the
   * reason.
   */
  private static final Pattern CANNOT_RUN_PROGRAM =
      Pattern.compile(
          "^Cannot run program \".*?\"(?: \\(in directory \".*?\"\\))?: (?:error=\\d+, )?");

  /** "Is a", "Connection": a capital then small letters only, so "TLS", "OpenSearch" stay. */
  private static final Pattern FIRST_WORD_CAPITALIZED = Pattern.compile("\\p{Lu}\\p{Ll}+\\b");

  private IoProblems() {}

  /**
   * Text a person wrote (vigil.yaml, a rule file) that is not UTF-8: where the first bad byte is,
   * so the one Latin-1 letter in a comment can be found.
   */
  public static final class NotUtf8Text extends CharacterCodingException {
    private final int line;
    private final int offset;
    private final int value;

    NotUtf8Text(int line, int offset, int value) {
      this.line = line;
      this.offset = offset;
      this.value = value;
    }

    /** The 1-based line of the first byte that is not UTF-8. */
    public int line() {
      return line;
    }

    /** "not UTF-8 text (invalid byte 0xE9 at offset 12): save it as UTF-8". */
    @Override
    public String getMessage() {
      return String.format(
          "not UTF-8 text (invalid byte 0x%02X at offset %d): save it as UTF-8", value, offset);
    }
  }

  /**
   * The bytes as UTF-8 text, or where they stop being it: the one strict UTF-8 decoding of Vigil
   * (every record the normalizer reads, rule files, mapping tables, vigil.yaml).
   *
   * <p>The lenient String constructor is intrinsified and much faster than a decoder (see
   * docs/benchmarks.md); it marks every malformed sequence with U+FFFD, so only text holding that
   * character (rare, and possibly genuine) needs the strict decoder's verdict.
   */
  public static String utf8(byte[] bytes) throws NotUtf8Text {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') < 0) {
      return text;
    }
    return strictUtf8(bytes);
  }

  /**
   * {@code length}, or less so that the first {@code length} bytes of {@code bytes} (from its
   * position) do not end inside a UTF-8 character (a continuation byte follows them): text cut
   * there stays valid text, and reads as text, not as bytes. At most 3 bytes back, whatever the
   * bytes are, so it is for text only: both sinks that cut a dead letter's raw record (Kafka's
   * dead-letter topic, OpenSearch) call it only when the whole record is text ({@link
   * EventJson#isText}) and cut any other record at the byte, so they cut by the same rule.
   */
  public static int characterBoundary(ByteBuffer bytes, int length) {
    int position = bytes.position();
    for (int back = 0; back < 3 && length > 0 && length < bytes.remaining(); back++) {
      if ((bytes.get(position + length) & 0xC0) != 0x80) {
        break;
      }
      length--;
    }
    return length;
  }

  /** {@link #utf8} by the strict decoder, which finds the first byte that is not UTF-8. */
  private static String strictUtf8(byte[] bytes) throws NotUtf8Text {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (!result.isError()) {
      return out.flip().toString();
    }
    int offset = in.position();
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    throw new NotUtf8Text(line, offset, bytes[offset] & 0xff);
  }

  /**
   * What went wrong, without the file or host it happened to: for a sentence that names it itself
   * ("cannot read password file F: no such file or directory").
   */
  public static String reason(Throwable error) {
    Throwable e = unwrapped(error);
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException existing) {
      return existing.getFile() != null && Files.isRegularFile(Path.of(existing.getFile()))
          ? "already exists as a file"
          : "already exists";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "directory is not empty";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemLoopException) {
      return "symbolic links loop";
    }
    if (e instanceof FileSystemException fs) {
      return fs.getReason() != null ? words(fs.getReason()) : "cannot be accessed";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof EOFException) {
      return "ends too early (cut off?)";
    }
    if (e instanceof UnknownHostException || e instanceof UnresolvedAddressException) {
      return "name does not resolve";
    }
    if (e instanceof ConnectException) {
      String message = e.getMessage();
      return message == null || message.contains("refused") ? "connection refused" : words(message);
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (e instanceof SocketTimeoutException
        || e instanceof HttpTimeoutException
        || e instanceof TimeoutException
        || e instanceof InterruptedByTimeoutException) {
      return "timed out";
    }
    if (e instanceof SSLException) {
      return untrustedCertificate(e)
          ? "the server's TLS certificate is not trusted (give the CA that signed it)"
          : "the TLS handshake failed";
    }
    String message = e.getMessage();
    if (message != null) {
      String words = words(message);
      if (!words.isEmpty()) {
        return words;
      }
    }
    return e instanceof IOException ? "an I/O error without a reason" : "failed without a reason";
  }

  /**
   * What went wrong and on which file or host: "no such file or directory: /etc/vigil.yaml",
   * "already exists: /state/savepoints", "name does not resolve: kafka.internal".
   */
  public static String describe(Throwable error) {
    Throwable e = unwrapped(error);
    String reason = reason(e);
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      return reason
          + ": "
          + fs.getFile()
          + (fs.getOtherFile() != null ? " (to " + fs.getOtherFile() + ")" : "");
    }
    if (e instanceof UnknownHostException && e.getMessage() != null) {
      // "kafka.internal: Name or service not known": the host, then the resolver's words for ours
      String host = e.getMessage().strip();
      int colon = host.indexOf(": ");
      return reason + ": " + (colon > 0 ? host.substring(0, colon) : host);
    }
    return reason;
  }

  /**
   * Why {@code file}, which the caller names, could not be read: {@link #reason}, except that a
   * directory says so (reading one fails with the bare "Is a directory" or worse, by platform).
   */
  public static String readProblem(Path file, IOException error) {
    if (!(error instanceof NoSuchFileException) && Files.isDirectory(file)) {
      return "is a directory, not a file";
    }
    return reason(error);
  }

  /**
   * The innermost useful reason of a chain of wrapped failures, with its file or host (see {@link
   * #describe}): a Flink job that cannot take a savepoint says "Could not ..." at the top and why
   * only at the bottom. A cause that says nothing (no message, no known type) gives way to the one
   * wrapping it.
   */
  public static String innermost(Throwable error) {
    if (error == null) {
      return "no cause was reported";
    }
    List<Throwable> chain = causes(error);
    for (int i = chain.size() - 1; i >= 0; i--) {
      Throwable t = chain.get(i);
      if (saysSomething(t)) {
        return describe(t);
      }
    }
    return describe(chain.get(chain.size() - 1));
  }

  /** A failure and its causes, outermost first, each once (a cause cycle ends the list). */
  public static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  /** Whether a failure tells what went wrong: a type of ours to word, or a message of its own. */
  private static boolean saysSomething(Throwable t) {
    return known(t) || hasWords(t);
  }

  private static boolean known(Throwable t) {
    return t instanceof FileSystemException
        || t instanceof CharacterCodingException
        || t instanceof EOFException
        || t instanceof UnknownHostException
        || t instanceof UnresolvedAddressException
        || t instanceof ConnectException
        || t instanceof NoRouteToHostException
        || t instanceof SocketTimeoutException
        || t instanceof HttpTimeoutException
        || t instanceof TimeoutException
        || t instanceof InterruptedByTimeoutException
        || t instanceof SSLException;
  }

  private static boolean hasWords(Throwable t) {
    String message = t.getMessage();
    if (message == null || words(message).isEmpty()) {
      return false;
    }
    // A wrapper built from its cause (new UncheckedIOException(cause), ExecutionException) only
    // repeats the cause's toString, class name included.
    Throwable cause = t.getCause();
    return cause == null || !message.equals(cause.toString());
  }

  private static Throwable unwrapped(Throwable error) {
    return error instanceof UncheckedIOException unchecked && unchecked.getCause() != null
        ? unchecked.getCause()
        : error;
  }

  private static boolean untrustedCertificate(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException
          || t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException) {
        return true;
      }
    }
    return false;
  }

  /**
   * A JDK or library text as part of a sentence: one line, no leading exception class name, the
   * first letter lower-cased unless the word is an acronym ("Is a directory" → "is a directory",
   * "TLS ..." stays). For a library's reason that comes as text, not as an exception.
   */
  public static String words(String message) {
    String text = message.replaceAll("\\s*\\R\\s*", " ").strip();
    text = CANNOT_RUN_PROGRAM.matcher(text).replaceFirst("");
    String previous;
    do {
      previous = text;
      text = CLASS_NAME.matcher(text).replaceAll("").strip();
    } while (!text.equals(previous));
    if (text.endsWith(":")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    if (FIRST_WORD_CAPITALIZED.matcher(text).lookingAt()) {
      text = Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
    return text;
  }
}
