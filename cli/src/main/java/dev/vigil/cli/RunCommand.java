package dev.vigil.cli;

import dev.vigil.detect.RuleSet;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.kafka.CheckpointStorageLock;
import dev.vigil.detect.kafka.DroppedState;
import dev.vigil.detect.kafka.EmbeddedJobRunner;
import dev.vigil.detect.kafka.JobFailure;
import dev.vigil.detect.kafka.JobPreflight;
import dev.vigil.detect.kafka.ResumePoint;
import dev.vigil.detect.kafka.StateRetention;
import dev.vigil.detect.kafka.TopicSetup;
import dev.vigil.detect.opensearch.IndexSetup;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.model.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.client.JobInitializationException;
import org.apache.flink.runtime.jobmaster.JobResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil run --config vigil.yaml}: the detection job, unbounded, from Kafka, on the embedded
 * Flink until Ctrl-C or SIGTERM, which stop it with a final savepoint that the next run resumes
 * from (or, when none can be taken in time, cancel it, keeping its last checkpoint). The shaded job
 * jar runs the same job on a cluster: {@code flink run vigil-detection-jobs.jar --config
 * vigil.yaml}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    // One string per paragraph: picocli wraps each to the terminal, and the first is the
    // command's line in 'vigil --help'.
    description = {
      "Run the detection job from the raw Kafka topics until interrupted, as vigil.yaml says.",
      "The job runs on the embedded Flink, configured by the file (docs/configuration.md), and"
          + " resumes from the newest savepoint or checkpoint of an earlier run, deleting those"
          + " older than the newest few (checkpoints.retained_states). Ctrl-C or SIGTERM"
          + " stop it with a final savepoint, so a restart repeats nothing. The file, credentials,"
          + " TLS trust files, rules, the notify destinations rules name and the ports it listens"
          + " on are checked before Kafka is contacted. One run per checkpoints.storage: a second run on the same"
          + " local storage is refused at once."
          + " Exit 1 on a configuration mistake, another run on the same checkpoint storage, a rule that does not load or names an"
          + " unconfigured destination, unreachable brokers or OpenSearch, an unreadable credential,"
          + " an embedded Flink that cannot start, or a failed job."
    })
