package dev.vigil.detect.kafka;

import dev.vigil.detect.kafka.ResumePoint.Kind;
import dev.vigil.detect.kafka.ResumePoint.StateFolder;
import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps the newest states {@code vigil run} can resume from under a local checkpoint storage, as
 * many as {@code checkpoints.retained_states} says, and deletes the older ones once a run's job
 * runs: not before, so that a start refused by the brokers, OpenSearch or the restore leaves the
 * storage as it was. The running job's own folder, written after its resume point, is kept as
 * anything newer than that point is.
 *
 * <p>Design: the unit is a folder as {@link ResumePoint#stateFolders} finds it, never a single
 * checkpoint: a job folder's {@code chk-<n>} may reference files in its {@code shared/}
 * (incremental checkpoints), and within a running job Flink retains and discards checkpoints
 * itself, while a savepoint folder is self-contained. Folders with a completed resume point are
 * ranked by their newest one, whatever their kind; the newest {@code retained} are kept, and so are
 * the folder of the chosen resume point and every folder newer than it, whatever the count. Any
 * other folder goes only when nothing in it (walked without following links) was written at or
 * after the oldest kept resume point: a checkpoint or savepoint interrupted long ago goes with its
 * folder, while one being written now, by whatever, stays. Only what the layout names is touched
 * (job ids, {@code savepoints/savepoint-*}), only at its place below the storage's real path (a
 * folder reached through a symbolic link is left alone, and links inside are removed, not
 * followed), and only in a local storage. A deletion that fails is reported and skipped: the job
 * runs all the same, and the next start tries again.
 */
public final class StateRetention {

  /** Deletes a folder with everything in it. */
  @FunctionalInterface
  interface Deleter {
    void delete(Path folder) throws IOException;
  }

  /**
   * What one start removed.
   *
   * @param savepoints savepoint folders removed
   * @param runs job folders removed, each with the checkpoints of one earlier run
   * @param failures one line for each folder that could not be removed, naming it and why
   */
  public record Pruned(int savepoints, int runs, List<String> failures) {

    static final Pruned NOTHING = new Pruned(0, 0, List.of());

    public boolean removedAny() {
      return savepoints + runs > 0;
    }

    /** "2 older savepoints and the checkpoints of 1 older run". */
    public String removed() {
      List<String> parts = new ArrayList<>();
      if (savepoints > 0) {
        parts.add(savepoints + " older savepoint" + (savepoints == 1 ? "" : "s"));
      }
      if (runs > 0) {
        parts.add("the checkpoints of " + runs + " older run" + (runs == 1 ? "" : "s"));
      }
      return String.join(" and ", parts);
    }
  }

  private StateRetention() {}

  /**
   * Deletes what is older than the {@code retained} newest states under {@code storage} and than
   * {@code chosen}, the state the run resumes from. Nothing when {@code retained} is empty ({@code
   * all}) or the storage is not local.
   */
  public static Pruned prune(String storage, OptionalInt retained, ResumePoint chosen) {
    return prune(storage, retained, chosen, StateRetention::deleteTree);
  }

  static Pruned prune(String storage, OptionalInt retained, ResumePoint chosen, Deleter deleter) {
    if (retained.isEmpty()) {
      return Pruned.NOTHING;
    }
    Path root = ResumePoint.localRoot(storage).orElse(null);
    if (root == null || !Files.isDirectory(root)) {
      return Pruned.NOTHING;
    }
    List<StateFolder> folders;
    Path realRoot;
    try {
      folders = ResumePoint.stateFolders(root);
      realRoot = root.toRealPath();
    } catch (IOException | UncheckedIOException e) {
      return new Pruned(
          0,
          0,
          List.of(
              "could not look for older states under "
                  + storage
                  + " ("
                  + IoProblems.innermost(e)
                  + "); none was removed"));
    }

    Map<StateFolder, Instant> newest =
        folders.stream()
            .filter(folder -> !folder.completed().isEmpty())
            .collect(Collectors.toMap(Function.identity(), StateRetention::newestCompleted));
    Set<StateFolder> kept = new HashSet<>();
    newest.entrySet().stream()
        .sorted(Map.Entry.<StateFolder, Instant>comparingByValue().reversed())
        .limit(retained.getAsInt())
        .forEach(entry -> kept.add(entry.getKey()));
    newest.forEach(
        (folder, written) -> {
          if (folder.completed().contains(chosen) || !written.isBefore(chosen.written())) {
            kept.add(folder);
          }
        });
    Instant oldestKept =
        kept.stream().map(newest::get).min(Comparator.naturalOrder()).orElse(chosen.written());
    if (chosen.written().isBefore(oldestKept)) {
      oldestKept = chosen.written();
    }

    int savepoints = 0;
    int runs = 0;
    List<String> failures = new ArrayList<>();
    for (StateFolder folder : folders) {
      if (kept.contains(folder)) {
        continue;
      }
      String name =
          (folder.kind() == Kind.SAVEPOINT
                  ? "the older savepoint "
                  : "the older run's checkpoints ")
              + folder.path().toUri();
      try {
        if (!atItsPlace(folder.path(), root, realRoot)
            || !lastWritten(folder.path()).isBefore(oldestKept)) {
          continue;
        }
        deleter.delete(folder.path());
      } catch (IOException | UncheckedIOException e) {
        failures.add(
            "could not remove "
                + name
                + " ("
                + IoProblems.innermost(e)
                + "); the job starts all the same");
        continue;
      }
      if (folder.kind() == Kind.SAVEPOINT) {
        savepoints++;
      } else {
        runs++;
      }
    }
    return new Pruned(savepoints, runs, List.copyOf(failures));
  }

  private static Instant newestCompleted(StateFolder folder) {
    return folder.completed().stream()
        .map(ResumePoint::written)
        .max(Comparator.naturalOrder())
        .orElseThrow();
  }

  /** Whether {@code folder} is where it seems, with no symbolic link between the storage and it. */
  private static boolean atItsPlace(Path folder, Path root, Path realRoot) throws IOException {
    return folder.toRealPath().equals(realRoot.resolve(root.relativize(folder)));
  }

  /** The newest modification of the folder or anything in it, links not followed. */
  private static Instant lastWritten(Path folder) throws IOException {
    Instant[] newest = {Instant.MIN};
    Files.walkFileTree(
        folder,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            return seen(attributes);
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            return seen(attributes);
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          private FileVisitResult seen(BasicFileAttributes attributes) {
            Instant modified = attributes.lastModifiedTime().toInstant();
            if (modified.isAfter(newest[0])) {
              newest[0] = modified;
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return newest[0];
  }

  /** Deletes bottom-up; a symbolic link inside is deleted itself, never what it points to. */
  static void deleteTree(Path folder) throws IOException {
    Files.walkFileTree(
        folder,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
