package dev.vigil.detect.kafka;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.util.SerializedThrowable;

/**
 * Why a running job failed, as the one line {@code vigil run} prints for on-call: the innermost
 * reason ({@link IoProblems#innermost}) and the type of the root cause, {@code connection refused
 * (ConnectException)}, {@code NullPointerException without a message (in: could not forward element
 * to next operator)}; an I/O root cause that says nothing gives way to the cause that gives the
 * reason. A bare message ("null", "Connection refused") says little without its type, and the type
 * is what a search of the logs or of the issue tracker starts from. The notify destinations word a
 * failed delivery with it too.
 *
 * <p>Design: the type is the simple class name (a person reads {@code NullPointerException}, not a
 * package path), never a stack trace. A failure of a running job may come from any operator or
 * library, so its message is checked, not trusted: the types whose messages quote the value they
 * failed on ({@code For input string: "…"}, Jackson's {@code Unrecognized token '…'}, Avro's {@code
 * Not in union …: <datum>}, {@code Text '…' could not be parsed}) may hold part of a raw record,
 * and their message is left out; a URL's user and password ({@code https://user:pw@host}) are
 * masked in any message.
 */
public final class JobFailure {

  /** The failures whose message quotes the input they failed on, by class name. */
  private static final List<String> QUOTING_INPUT =
      List.of("java.lang.NumberFormatException", "java.time.format.DateTimeParseException");

  /**
   * Packages all of whose failures may quote their input (Jackson's tokens and values, Avro's
   * datums); a contained name, so that a relocated copy such as Flink's shaded Jackson matches too.
   */
  private static final List<String> QUOTING_PACKAGES =
      List.of("com.fasterxml.jackson.", "org.apache.avro.");

  /** {@code scheme://user:password@}: what a URL in a message may carry of a credential. */
  private static final Pattern URL_USER_INFO =
      Pattern.compile("(?<=\\b[a-zA-Z][a-zA-Z0-9+.-]{0,20}://)[^\\s/@]+@");

  /** How {@link IoProblems#describe} ends for a failure that says nothing. */
  private static final String WITHOUT_A_REASON = " without a reason";

  private JobFailure() {}

  /** One line: what failed, and the root cause's type; "no cause was reported" for null. */
  public static String describe(Throwable failure) {
    if (failure == null) {
      return "no cause was reported";
    }
    List<Throwable> chain = IoProblems.causes(failure);
    Throwable root = chain.get(chain.size() - 1);
    String type = typeName(root);
    // Any of them: a wrapper's message may repeat its cause's.
    if (chain.stream().anyMatch(JobFailure::quotesInput)) {
      return type + " (its message is left out: it can quote a value of a record)";
    }
    String own = IoProblems.describe(root);
    if (!own.endsWith(WITHOUT_A_REASON)) {
      return maskUserInfo(own) + " (" + type + ")";
    }
    if (root instanceof IOException) {
      // An I/O root that says nothing is plumbing (the HTTP client's ClosedChannelException under
      // its "connection refused"): the reason and the type are those of the cause that says it.
      for (int i = chain.size() - 2; i >= 0; i--) {
        String reason = IoProblems.describe(chain.get(i));
        if (!reason.endsWith(WITHOUT_A_REASON)) {
          return maskUserInfo(reason) + " (" + typeName(chain.get(i)) + ")";
        }
      }
    }
    // The root cause has no words of its own: the reason is a wrapper's, the type the root's.
    String wrapper = IoProblems.innermost(failure);
    return type
        + " without a message"
        + (wrapper.equals(own) ? "" : " (in: " + maskUserInfo(wrapper) + ")");
  }

  /**
   * The class's simple name; for Flink's {@code SerializedThrowable}, which stands in for a class
   * the client could not load, the original's.
   */
  private static String typeName(Throwable t) {
    String name = className(t.getClass(), t);
    String simple = name.substring(name.lastIndexOf('.') + 1);
    return simple.isEmpty() || simple.matches("[^$]*\\$\\d+") ? name : simple.replace('$', '.');
  }

  private static boolean quotesInput(Throwable t) {
    for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
      String name = className(type, t);
      if (QUOTING_INPUT.contains(name) || QUOTING_PACKAGES.stream().anyMatch(name::contains)) {
        return true;
      }
    }
    return false;
  }

  /** The name of {@code type}, or of the original class when {@code t} is a stand-in for it. */
  private static String className(Class<?> type, Throwable t) {
    return type == t.getClass() && t instanceof SerializedThrowable serialized
        ? serialized.getOriginalErrorClassName()
        : type.getName();
  }

  static String maskUserInfo(String text) {
    return URL_USER_INFO.matcher(text).replaceAll("****@");
  }
}
