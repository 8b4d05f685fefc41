package dev.vigil.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.Actor;
import dev.vigil.event.ActorType;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.event.Src;
import dev.vigil.event.Target;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import java.time.Instant;
import java.util.function.Function;

/**
 * A parser for framework tests: it scores {@code score} for records that have {@code key}, and
 * builds a minimal event, or does whatever {@code behaviour} says (throw, reject).
 */
record TestParser(
    Source source, String key, int score, Function<ObjectNode, RuntimeException> failure)
    implements SourceParser {

  static TestParser of(Source source, String key, int score) {
    return new TestParser(source, key, score, record -> null);
  }

  static TestParser failing(Source source, String key, RuntimeException failure) {
    return new TestParser(source, key, 10, record -> failure);
  }

  @Override
  public int recognize(SourceRecord record) {
    return record.json().has(key) ? score : 0;
  }

  @Override
  public AuditEvent parse(SourceRecord record) {
    RuntimeException failure = this.failure.apply(record.json());
    if (failure != null) {
      throw failure;
    }
    return AuditEvent.newBuilder()
        .setEventId(record.rawId())
        .setTime(Instant.parse("2024-01-02T03:04:05.678Z"))
        .setSource(source)
        .setCategory(Category.OTHER)
        .setOcsfClassUid(6003)
        .setAction("other")
        .setOperation(key)
        .setOutcome(Outcome.UNKNOWN)
        .setDenied(false)
        .setActor(Actor.newBuilder().setType(ActorType.UNKNOWN).build())
        .setSrc(Src.newBuilder().build())
        .setTarget(Target.newBuilder().build())
        .setRaw(record.raw())
        .setOrigin(record.origin())
        .build();
  }
}
