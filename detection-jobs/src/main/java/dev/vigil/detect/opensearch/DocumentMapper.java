package dev.vigil.detect.opensearch;

import dev.vigil.dashboards.index.IndexContract;
import dev.vigil.detect.job.AlertRecord;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.io.EventJson;
import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;

/**
 * Turns a stream element into the document the sink indexes: the index from the {@link
 * IndexContract} and the id from the element itself, so the same element always lands on the same
 * document.
 */
@FunctionalInterface
public interface DocumentMapper<T> extends Serializable {

  IndexDocument map(T element);

  /** Events: id {@code event_id}, index by retention class and event time. */
  static DocumentMapper<AuditEvent> events(IndexContract contract) {
    return event -> {
      // The fields besides raw take under 1 KB; escaping raw's quotes adds a fraction of its
      // length.
      Utf8Writer json = new Utf8Writer(1024 + event.getRaw().length() * 5 / 4);
      EventJson.write(event, json);
      return new IndexDocument(
          contract.eventIndex(event),
          event.getEventId(),
          json.toByteArray(),
          event.getOrigin(),
          event.getSource());
    };
  }

  /** {@link #alerts(IndexContract, Clock)} on the system clock. */
  static DocumentMapper<AlertRecord> alerts(IndexContract contract) {
    return alerts(contract, Clock.systemUTC());
  }

  /**
   * Alerts as the job carries them: id {@code alert_id}, index by the event time of the firing, the
   * document the job already serialized ({@code AlertJson}) plus two fields of the index only
   * ({@link Documents#alertDocument}): {@code severity_rank}, and {@code indexed_at} read from
   * {@code clock} when the alert is mapped, which is when the sink writes it.
   */
  static DocumentMapper<AlertRecord> alerts(IndexContract contract, Clock clock) {
    return alert ->
        new IndexDocument(
            contract.alertIndex(Instant.ofEpochMilli(alert.time)),
            alert.alertId,
            Documents.alertDocument(alert.json, alert.severity, clock.instant()),
            "alert:" + alert.alertId,
            null);
  }

  /**
   * Dead letters of the normalizer: index by when the record was received, id a digest of origin
   * and bytes (a replay of the same input position with the same bytes overwrites). The document is
   * at most {@code maxBytes} (a batch of them stays within twice the bulk's {@code max_bytes}, far
   * from OpenSearch's {@code http.max_content_length}), though not less than {@link
   * Documents#MIN_DEAD_LETTER_BYTES}: a longer one keeps the start of its raw record and says so
   * ({@link Documents#deadLetterDocument}). The id is still the whole dead letter's.
   *
   * @param maxBytes the bulk requests' {@code max_bytes}
   */
  static DocumentMapper<DeadLetter> deadLetters(IndexContract contract, long maxBytes) {
    int limit =
        (int) Math.max(Documents.MIN_DEAD_LETTER_BYTES, Math.min(maxBytes, Integer.MAX_VALUE / 2));
    return deadLetter ->
        new IndexDocument(
            contract.deadLetterIndex(deadLetter.getReceivedAt()),
            Documents.deadLetterId(deadLetter),
            Documents.deadLetterDocument(deadLetter, limit),
            deadLetter.getOrigin(),
            deadLetter.getSourceGuess());
  }
}
