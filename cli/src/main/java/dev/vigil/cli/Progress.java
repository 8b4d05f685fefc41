package dev.vigil.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line on stderr for long runs: shown only when stderr is a terminal, and only once a
 * run has lasted a couple of seconds, so short runs and pipes never see it. It is redrawn in place
 * at most a few times a second and erased before the summary.
 */
final class Progress {

  private static final long SHOW_AFTER_NANOS = 2_000_000_000L;
  private static final long REDRAW_NANOS = 250_000_000L;
  private static final int BAR_WIDTH = 30;

  private final PrintWriter err;
  private final boolean enabled;
  private final long totalBytes;
  private final long start = System.nanoTime();
  private long nextDraw = start + SHOW_AFTER_NANOS;
  private long bytesRead;
  private boolean drawn;

  /**
   * @param totalBytes bytes of all inputs, or -1 when unknown (standard input)
   */
  Progress(PrintWriter err, boolean enabled, long totalBytes) {
    this.err = err;
    this.enabled = enabled;
    this.totalBytes = totalBytes;
  }

  void bytesRead(long bytes) {
    bytesRead += bytes;
  }

  /** Called once per record; cheap unless a redraw is due. */
  void record(long records) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now < nextDraw) {
      return;
    }
    nextDraw = now + REDRAW_NANOS;
    drawn = true;
    err.print("\r" + line(records) + "\u001b[K");
    err.flush();
  }

  String line(long records) {
    String counts =
        String.format(
            Locale.ROOT,
            "%,d %s, %s read",
            records,
            Plurals.noun(records, "record"),
            mebibytes(bytesRead));
    if (totalBytes <= 0) {
      return counts;
    }
    double fraction = Math.min(1.0, (double) bytesRead / totalBytes);
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%%  %s of %s",
        "#".repeat(filled),
        " ".repeat(BAR_WIDTH - filled),
        Math.round(fraction * 100),
        counts,
        mebibytes(totalBytes));
  }

  /** Erases the progress line so the summary starts on a clean line. */
  void finish() {
    if (drawn) {
      err.print("\r\u001b[K");
      err.flush();
    }
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
