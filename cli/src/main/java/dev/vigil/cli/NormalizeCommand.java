package dev.vigil.cli;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.Source;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.io.OwnerOnlyFiles;
import dev.vigil.ingest.io.PartialFile;
import dev.vigil.ingest.io.RecordSplitter;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code vigil normalize}: audit files in, canonical events out, every record accounted for.
 *
 * <p>Design: inputs are expanded and checked before anything is read, so a usage mistake produces
 * no partial output. Then one pass: each input is split into raw records ({@link RecordSplitter}),
 * in path order on one thread, and the records are normalized on {@code --threads} threads and
 * written in that same order ({@link NormalizePipeline}), with a bounded number of records in
 * flight, so memory does not grow with the input and the output does not depend on the thread
 * count. Every record ends as an event or a dead letter; dead letters always land in a file (see
 * {@link DeadLetterFile}), and the exit code says whether there were any. Files are written whole
 * or not at all, as {@code vigil detect} writes them ({@link PartialFile}): a failed or interrupted
 * run leaves the previous outputs as they were; stdout, a device or a pipe streams.
 */
@Command(
    name = "normalize",
    mixinStandardHelpOptions = true,
    versionProvider = VigilCommand.Version.class,
    sortOptions = false,
    description = {
      "Normalize audit records of Vault, CloudTrail, Azure Monitor and GCP into canonical events.",
      "",
      "INPUT is a file, a directory (read recursively in name order, skipping hidden entries and"
          + " *.tsv/*.md sidecars), a gzip file (recognized by its content), or - for standard"
          + " input. Files may hold JSON Lines, concatenated pretty-printed JSON, arrays and"
          + " envelopes ({\"Records\":[...]}, {\"records\":[...]}, {\"value\":[...]}) in any mix.",
      ""
    },
    footer = {
      "",
      "Dead letters (records that could not become events) are never dropped: they go to"
          + " --dead-letter FILE, else to <out>.deadletters.<format> beside a --out file, else"
          + " (events to stdout, a device or a pipe) to vigil-deadletters-<time>.<format> in the"
          + " working directory, created only if needed.",
      "",
      "A damaged file (a cut-off or corrupt gzip, an I/O error part-way) keeps its complete"
          + " records; its tail becomes one dead letter, and the next input follows.",
      "",
      "A summary goes to stderr. Exit codes: 0 every record became an event (with a warning"
          + " when the inputs held no record at all); 2 some records were dead-lettered; 1 usage"
          + " or I/O error (one line on stderr), such as a directory without any input file."
    })
final class NormalizeCommand implements Callable<Integer> {

