package dev.vigil.detect.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A state the embedded job resumes from: a checkpoint retained by an earlier run, or the final
 * savepoint an earlier run was stopped with, both under {@code checkpoints.storage}.
 *
 * <p>Design: both are found the same way, as folders that hold a completed {@code _metadata} file
 * (a checkpoint or savepoint that did not complete has none): {@code <storage>/<job id>/chk-<n>}
 * and {@code <storage>/savepoints/savepoint-<id>}. The newest by the time its {@code _metadata} was
 * written wins, whatever its kind. That settles a savepoint already resumed from without marking or
 * deleting anything: the run that resumed from it writes checkpoints after it, so its first
 * completed checkpoint supersedes the savepoint; a run stopped before completing one resumes from
 * the savepoint again, which is still its latest state. Older checkpoints and savepoints stay where
 * they are, for an operator to delete or to resume from by hand.
 *
 * @param kind a checkpoint or a savepoint
 * @param path its folder, as a {@code file:} URI
 * @param written when its {@code _metadata} was written
 */
public record ResumePoint(Kind kind, String path, Instant written) {

  /** The folder under {@code checkpoints.storage} that holds the final savepoints. */
  public static final String SAVEPOINTS = "savepoints";

  public enum Kind {
    CHECKPOINT,
    SAVEPOINT;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where stopping the job writes its final savepoint: {@code <storage>/savepoints}. */
  public static String savepointDirectory(String storage) {
    return (storage.endsWith("/") ? storage : storage + "/") + SAVEPOINTS;
  }

  /**
   * The newest checkpoint or savepoint under {@code storage} (a local directory or {@code file:}
   * URI); empty when there is none, or when the storage is not local (a cluster's {@code s3://}
   * storage is resumed from with {@code flink run -s}).
   */
  public static Optional<ResumePoint> latest(String storage) {
    URI uri = URI.create(storage);
    if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
      return Optional.empty();
    }
    Path root = uri.getScheme() == null ? Path.of(storage) : Path.of(uri);
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    Path savepoints = root.resolve(SAVEPOINTS);
    try (Stream<Path> folders = Files.list(root)) {
      Stream<ResumePoint> checkpoints =
          folders
              .filter(folder -> !folder.equals(savepoints) && Files.isDirectory(folder))
              .flatMap(job -> completed(job, "chk-", Kind.CHECKPOINT));
      return Stream.concat(checkpoints, completed(savepoints, "savepoint-", Kind.SAVEPOINT))
          .max(Comparator.comparing(ResumePoint::written));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints under " + root, e);
    }
  }

  /**
   * A savepoint's location as Flink reports it ({@code file:/...}) in the form {@link #latest}
   * names it, so the line that reports a savepoint and the line that resumes from it agree.
   */
  public static String display(String location) {
    URI uri = URI.create(location);
    return "file".equals(uri.getScheme()) ? Path.of(uri).toUri().toString() : location;
  }

  /** "the savepoint file:///..." or "the checkpoint file:///...". */
  public String describe() {
    return "the " + kind + " " + path;
  }

  private static Stream<ResumePoint> completed(Path parent, String prefix, Kind kind) {
    if (!Files.isDirectory(parent)) {
      return Stream.empty();
    }
    try (Stream<Path> children = Files.list(parent)) {
      return children
          .filter(child -> child.getFileName().toString().startsWith(prefix))
          .map(child -> child.resolve("_metadata"))
          .filter(Files::isRegularFile)
          .map(
              metadata ->
                  new ResumePoint(kind, metadata.getParent().toUri().toString(), written(metadata)))
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + parent, e);
    }
  }

  private static Instant written(Path metadata) {
    try {
      return Files.getLastModifiedTime(metadata).toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the time of " + metadata, e);
    }
  }
}
