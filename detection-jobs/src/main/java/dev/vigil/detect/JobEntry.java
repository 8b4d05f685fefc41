package dev.vigil.detect;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.file.FileOutputs;
import dev.vigil.detect.file.RawFiles;
import dev.vigil.detect.kafka.ContinuousDetection;
import dev.vigil.detect.kafka.DroppedState;
import dev.vigil.detect.kafka.FlinkSettings;
import dev.vigil.detect.kafka.JobPreflight;
import dev.vigil.detect.kafka.OutputRecordLimits;
import dev.vigil.detect.kafka.TopicSetup;
import dev.vigil.detect.opensearch.IndexSetup;
import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.mapping.MappingTableException;
import dev.vigil.ingest.spi.DurationSyntax;
import dev.vigil.ingest.yaml.InvalidConfigException;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.RulePathException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job jar's command line, behind {@link DetectionJob#main}: {@code --config vigil.yaml} builds
 * the unbounded job from Kafka ({@link ContinuousDetection}), {@code --input ... --output DIR} the
 * bounded one over files. Everything that can be checked before submitting is checked in the order
 * {@code vigil run} checks it (the file, credentials, rules and their destinations, then topics and
 * templates), and a mistake is its message on stderr and exit code {@value #EXIT_ERROR}, as {@code
 * vigil run} gives for the same mistake; a wrong command line is the usage and the same code. No
 * stack trace for any of these: the person at the terminal made them, not the job.
 *
 * <p>The GCP super-admins and the user's mapping tables are read here, on the submitting machine,
 * and travel in the job graph ({@link dev.vigil.ingest.NormalizerSettings}): from vigil.yaml's
 * {@code sources:} section, or {@code --gcp-super-admins} and {@code --mappings-dir} for files,
 * each falling back to its environment variable of this process. A TaskManager's environment is
 * never read.
 */
final class JobEntry {

  /** The exit code of every mistake, as the {@code vigil} command line uses for its own. */
  static final int EXIT_ERROR = 1;

  /** A scheme the cluster has no file system for, in Flink's words. */
  private static final Pattern UNSUPPORTED_SCHEME =
      Pattern.compile("file system implementation for scheme '([^']+)'");

  /**
   * A "Caused by" line of the stack trace a cluster sends back in the text of a REST error, without
   * its exception class.
   */
  private static final Pattern SERVER_CAUSE =
      Pattern.compile("\nCaused by: (?:[\\w$]+\\.)*[\\w$]+(?:Exception|Error)(?::[ ]?)?([^\\n]*)");

  static final String USAGE =
      "usage: flink run vigil-detection-jobs.jar --config vigil.yaml\n"
          + "   or: flink run vigil-detection-jobs.jar --input PATH [--input PATH]... --output DIR"
          + " [--rules PATH]... [--max-out-of-orderness 30s] [--checkpoint-interval 30s]"
          + " [--gcp-super-admins EMAIL,...] [--mappings-dir DIR]";

  private JobEntry() {}

  /**
   * Builds and runs (on a cluster: submits) the job {@code args} describe.
   *
   * @return 0 once the job has run or been submitted, {@value #EXIT_ERROR} after a mistake, which
   *     {@code err} then names
   */
  static int run(String[] args, PrintStream err) throws Exception {
    return run(args, err, System.getenv(), JobEntry::submit);
  }

  /** As {@link #run(String[], PrintStream)}, with the given environment variables. */
  static int run(String[] args, PrintStream err, Map<String, String> environment) throws Exception {
    return run(args, err, environment, JobEntry::submit);
  }

  /**
   * As {@link #run(String[], PrintStream, Map)}, with {@code submitter} doing what follows the
   * checks that need no network: the topics, the job graph and its submission.
   */
  static int run(
      String[] args, PrintStream err, Map<String, String> environment, Submitter submitter)
      throws Exception {
    try {
      if (args.length > 0 && args[0].equals("--config")) {
        if (args.length != 2) {
          return usage(err, args.length == 1 ? "--config needs a value" : "too many arguments");
        }
        streaming(Path.of(args[1]), environment, err, submitter);
      } else {
        bounded(args, environment);
      }
      return 0;
    } catch (UsageException e) {
      return usage(err, e.getMessage());
    } catch (InvalidConfigException
        | IndexSetup.IndexSetupException
        | TopicSetup.TopicSetupException
        | MappingTableException e) {
      err.println(e.getMessage());
      return EXIT_ERROR;
    } catch (JobPreflight.UnknownDestinationException e) {
      e.errors().forEach(err::println);
      err.println(e.getMessage());
      return EXIT_ERROR;
    } catch (RulePathException e) {
      // Only --rules reaches the loader unchecked: vigil.yaml's rules.path is checked with its
      // line.
      err.println("--rules " + e.getMessage());
      return EXIT_ERROR;
    } catch (RuleException e) {
      e.errors().forEach(err::println);
      err.println("the rules do not load; run 'vigil rules validate' for details");
      return EXIT_ERROR;
    } catch (NotSubmittedException e) {
      err.println(e.getMessage());
      return EXIT_ERROR;
    } catch (LinkageError e) {
      err.println(classClash(e));
      return EXIT_ERROR;
    }
  }

