package dev.vigil.detect.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
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
 * the savepoint again, which is still its latest state. Older checkpoints and savepoints stay until
 * {@link StateRetention} removes them, the same folders read the same way.
 *
 * @param kind a checkpoint or a savepoint
 * @param path its folder, as a {@code file:} URI
 * @param written when its {@code _metadata} was written
 */
public record ResumePoint(Kind kind, String path, Instant written) {

  /** The folder under {@code checkpoints.storage} that holds the final savepoints. */
  public static final String SAVEPOINTS = "savepoints";

  /** A job folder's name: the Flink job id, as {@code JobID#toString} writes it. */
  private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

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
    return localRoot(storage)
        .flatMap(
            root ->
                stateFolders(root).stream()
                    .flatMap(folder -> folder.completed().stream())
                    .max(Comparator.comparing(ResumePoint::written)));
  }

  /** Whether {@code storage} is local, so that {@link #latest} looks into it. */
  public static boolean isLocal(String storage) {
    return localRoot(storage).isPresent();
  }

  /** The directory of a local {@code storage}; empty when the storage is not local. */
  static Optional<Path> localRoot(String storage) {
    URI uri = URI.create(storage);
    if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
      return Optional.empty();
    }
    return Optional.of(uri.getScheme() == null ? Path.of(storage) : Path.of(uri));
  }

  /**
   * A folder of state as Flink lays it out under the storage: a job's checkpoint folder {@code <job
   * id>/} (its {@code chk-<n>} folders share files in its {@code shared/}), or one self-contained
   * {@code savepoints/savepoint-<id>/}.
   *
   * @param completed the resume points completed in it, none when it never completed one (or is
   *     still being written)
   */
  record StateFolder(Path path, Kind kind, List<ResumePoint> completed) {}

  /**
   * Every job folder (named by a Flink job id: 32 hex digits) and savepoint folder under {@code
   * root}, nothing else that may lie there. A folder deleted while it is read (a running job drops
   * its older checkpoints) is skipped.
   */
  static List<StateFolder> stateFolders(Path root) {
    List<StateFolder> folders = new ArrayList<>();
    for (Path job : subfolders(root, name -> JOB_ID.matcher(name).matches())) {
      List<ResumePoint> checkpoints = new ArrayList<>();
      for (Path checkpoint : subfolders(job, name -> name.startsWith("chk-"))) {
        completed(checkpoint, Kind.CHECKPOINT).ifPresent(checkpoints::add);
      }
      folders.add(new StateFolder(job, Kind.CHECKPOINT, List.copyOf(checkpoints)));
    }
    for (Path savepoint :
        subfolders(root.resolve(SAVEPOINTS), name -> name.startsWith("savepoint-"))) {
      folders.add(
          new StateFolder(
              savepoint, Kind.SAVEPOINT, completed(savepoint, Kind.SAVEPOINT).stream().toList()));
    }
    return folders;
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

  private static List<Path> subfolders(Path parent, Predicate<String> named) {
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(parent)) {
      return children
          .filter(child -> named.test(child.getFileName().toString()) && Files.isDirectory(child))
          .toList();
    } catch (NoSuchFileException gone) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + parent, e);
    }
  }

  /** The resume point {@code folder} holds, when its {@code _metadata} was written. */
  private static Optional<ResumePoint> completed(Path folder, Kind kind) {
    Path metadata = folder.resolve("_metadata");
    if (!Files.isRegularFile(metadata)) {
      return Optional.empty();
    }
    try {
      Instant written = Files.getLastModifiedTime(metadata).toInstant();
      return Optional.of(new ResumePoint(kind, folder.toUri().toString(), written));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the time of " + metadata, e);
    }
  }
}