  /** Exit code when at least one record was dead-lettered. */
  static final int EXIT_DEAD_LETTERS = VigilCommand.EXIT_FINDINGS;

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * The values of {@code --source}: the short names, and the canonical names the events carry in
   * {@code source} (as vigil.yaml's topics name them), matched case-insensitively.
   */
  enum SourceOption {
    auto(null),
    vault(Source.VAULT),
    cloudtrail(Source.AWS_CLOUDTRAIL),
    aws_cloudtrail(Source.AWS_CLOUDTRAIL),
    azure(Source.AZURE_MONITOR),
    azure_monitor(Source.AZURE_MONITOR),
    gcp(Source.GCP_AUDIT),
    gcp_audit(Source.GCP_AUDIT);

    private final Source source;

    SourceOption(Source source) {
      this.source = source;
    }
  }

  @Option(
      names = "--source",
      defaultValue = "auto",
      paramLabel = "SOURCE",
      description =
          "Source of every record: ${COMPLETION-CANDIDATES}, in any case (default:"
              + " ${DEFAULT-VALUE}, detected per record). The long names are those events carry"
              + " in their source field.")
  private SourceOption source;

  @Option(
      names = "--format",
      defaultValue = "jsonl",
      paramLabel = "FORMAT",
      description =
          "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). jsonl is one"
              + " event per line as plain nested JSON; avro is an Avro container file (deflate).")
  private OutputFormat format;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write events to FILE instead of stdout.")
  private String out;

  @Option(
      names = "--dead-letter",
      paramLabel = "FILE",
      description = "Write dead letters to FILE (in the output format).")
  private String deadLetter;

  @Option(
      names = "--threads",
      paramLabel = "N",
      converter = ThreadCount.class,
      description =
          "Normalize on N threads (default: ${DEFAULT-VALUE}, the processors of this machine)."
              + " Inputs are still read one after another and the output is written in their"
              + " order, the same whatever N; 1 normalizes on the reading thread alone.")
  private int threads = Runtime.getRuntime().availableProcessors();

  @Mixin private NormalizerOptions normalizerOptions;

  @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Files, directories, or -.")
  private List<String> inputArguments;

  private final CliEnvironment env;

  /** The clock of the dead letters' {@code received_at}. */
  private final Clock clock;

  NormalizeCommand(CliEnvironment env) {
    this(env, Clock.systemUTC());
  }

  /** With a fixed clock, for tests that compare the dead letters of two runs byte for byte. */
  NormalizeCommand(CliEnvironment env, Clock clock) {
    this.env = env;
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    if (format == OutputFormat.avro && out == null && env.stdoutIsTerminal()) {
      throw new CommandFailedException(
          "refusing to write binary Avro to a terminal; give --out FILE or redirect stdout");
    }
    List<InputFiles.Input> inputs = InputFiles.expand(inputArguments, env);
    Normalizer normalizer = normalizer();
    Path outPath = out == null ? null : env.resolve(out);
    Path deadLetterPath = deadLetterPath(outPath);
    OutputTargets targets = new OutputTargets(inputs);
    // Checked (missing directories created) before anything is read: a mistake costs no output.
    targets.claimWritable(outPath, "--out", out);
    String deadLetterLabel = deadLetterLabel(deadLetterPath, outPath);
    if (deadLetter != null) {
      targets.claimWritable(deadLetterPath, "--dead-letter", deadLetter);
    } else if (deadLettersBesideOut(outPath)) {
      targets.claim(deadLetterPath, "--dead-letter", display(deadLetterPath));
      OutputTargets.requireWritable(deadLetterPath, display(deadLetterPath), deadLetterLabel, "");
    } else {
      DeadLetterFile.requireWorkingDirectoryWritable(env.workingDir());
    }

    NormalizeSummary summary = new NormalizeSummary();
    Progress progress =
        new Progress(env.stderr(), env.stderrIsTerminal(), InputFiles.totalBytes(inputs));
    String eventTarget = out == null ? "stdout" : out;
    DeadLetterFile deadLetters;
    try {
      deadLetters =
          deadLetter != null || deadLettersBesideOut(outPath)
              ? DeadLetterFile.always(format, deadLetterPath)
              : DeadLetterFile.onDemand(format, deadLetterPath);
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot write " + deadLetterLabel + ": " + IoProblems.innermost(e));
    }
    // Events to a file go to a partial file beside it, as dead letters do (see DeadLetterFile):
    // both take their names only once every input was read and written, so a failed or
    // interrupted run leaves the previous outputs as they were and nothing half written that
    // looks whole. Stdout, a device or a pipe streams.
    PartialFile eventFile = null;
    boolean whole = false;
    try {
      OutputFormat.RecordWriter<AuditEvent> eventWriter;
      try {
        eventFile = outPath == null ? null : PartialFile.create(outPath);
        eventWriter = format.events(eventStream(eventFile));
      } catch (IOException e) {
        deadLetters.close();
        throw new CommandFailedException(
            "cannot write "
                + (out == null ? "to stdout" : "--out " + out)
                + ": "
                + IoProblems.innermost(e));
      }
      try (deadLetters;
          OutputFormat.RecordWriter<AuditEvent> events = eventWriter;
          NormalizePipeline pipeline =
              new NormalizePipeline(
                  normalizer,
                  format,
                  threads,
                  results(summary, progress, events, eventTarget, deadLetters))) {
        for (InputFiles.Input input : inputs) {
          RecordSplitter splitter =
              new RecordSplitter(input.name(), NormalizerLimits.DEFAULTS.maxRecordBytes());
          try (InputStream in = InputFiles.open(input, env, progress::bytesRead)) {
            splitter.split(in, pipeline::submit);
          } catch (IOException e) {
            // The records before this input are written first, as a sequential run would have.
            pipeline.flush();
            throw new CommandFailedException(
                "cannot read " + input.name() + ": " + IoProblems.innermost(e));
          }
        }
        pipeline.flush();
      } catch (OutputFailure e) {
        throw new CommandFailedException(
            "cannot write to " + e.target + ": " + IoProblems.innermost(e.getCause()));
      } catch (IOException e) {
        throw new CommandFailedException("cannot write the output: " + IoProblems.innermost(e));
      } finally {
        progress.finish();
      }
      try {
        deadLetters.commit();
      } catch (IOException e) {
        throw new CommandFailedException(
            "cannot write " + deadLetterLabel + ": " + IoProblems.innermost(e));
      }
      try {
        if (eventFile != null) {
          eventFile.commit();
        }
      } catch (IOException e) {
        throw new CommandFailedException(
            "cannot write --out " + out + ": " + IoProblems.innermost(e));
      }
      whole = true;
    } finally {
      if (!whole) {
        discard(deadLetters, eventFile);
      }
    }
    summary.print(
        env.stderr(),
        inputs.size(),
        deadLetters.written() == null ? null : display(deadLetters.written()));
    return summary.deadLetters() > 0 ? EXIT_DEAD_LETTERS : 0;
  }

  /**
   * What the user is told of an input whose reading failed part-way, in every command that reads
   * files: {@code vigil normalize: t5.gz:1: the gzip file is cut off ...; what was read ...}.
   *
   * @param originAndFailure {@code <origin>: <what went wrong>}
   */
  static String damagedInputLine(String commandName, String originAndFailure) {
    return commandName
        + ": "
        + originAndFailure
        + "; what was read of this record is dead-lettered, and the next input follows";
  }

  private Normalizer normalizer() {
    Normalizer.Builder builder =
        Normalizer.builder()
            .settings(normalizerOptions.settings(env))
            .forceSource(source.source)
            .clock(clock);
    env.parsers().forEach(builder::parser);
    try {
      return builder.build();
    } catch (IllegalStateException e) {
      // Two parsers for one source, or none for the forced source: a broken installation.
      throw new CommandFailedException(e.getMessage());
    }
  }

  /**
   * Whether dead letters go to {@code <out>.deadletters.<format>}: only beside a file. A device or
   * pipe ({@code /dev/null}, {@code /dev/stdout}, a named pipe) has no sibling to name after it,
   * and its directory is no place for one ({@code /dev}); its dead letters go where those of a run
   * to stdout go, as in {@code vigil detect}.
   */
  private boolean deadLettersBesideOut(Path outPath) {
    return deadLetter == null && outPath != null && !PartialFile.writtenInPlace(outPath);
  }

  private Path deadLetterPath(Path outPath) {
    if (deadLetter != null) {
      return env.resolve(deadLetter);
    }
    if (deadLettersBesideOut(outPath)) {
      return outPath.resolveSibling(outPath.getFileName() + ".deadletters." + format.extension());
    }
    return env.workingDir()
        .resolve("vigil-deadletters-" + FILE_TIME.format(Instant.now()) + "." + format.extension());
  }

  /** The dead-letter file as the user knows it: a derived name says where it comes from. */
  private String deadLetterLabel(Path path, Path outPath) {
    if (deadLetter != null) {
      return "--dead-letter " + deadLetter;
    }
    return "the dead-letter file "
        + display(path)
        + (deadLettersBesideOut(outPath)
            ? " (named after --out; give --dead-letter FILE to put it elsewhere)"
            : " (give --dead-letter FILE to put it elsewhere)");
  }

  /**
   * Where each record's results go, in input order: the summary, the writers, progress, and the
   * line on stderr for a damaged input, in the place of its record.
   */
  private NormalizePipeline.Results results(
      NormalizeSummary summary,
      Progress progress,
      OutputFormat.RecordWriter<AuditEvent> events,
      String eventTarget,
      DeadLetterFile deadLetters) {
    return new NormalizePipeline.Results() {
      @Override
      public void record(RawRecord record) {
        if (record.readFailure() != null) {
          progress.finish();
          env.stderr()
              .println(
                  damagedInputLine(
                      "vigil normalize", record.origin() + ": " + record.readFailure()));
        }
      }

      @Override
      public void event(AuditEvent event, OutputFormat.Encoded<AuditEvent> encoded) {
        summary.event(event);
        try {
          events.write(encoded);
        } catch (IOException | UncheckedIOException e) {
          throw new OutputFailure(eventTarget, e);
        }
        progress.record(summary.recordsIn());
      }

      @Override
      public void deadLetter(DeadLetter deadLetter, OutputFormat.Encoded<DeadLetter> encoded) {
        summary.deadLetter(deadLetter);
        try {
          deadLetters.write(encoded);
        } catch (IOException | UncheckedIOException e) {
          throw new OutputFailure(display(deadLetters.path()), e);
        }
        progress.record(summary.recordsIn());
      }
    };
  }

  /**
   * Removes the partial files of a failed run. Quietly: the run's own failure is what the user
   * needs to hear, and a file left here is removed again when the JVM exits (see {@link
   * PartialFile}).
   */
  private static void discard(DeadLetterFile deadLetters, PartialFile eventFile) {
    try {
      deadLetters.discard();
    } catch (IOException e) {
      // Tried again at exit.
    }
    try {
      if (eventFile != null) {
        eventFile.discard();
      }
    } catch (IOException e) {
      // Tried again at exit.
    }
  }

  /**
   * Events go to the file (its partial file, or a device or pipe in place), or to stdout without
   * closing it (the summary still follows).
   */
  private OutputStream eventStream(PartialFile eventFile) throws IOException {
    if (eventFile != null) {
      return new BufferedOutputStream(OwnerOnlyFiles.newOutputStream(eventFile.path()), 65536);
    }
    OutputStream stdout = env.stdout();
    return new FilterOutputStream(stdout) {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        stdout.write(bytes, offset, length);
      }

      @Override
      public void close() throws IOException {
        stdout.flush();
      }
    };
  }

  /** A path as the user would write it: relative to the working directory when inside it. */
  private String display(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.startsWith(env.workingDir())
        ? env.workingDir().relativize(absolute).toString()
        : absolute.toString();
  }

  /**
   * {@code --threads}: a whole number from 1 to {@link #MAX_THREADS}. The bound keeps memory in
   * check: each thread holds up to two batches of records and their results in flight.
   */
  static final class ThreadCount implements ITypeConverter<Integer> {
    static final int MAX_THREADS = 256;

    @Override
    public Integer convert(String text) {
      int count;
      try {
        count = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        count = 0;
      }
      if (count < 1 || count > MAX_THREADS) {
        throw new TypeConversionException(
            "'" + text + "' is not a thread count; give a whole number from 1 to " + MAX_THREADS);
      }
      return count;
    }
  }

  /** A write failed; carried out of the pipeline to name the target in the message. */
  private static final class OutputFailure extends RuntimeException {
    private final String target;

    OutputFailure(String target, Exception cause) {
      super(cause.getMessage(), cause instanceof UncheckedIOException u ? u.getCause() : cause);
      this.target = target;
    }
  }
}