final class RunCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The configuration file (vigil.yaml).")
  private String config;

  @Option(
      names = "--allow-dropped-state",
      description =
          "Resume even when the saved state holds state of outputs this configuration removed (a"
              + " notify: section, a Kafka, OpenSearch or files sink): that state is left behind,"
              + " the rest is restored. Without it, such a resume fails and names the output.")
  private boolean allowDroppedState;

  private final CliEnvironment env;

  RunCommand(CliEnvironment env) {
    this.env = env;
  }

  /**
   * Locks the checkpoint storage, checks what needs no network (the file, credentials, rules, the
   * destinations rules name, the ports to listen on), then resumes and starts; the line saying the
   * job runs comes only once the embedded cluster has taken it, and old states are pruned only
   * after that line.
   */
  @Override
  public Integer call() throws InterruptedException, IOException {
    JobResult result;
    Optional<ResumePoint> resumeFrom;
    // From the first check on: a Ctrl-C or SIGTERM before the job runs (the brokers' wait may last
    // 30 s) is one line too, not a silent exit.
    try (EmbeddedJobRunner.ShutdownStop shutdownStop =
        EmbeddedJobRunner.ShutdownStop.install(new StopReport(env.stderr()))) {
      VigilConfig loaded = VigilConfigLoader.load(env.resolve(config), config, env.environment());
      // Held until the job has ended (after its final savepoint): a second run on this storage
      // would resume from this one's live state, prune it, and fence its alert transactions.
      try (CheckpointStorageLock storageLock = lockStorage(loaded.checkpoints().storage())) {
        RuleSet rules = JobPreflight.check(loaded);
        // A taken port ends the start before it prunes old states or creates topics.
        JobPreflight.checkPorts(loaded);
        if (loaded.rulesPath().isPresent()) {
          // Compiled by the check: what `rules validate` warns about, in its words, before the
          // start.
          rules.compiled().warnings().forEach(env.stderr()::println);
        }
        resumeFrom = ResumePoint.latest(loaded.checkpoints().storage());
        resumeFrom.ifPresentOrElse(
            point -> env.stderr().println("vigil run: resuming from " + point.describe()),
            // A start without state is no mistake, but one nobody meant (a storage path changed, a
            // volume not mounted) forgets open windows and the alerts already raised: said at once.
            () -> env.stderr().println(freshStartLine(loaded)));
        // Brokers that refuse or do not answer hold the start for the whole timeout: without this
        // line, an on-call engineer watches a silent terminal for half a minute.
        env.stderr().println(checkingLine(loaded));
        env.stderr().flush();
        result =
            EmbeddedJobRunner.run(
                loaded,
                rules,
                resumeFrom.map(ResumePoint::path),
                allowDroppedState,
                restAddress -> {
                  env.stderr().println(startedLine(loaded, restAddress));
                  // Only once the job runs: a start that the brokers, OpenSearch or the restore
                  // refuse leaves the storage as it found it.
                  resumeFrom.ifPresent(point -> pruneOlderStates(loaded.checkpoints(), point));
                  env.stderr().flush();
                },
                status -> {
                  env.stderr().println("vigil run: " + status);
                  env.stderr().flush();
                },
                shutdownStop);
      }
    } catch (InvalidConfigException
        | TopicSetup.TopicSetupException
        | IndexSetup.IndexSetupException
        | EmbeddedJobRunner.EmbeddedClusterException
        | CheckpointStorageLock.LockException e) {
      throw new CommandFailedException(e.getMessage());
    } catch (JobPreflight.UnknownDestinationException e) {
      e.errors().forEach(error -> env.stderr().println(error));
      throw new CommandFailedException(e.getMessage());
    } catch (RuleException e) {
      e.errors().forEach(error -> env.stderr().println(error));
      throw new CommandFailedException(
          "the rules do not load; run 'vigil rules validate' for details");
    }
    if (result.getApplicationStatus().deriveJobStatus() == JobStatus.FAILED) {
      throw new CommandFailedException(failure(result, resumeFrom));
    }
    return 0;
  }

  /**
   * The lock on a local {@code storage} that keeps a second {@code vigil run} from resuming from,
   * pruning and fencing this one's state; null for storage that cannot be locked, which a line then
   * says.
   */
  private CheckpointStorageLock lockStorage(String storage) {
    Optional<CheckpointStorageLock> lock = CheckpointStorageLock.acquire(storage);
    if (lock.isEmpty()) {
      env.stderr().println(unlockedStorageLine(storage));
    }
    return lock.orElse(null);
  }

  static String unlockedStorageLine(String storage) {
    return "vigil run: checkpoints.storage "
        + storage
        + " is not a local directory, so nothing keeps a second vigil run from using it too;"
        + " make sure this is the only run with that storage";
  }

  /**
   * What a start without a checkpoint or savepoint to resume from reads first, and that its rule
   * state (open windows, the alert ids already raised) starts empty.
   */
  static String freshStartLine(VigilConfig config) {
    String storage = config.checkpoints().storage();
    String where =
        ResumePoint.isLocal(storage)
            ? "no checkpoint or savepoint to resume from under " + storage
            : "checkpoints.storage " + storage + " is not looked into for a state to resume from";
    VigilConfig.Kafka kafka = config.kafka();
    String from =
        switch (kafka.startingOffsets()) {
          case COMMITTED ->
              "the offsets committed by the consumer group "
                  + kafka.groupId()
                  + ", else the earliest";
          case EARLIEST -> "the earliest offsets";
          case LATEST -> "the latest offsets, skipping what the topics already hold";
        };
    return "vigil run: "
        + where
        + ", so the job starts with empty rule state, reading from "
        + from
        + " (kafka.starting_offsets: "
        + kafka.startingOffsets().name().toLowerCase(Locale.ROOT)
        + ")";
  }

  /** What the start waits for, before the brokers are first asked. */
  static String checkingLine(VigilConfig config) {
    return "vigil run: checking the Kafka brokers at "
        + config.kafka().bootstrapServers()
        + " (up to "
        + Durations.format(TopicSetup.TIMEOUT)
        + ")";
  }

  /**
   * What runs, from where, and where its status and metrics are: printed once the job has been
   * taken, so it is true when read.
   */
  static String startedLine(VigilConfig config, URI restAddress) {
    return "vigil run: job "
        + config.job().name()
        + " is running, reading "
        + String.join(", ", config.kafka().topics().raw().keySet())
        + config
            .kafka()
            .topics()
            .rawPattern()
            .map(pattern -> " and the topics matching " + pattern.pattern())
            .orElse("")
        + " from "
        + config.kafka().bootstrapServers()
        + "; status and metrics: "
        // The CLI has no Flink web UI: the REST API's root answers 404, its job list does not.
        + restAddress.resolve("jobs/overview")
        + " (Flink REST API, this machine only)"
        + config
            .metrics()
            .prometheus()
            .map(prometheus -> "; Prometheus metrics: " + prometheus.url())
            .orElse("")
        + "; Ctrl-C stops it";
  }

  /**
   * Deletes the states older than the {@code checkpoints.retained_states} newest and than {@code
   * resumeFrom}, saying so in one line; a folder that cannot be deleted is a line of its own, and
   * the job starts all the same.
   */
  private void pruneOlderStates(VigilConfig.Checkpoints checkpoints, ResumePoint resumeFrom) {
    StateRetention.Pruned pruned =
        StateRetention.prune(checkpoints.storage(), checkpoints.retainedStates(), resumeFrom);
    pruned.failures().forEach(line -> env.stderr().println("vigil run: " + line));
    if (pruned.removedAny()) {
      env.stderr().println(prunedLine(pruned, checkpoints.retainedStates().getAsInt()));
    }
  }

  static String prunedLine(StateRetention.Pruned pruned, int retainedStates) {
    return "vigil run: removed "
        + pruned.removed()
        + " (checkpoints.retained_states: "
        + retainedStates
        + ")";
  }

  /**
   * Why the job failed, from the innermost cause, with the root cause's type ({@link JobFailure}).
   * A job that cannot even start while resuming was most likely refused its checkpoint (another
   * {@code job.max_parallelism}, a changed job), which the message then names with the way out.
   */
  static String failure(JobResult result, Optional<ResumePoint> resumedFrom) {
    Throwable cause =
        result
            .getSerializedThrowable()
            .map(t -> t.deserializeError(RunCommand.class.getClassLoader()))
            .orElse(null);
    Optional<String> dropped = DroppedState.describe(cause);
    if (dropped.isPresent() && resumedFrom.isPresent()) {
      return "the detection job failed: "
          + resumedFrom.get().describe()
          + " holds state of "
          + dropped.get()
          + ", which this configuration removes; run vigil run --allow-dropped-state once to"
          + " leave that state behind and restore the rest, or put the setting back";
    }
    String message = "the detection job failed: " + JobFailure.describe(cause);
    if (cause instanceof JobInitializationException && resumedFrom.isPresent()) {
      message +=
          " (it was resuming from "
              + resumedFrom.get().describe()
              + "; to start without it, point checkpoints.storage elsewhere)";
    }
    return message;
  }

  /**
   * The lines Ctrl-C and SIGTERM print: what the stop waits for, and how the job ended; or that no
   * job had started.
   */
  static final class StopReport implements EmbeddedJobRunner.StopListener {
    private final PrintWriter stderr;

    StopReport(PrintWriter stderr) {
      this.stderr = stderr;
    }

    @Override
    public void stoppedBeforeStart() {
      print(
          "stopped before the job started: no record was read and checkpoints.storage is as it"
              + " was, so there is nothing to savepoint");
    }

    @Override
    public void savepointRequested(Duration timeout) {
      print(
          "stopping the job with a final savepoint (waiting at most "
              + Durations.format(timeout)
              + ")");
    }

    @Override
    public void stopped(EmbeddedJobRunner.Stop stop) {
      if (stop instanceof EmbeddedJobRunner.Stop.WithSavepoint savepoint) {
        print(
            "stopped with the savepoint "
                + savepoint.path()
                + "; the next vigil run resumes from it");
      } else if (stop instanceof EmbeddedJobRunner.Stop.Cancelled cancelled) {
        print(
            "no final savepoint ("
                + cancelled.reason()
                + "); cancelled the job instead, "
                + (cancelled.checkpointRetained()
                    ? "so the next vigil run resumes from its last checkpoint and repeats what"
                        + " followed it"
                    : "and checkpoints.retain_on_cancel is false, so its checkpoints are gone"));
      }
    }

    private void print(String line) {
      stderr.println("vigil run: " + line);
      stderr.flush();
    }
  }
}
