package dev.vigil.detect.file;

import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.RawInputs;
import dev.vigil.ingest.io.RecordSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads raw audit files (any source, any mix of JSON Lines, pretty-printed or enveloped records,
 * gzip recognized by its magic bytes) into the same {@link RawRecord}s as {@code vigil normalize}:
 * cut by {@link RecordSplitter}, origins {@code <name>:<line>} where the name is the file as given,
 * or its path relative to the directory given.
 *
 * <p>Design: the splitter pushes records as it scans; Flink's reader pulls batches. One reader
 * thread per open file runs the splitter into a small bounded queue, so memory stays bounded on any
 * file size, and {@link #readBatch} drains it. A file is one split (the splitter needs the whole
 * stream to find record boundaries); the checkpointed position is the number of records already
 * emitted, which a restored reader skips. A file cut off or corrupt part-way does not fail the job:
 * the splitter turns the damage into one record with a read failure, which becomes a dead letter.
 */
public final class RawRecordFormat implements BulkFormat<RawRecord, FileSourceSplit> {

  private static final long serialVersionUID = 1L;
  private static final int BATCH = 256;
  private static final Logger LOG = LoggerFactory.getLogger(RawRecordFormat.class);

  private final List<InputRoot> roots;

  /**
   * An input as given on the command line: {@code name} as the user wrote it, {@code path} the
   * absolute path Flink reads.
   */
  public record InputRoot(String name, String path) implements java.io.Serializable {}

  public RawRecordFormat(List<InputRoot> roots) {
    this.roots = List.copyOf(roots);
  }

  @Override
  public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split)
      throws IOException {
    return new SplitterReader(split, originName(split.path()), 0);
  }

  @Override
  public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
      throws IOException {
    long skip =
        split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
    return new SplitterReader(split, originName(split.path()), skip);
  }

  @Override
  public boolean isSplittable() {
    return false;
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }

  /** The name a file's records carry in their origin, as {@code vigil normalize} names it. */
  String originName(Path file) {
    String path = file.toUri().getPath();
    for (InputRoot root : roots) {
      if (path.equals(root.path())) {
        return root.name();
      }
      String prefix = root.path().endsWith("/") ? root.path() : root.path() + "/";
      if (path.startsWith(prefix)) {
        return path.substring(prefix.length());
      }
    }
    return path;
  }

  private static final class SplitterReader implements Reader<RawRecord> {

    /** Marks the end of the file in the queue. */
    private static final RawRecord END = new RawRecord(new byte[0], "end");

    private final BlockingQueue<RawRecord> queue = new ArrayBlockingQueue<>(BATCH * 4);
    private final Thread scanner;
    private final FSDataInputStream file;
    private volatile IOException failure;
    private long emitted;
    private boolean done;

    SplitterReader(FileSourceSplit split, String originName, long skip) throws IOException {
      this.file = split.path().getFileSystem().open(split.path());
      this.emitted = skip;
      RecordSplitter splitter =
          new RecordSplitter(originName, NormalizerLimits.DEFAULTS.maxRecordBytes());
      this.scanner =
          new Thread(
              () -> {
                long[] seen = {0};
                try (InputStream in = RawInputs.decompressed(file)) {
                  splitter.split(
                      in,
                      record -> {
                        if (record.readFailure() != null) {
                          // The damaged tail becomes a dead letter; the job goes on. Logged for a
                          // job on a cluster; vigil detect prints no info logs, and tells its user
                          // from the job's result (DetectSummary#damagedInputs), in normalize's
                          // words.
                          LOG.info("{}: {}", record.origin(), record.readFailure());
                        }
                        if (seen[0]++ >= skip) {
                          put(record);
                        }
                      });
                } catch (IOException e) {
                  failure = e;
                } catch (InterruptedRuntimeException e) {
                  return;
                } catch (RuntimeException e) {
                  failure = new IOException("cannot split " + originName + " into records", e);
                }
                try {
                  queue.put(END);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "vigil-record-splitter " + originName);
      scanner.setDaemon(true);
      scanner.start();
    }

    private void put(RawRecord record) {
      try {
        queue.put(record);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedRuntimeException();
      }
    }

    @Override
    public RecordIterator<RawRecord> readBatch() throws IOException {
      if (done) {
        return null;
      }
      RawRecord[] batch = new RawRecord[BATCH];
      int count = 0;
      try {
        RawRecord first = queue.take();
        while (true) {
          RawRecord next = count == 0 ? first : queue.poll();
          if (next == null) {
            break;
          }
          if (next == END) {
            done = true;
            break;
          }
          batch[count++] = next;
          if (count == BATCH) {
            break;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading a file", e);
      }
      if (failure != null) {
        throw failure;
      }
      if (count == 0) {
        return null;
      }
      ArrayResultIterator<RawRecord> iterator = new ArrayResultIterator<>();
      iterator.set(batch, count, CheckpointedPosition.NO_OFFSET, emitted);
      emitted += count;
      return iterator;
    }

    @Override
    public void close() throws IOException {
      scanner.interrupt();
      file.close();
    }
  }

  /** Unwinds the splitter when the reader is closed while the queue is full. */
  private static final class InterruptedRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InterruptedRuntimeException() {
      super(null, null, false, false);
    }
  }
}
