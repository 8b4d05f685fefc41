package dev.vigil.detect.file;

import dev.vigil.ingest.io.PartialFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a bounded run's output as one local file of lines, whole or not at all (a {@link
 * PartialFile}): lines go to a hidden file beside the target, which replaces the target only at the
 * end of the input; a failed run leaves no partial output (and the target's previous content, if
 * any). A device or pipe ({@code /dev/null}, a named pipe) is written in place.
 *
 * <p>Why not {@code FileSink}: it writes a directory of part files, committed on checkpoints, which
 * is what an unbounded job on a cluster needs (and what {@link dev.vigil.detect.DetectionJob#main}
 * uses), but a command that promises {@code --out FILE} needs one file, written once. The embedded
 * run disables restarts, so each line is written by exactly one attempt. Runs at parallelism 1.
 *
 * <p>With an order, lines are held and written sorted at the end, so the output does not depend on
 * the order in which parallel subtasks delivered them (used for alerts, which are few).
 */
public final class LineFileSink<T> implements Sink<T> {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(LineFileSink.class);

  /** Turns an element into its line (without the newline). */
  @FunctionalInterface
  public interface Formatter<T> extends Serializable {
    String format(T element);
  }

  private final String target;
  private final Formatter<T> formatter;
  private final Order<T> sortOrder;

  /** A serializable order of elements. */
  @FunctionalInterface
  public interface Order<T> extends Comparator<T>, Serializable {}

  private LineFileSink(Path target, Formatter<T> formatter, Order<T> sortOrder) {
    this.target = target.toAbsolutePath().toString();
    this.formatter = formatter;
    this.sortOrder = sortOrder;
  }

  /** Lines in arrival order. */
  public static <T> LineFileSink<T> inArrivalOrder(Path target, Formatter<T> formatter) {
    return new LineFileSink<>(target, formatter, null);
  }

  /** Lines in the given order of their elements (held in memory until the end of the input). */
  public static <T> LineFileSink<T> sorted(Path target, Formatter<T> formatter, Order<T> order) {
    return new LineFileSink<>(target, formatter, order);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    if (context.getTaskInfo().getNumberOfParallelSubtasks() != 1) {
      throw new IllegalStateException("a line file sink must run at parallelism 1");
    }
    return new Writer();
  }

  private final class Writer implements SinkWriter<T> {

    /** The file written, whole at the end of the input or not at all. */
    private final PartialFile file;

    private final BufferedWriter out;
    private final List<T> held = new ArrayList<>();
    private boolean committed;

    Writer() throws IOException {
      // Owner-only, whatever the umask: alerts, events and dead letters carry raw records.
      file = PartialFile.create(Path.of(target));
      out = Files.newBufferedWriter(file.path(), StandardCharsets.UTF_8);
    }

    @Override
    public void write(T element, Context context) throws IOException {
      if (sortOrder != null) {
        held.add(element);
      } else {
        out.write(formatter.format(element));
        out.write('\n');
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      if (!endOfInput || committed) {
        out.flush();
        return;
      }
      if (sortOrder != null) {
        held.sort(sortOrder);
        for (T element : held) {
          out.write(formatter.format(element));
          out.write('\n');
        }
        held.clear();
      }
      out.close();
      file.commit();
      committed = true;
    }

    /**
     * Nothing is left to do after a commit. Otherwise the run failed or was cancelled, and this is
     * its clean-up, which must not throw: Flink treats an exception while cleaning up a failed task
     * as fatal and takes the whole TaskManager down, hiding the failure that matters (a full disk
     * fails the write, then the close's flush again). Lines not yet written are dropped with the
     * failed run's output.
     */
    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException discarded) {
        // The run's own failure is already on its way; this one says nothing new.
      }
      try {
        file.discard();
      } catch (IOException e) {
        LOG.warn("cannot remove the partial output {}: {}", file.path(), e.getMessage());
      }
    }
  }
}