  /** What follows the checks of {@code --config} that need no network, up to the submission. */
  @FunctionalInterface
  interface Submitter {
    void submit(VigilConfig config, RuleSet rules, PrintStream err) throws Exception;
  }

  private static void streaming(
      Path file, Map<String, String> environment, PrintStream err, Submitter submitter)
      throws Exception {
    VigilConfig config = VigilConfigLoader.load(file, file.toString(), environment);
    RuleSet rules = JobPreflight.check(config);
    localStorageWarning(config.checkpoints().storage()).ifPresent(err::println);
    try {
      submitter.submit(config, rules, err);
    } catch (InvalidConfigException
        | IndexSetup.IndexSetupException
        | TopicSetup.TopicSetupException e) {
      throw e;
    } catch (Exception e) {
      throw new NotSubmittedException(submissionFailure(e, config));
    }
  }

  private static void submit(VigilConfig config, RuleSet rules, PrintStream err) throws Exception {
    OutputRecordLimits limits = JobPreflight.prepare(config, err::println);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(FlinkSettings.from(config));
    ContinuousDetection.build(env, config, rules, limits);
    env.execute(config.job().name());
  }

  /**
   * A local {@code file:} checkpoint storage on a cluster: each TaskManager and the JobManager
   * write their own disk at that path, so no host holds a whole checkpoint and {@code flink run -s}
   * cannot resume from it, unless the path is a mount every host shares. Only a warning: a one-host
   * cluster, or such a mount, works.
   */
  static Optional<String> localStorageWarning(String storage) {
    if (!storage.startsWith("file:")) {
      return Optional.empty();
    }
    return Optional.of(
        "warning: checkpoints.storage is a local path ("
            + storage
            + "): on a cluster of several hosts each one writes its own disk there, and flink run"
            + " -s cannot resume from it; use s3://, hdfs:// or a mount every host shares");
  }

  /**
   * A failed submission as one line: its innermost cause, and for a storage scheme the cluster
   * lacks, the plugin to install. Flink's own report is some 70 lines of nested stack traces.
   */
  static String submissionFailure(Throwable failure, VigilConfig config) {
    Optional<String> dropped = DroppedState.describe(failure);
    if (dropped.isPresent()) {
      return "the detection job was not started: the state it resumes from (flink run -s) holds"
          + " state of "
          + dropped.get()
          + ", which this configuration removes; add -n (--allowNonRestoredState) to leave that"
          + " state behind and restore the rest, or put the setting back";
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LinkageError linkage) {
        return classClash(linkage);
      }
      // By message, not type: a failure from the cluster may arrive as a SerializedThrowable, or
      // as the server's stack trace in the text of a REST error.
      Matcher scheme = UNSUPPORTED_SCHEME.matcher(t.getMessage() == null ? "" : t.getMessage());
      if (scheme.find()) {
        return "the detection job was not started: the cluster has no file system for scheme '"
            + scheme.group(1)
            + "' ("
            + keyUsing(config, scheme.group(1))
            + "); install its plugin"
            + (scheme.group(1).startsWith("s3")
                ? " (flink-s3-fs-hadoop or flink-s3-fs-presto)"
                : "")
            + " in a folder of its own under the cluster's plugins/ and restart the cluster";
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      Matcher innermost = SERVER_CAUSE.matcher(t.getMessage() == null ? "" : t.getMessage());
      String cause = null;
      while (innermost.find()) {
        cause = innermost.group(1);
      }
      if (cause != null && !cause.isBlank()) {
        return "the detection job was not started: " + cause.strip();
      }
    }
    return "the detection job was not started: " + IoProblems.innermost(failure);
  }

  private static String keyUsing(VigilConfig config, String scheme) {
    String storage = config.checkpoints().storage();
    Optional<String> files = config.sinks().filesDirectory();
    if (files.isPresent()
        && files.get().startsWith(scheme + ":")
        && !storage.startsWith(scheme + ":")) {
      return "sinks.files.directory " + files.get();
    }
    return "checkpoints.storage " + storage;
  }

  /**
   * A class the job jar links against that the cluster replaced: Flink loads {@code
   * org.apache.flink.*} parent-first, so a Kafka connector or flink-avro in the cluster's {@code
   * lib/} wins over the jar's own copy, built for another version.
   */
  static String classClash(LinkageError error) {
    return "the job jar's classes clash with the cluster's ("
        + error.getClass().getSimpleName()
        + ": "
        + error.getMessage()
        + "): a Flink Kafka connector (such as flink-sql-connector-kafka) or flink-avro in the"
        + " cluster's lib/ is loaded instead of the jar's own; remove it from lib/, see"
        + " docs/detection-job.md";
  }

