package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.Actor;
import dev.vigil.event.ActorType;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.event.Src;
import dev.vigil.event.Target;
import dev.vigil.ingest.spi.Json;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import dev.vigil.ingest.spi.Timestamps;
import java.util.List;

/**
 * Two tiny parsers for the CLI's own tests, independent of the real ones: "vault-like" records have
 * {@code type} and {@code request}, "gcp-like" ones have {@code protoPayload}. Each needs its own
 * time field, so forcing the wrong source dead-letters the record.
 */
final class FakeParsers {

  private FakeParsers() {}

  static List<SourceParser> both() {
    return List.of(
        new Fake(Source.VAULT, "request", "time"),
        new Fake(Source.GCP_AUDIT, "protoPayload", "timestamp"));
  }

  private record Fake(Source source, String key, String timeField) implements SourceParser {
    @Override
    public int recognize(SourceRecord record) {
      return record.json().has(key) ? 10 : 0;
    }

    @Override
    public AuditEvent parse(SourceRecord input) {
      ObjectNode record = input.json();
      return AuditEvent.newBuilder()
          .setEventId(input.rawId())
          .setTime(Timestamps.parse(Json.text(record, timeField), timeField))
          .setSource(source)
          .setCategory(Category.SECRET_ACCESS)
          .setOutcome(Outcome.SUCCESS)
          .setOcsfClassUid(6003)
          .setAction("read")
          .setOperation(String.valueOf(Json.firstText(record, key + ".operation", "operation")))
          .setDenied(false)
          .setActor(
              Actor.newBuilder()
                  .setName(Json.text(record, "user"))
                  .setType(ActorType.UNKNOWN)
                  .build())
          .setSrc(Src.newBuilder().build())
          .setTarget(Target.newBuilder().build())
          .setRaw(input.raw())
          .setOrigin(input.origin())
          .build();
    }
  }
}
