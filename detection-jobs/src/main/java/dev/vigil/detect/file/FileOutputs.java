package dev.vigil.detect.file;

import dev.vigil.detect.JobSinks;
import dev.vigil.detect.job.AlertRecord;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.io.EventJson;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.sink.FileSink;

/**
 * The three outputs of the job as JSON Lines: alerts ({@link dev.vigil.rules.AlertJson}), events
 * and dead letters ({@link EventJson}). Any output may be left out (null).
 */
public final class FileOutputs {

  private FileOutputs() {}

  /**
   * One file per output, written whole at the end of a bounded run ({@link LineFileSink}); alerts
   * sorted by time, then id.
   */
  public static JobSinks singleFiles(Path alerts, Path events, Path deadLetters) {
    return streams -> {
      if (alerts != null) {
        streams
            .alerts()
            .sinkTo(LineFileSink.sorted(alerts, a -> a.json, FileOutputs::alertOrder))
            .name("alerts-file")
            .uid("alerts-file")
            .setParallelism(1);
      }
      if (events != null) {
        streams
            .events()
            .sinkTo(LineFileSink.<AuditEvent>inArrivalOrder(events, EventJson::toJson))
            .name("events-file")
            .uid("events-file")
            .setParallelism(1);
      }
      if (deadLetters != null) {
        streams
            .deadLetters()
            .sinkTo(LineFileSink.<DeadLetter>inArrivalOrder(deadLetters, EventJson::toJson))
            .name("dead-letters-file")
            .uid("dead-letters-file")
            .setParallelism(1);
      }
    };
  }

  /** The uids of {@link #partFiles}' three sinks, which a savepoint maps their state by. */
  public static final List<String> PART_FILES_UIDS =
      List.of(partFilesUid("alerts"), partFilesUid("events"), partFilesUid("dead-letters"));

  private static String partFilesUid(String name) {
    return name + "-files";
  }

  /**
   * Part files under {@code directory/alerts}, {@code /events} and {@code /dead-letters}, committed
   * on checkpoints ({@link FileSink}: exactly once across failures, for runs on a cluster).
   */
  public static JobSinks partFiles(String directory) {
    return streams -> {
      attach(streams.alerts().map(a -> a.json).returns(Types.STRING), directory, "alerts");
      attach(streams.events().map(EventJson::toJson).returns(Types.STRING), directory, "events");
      attach(
          streams.deadLetters().map(EventJson::toJson).returns(Types.STRING),
          directory,
          "dead-letters");
    };
  }

  private static void attach(
      org.apache.flink.streaming.api.datastream.DataStream<String> lines,
      String directory,
      String name) {
    lines
        .sinkTo(
            FileSink.forRowFormat(
                    new org.apache.flink.core.fs.Path(directory, name),
                    new SimpleStringEncoder<String>())
                .build())
        .name(partFilesUid(name))
        .uid(partFilesUid(name));
  }

  private static int alertOrder(AlertRecord a, AlertRecord b) {
    return Comparator.comparingLong((AlertRecord r) -> r.time)
        .thenComparing(r -> r.alertId)
        .compare(a, b);
  }
}