  private static void bounded(String[] args, Map<String, String> environment) throws Exception {
    List<Path> inputs = new ArrayList<>();
    List<Path> ruleRoots = new ArrayList<>();
    String output = null;
    String superAdmins = environment.get(NormalizerSettings.SUPER_ADMINS_ENV);
    String superAdminsFrom = NormalizerSettings.SUPER_ADMINS_ENV;
    String mappingsDir = environment.get(NormalizerSettings.MAPPINGS_DIR_ENV);
    String mappingsDirFrom = NormalizerSettings.MAPPINGS_DIR_ENV;
    Duration outOfOrderness = JobOptions.DEFAULT_MAX_OUT_OF_ORDERNESS;
    Duration checkpointInterval = Duration.ofSeconds(30);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!List.of(
              "--input",
              "--rules",
              "--output",
              "--max-out-of-orderness",
              "--checkpoint-interval",
              "--gcp-super-admins",
              "--mappings-dir")
          .contains(flag)) {
        throw new UsageException(
            flag.equals("--config")
                ? "--config goes alone"
                : "unknown option or argument '" + flag + "'");
      }
      if (i + 1 >= args.length) {
        throw new UsageException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--input" -> inputs.add(Path.of(value));
        case "--rules" -> ruleRoots.add(Path.of(value));
        case "--output" -> output = value;
        case "--max-out-of-orderness" -> outOfOrderness = duration(flag, value);
        case "--gcp-super-admins" -> {
          superAdmins = value;
          superAdminsFrom = flag;
        }
        case "--mappings-dir" -> {
          mappingsDir = value;
          mappingsDirFrom = flag;
        }
        default -> {
          checkpointInterval = duration(flag, value);
          // As checkpoints.interval in vigil.yaml: shorter only burdens the job.
          if (checkpointInterval.toMillis() < 100) {
            throw new UsageException(flag + ": must be at least 100ms, got '" + value + "'");
          }
        }
      }
    }
    if (inputs.isEmpty() || output == null) {
      throw new UsageException(
          args.length == 0 ? null : "--input and --output are required without --config");
    }
    NormalizerSettings normalizer =
        normalizerSettings(superAdmins, superAdminsFrom, mappingsDir, mappingsDirFrom);
    RuleSet rules = ruleRoots.isEmpty() ? RuleSet.builtIn() : RuleSet.load(ruleRoots);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    // The file sink commits its part files on checkpoints (the last one after the input ends).
    env.enableCheckpointing(checkpointInterval.toMillis());
    // One reader, files in path order, as vigil detect: the same files give the same alerts on
    // every run (see JobOptions#orderedInput).
    DataStream<RawRecord> raw =
        env.fromSource(RawFiles.source(inputs), WatermarkStrategy.noWatermarks(), "raw-files")
            .setParallelism(1)
            .uid("raw-files");
    DetectionJob.build(
        env,
        raw,
        FileOutputs.partFiles(output),
        JobOptions.builder(rules)
            .setMaxOutOfOrderness(outOfOrderness)
            .setNormalizer(normalizer)
            .setOrderedInput(true)
            .build());
    env.execute("vigil-detection");
  }

  /**
   * The super-admins and the tables of the mappings directory, each named in messages by where it
   * came from ({@code --mappings-dir} or its environment variable); a table's mistake is a {@link
   * MappingTableException} naming its file and line.
   */
  private static NormalizerSettings normalizerSettings(
      String superAdmins, String superAdminsFrom, String mappingsDir, String mappingsDirFrom) {
    List<String> admins = NormalizerSettings.commaSeparated(superAdmins);
    NormalizerSettings.firstNonEmail(admins)
        .ifPresent(
            notEmail -> {
              throw new UsageException(
                  superAdminsFrom
                      + ": must list emails (admin@example.com), got '"
                      + notEmail
                      + "'");
            });
    Optional<Path> dir = Optional.empty();
    if (mappingsDir != null && !mappingsDir.isBlank()) {
      Path resolved = Path.of(mappingsDir.trim()).toAbsolutePath().normalize();
      if (!Files.isDirectory(resolved)) {
        throw new UsageException(mappingsDirFrom + ": no directory at " + resolved);
      }
      dir = Optional.of(resolved);
    }
    return NormalizerSettings.load(admins, dir);
  }

  private static Duration duration(String flag, String value) {
    try {
      return DurationSyntax.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  private static int usage(PrintStream err, String problem) {
    if (problem != null) {
      err.println(problem);
    }
    err.println(USAGE);
    return EXIT_ERROR;
  }

  /** A job that the cluster did not take, said in one line. */
  private static final class NotSubmittedException extends RuntimeException {
    NotSubmittedException(String message) {
      super(message);
    }
  }

  /** A command line that does not describe a job; null message: nothing but the usage to say. */
  private static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
