package dev.vigil.detect;

import dev.vigil.detect.job.AlertRecord;
import dev.vigil.detect.job.IngestedEvent;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The outputs of the detection job's wiring, for sinks to consume.
 *
 * @param events every normalized event, late ones included (each exactly once)
 * @param deadLetters every record that did not normalize, with reason and origin
 * @param alerts the alerts, each {@code alert_id} once
 * @param late the events that arrived behind the watermark (also in {@code events})
 */
public record JobStreams(
    DataStream<AuditEvent> events,
    DataStream<DeadLetter> deadLetters,
    DataStream<AlertRecord> alerts,
    DataStream<IngestedEvent> late) {}
