package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.ingest.io.EventJson;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every parser's fuzz test asserts of one input, whatever the parser: nothing escapes as an
 * exception, every input ends as at least one event or dead letter (but for an empty delivery,
 * {@code []} or {@code {"Records":[]}}, which holds no record), and no dead letter is an {@code
 * INTERNAL_ERROR} (the normalizer's name for a parser bug). Every dead letter says why; every event
 * keeps the contract that holds whatever the source: an id, a time within RFC 3339's years 0001 to
 * 9999 (what the events index and every reader of the JSON form take), its origin, and a JSON form
 * ({@code vigil normalize}'s output) that reads back as the same event. Each fuzz test keeps its
 * own {@code @FuzzTest} entry points and input shapes, and adds what it checks of each event.
 */
public final class ParserFuzzing {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private ParserFuzzing() {}

  /** Normalizes {@code input} as one raw record and checks the invariants, then each event. */
  public static void assertHandled(
      Normalizer normalizer, byte[] input, Consumer<AuditEvent> eachEvent) {
    CollectingOutput out = new CollectingOutput();
    normalizer.normalize(new RawRecord(input, "fuzz:1"), out);
    if (!isEmptyEnvelope(input)) {
      assertThat(out.events().size() + out.deadLetters().size()).as("outputs").isPositive();
    }
    assertThat(out.deadLetters())
        .extracting(DeadLetter::getReason)
        .doesNotContain(DeadLetterReason.INTERNAL_ERROR);
    out.deadLetters().forEach(dead -> assertThat(dead.getMessage()).as("reason").isNotBlank());
    for (AuditEvent event : out.events()) {
      assertThat(event.getEventId()).as("event_id").isNotBlank();
      assertThat(event.getTime()).as("time").isBetween(EARLIEST, LATEST);
      assertThat(event.getOrigin()).as("origin").startsWith("fuzz:1"); // #n: n-th of an envelope
      assertThat(EventJson.readEvent(EventJson.toJson(event))).as("JSON form").isEqualTo(event);
      eachEvent.accept(event);
    }
  }

  /**
   * {@code []}, or an envelope ({@code Records}, {@code records}, {@code value}) holding an empty
   * array: a delivery with no record in it, so nothing can be lost and nothing is emitted. The
   * envelope keys are read as the normalizer reads them (see {@link CorpusRun#recordObjects}).
   */
  static boolean isEmptyEnvelope(byte[] input) {
    JsonNode root;
    try {
      root = JSON.readTree(input);
    } catch (IOException | RuntimeException notJson) {
      return false;
    }
    if (root == null) {
      return false;
    }
    if (root.isObject() && root.size() <= 2) {
      for (String key : List.of("Records", "records", "value")) {
        if (root.path(key).isArray()) {
          return root.get(key).isEmpty();
        }
      }
    }
    return root.isArray() && root.isEmpty();
  }
}
