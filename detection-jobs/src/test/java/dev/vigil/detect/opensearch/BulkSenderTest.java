package dev.vigil.detect.opensearch;

import static dev.vigil.detect.opensearch.FakeBulkServer.items;
import static dev.vigil.detect.opensearch.FakeBulkServer.whole;
import static dev.vigil.detect.opensearch.SinkFixture.CONTRACT;
import static dev.vigil.detect.opensearch.SinkFixture.bulk;
import static dev.vigil.detect.opensearch.SinkFixture.config;
import static dev.vigil.detect.opensearch.SinkFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.opensearch.FakeBulkServer.Doc;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retry, dead-letter and failure decisions of the sink against scripted bulk answers. */
@Timeout(60)
class BulkSenderTest {

  private static final Instant TIME = Instant.parse("2031-01-01T00:00:00Z");

  @Test
  void retriesAWholeRequestRefusedWith429Or503() throws Exception {
    try (FakeBulkServer server =
        new FakeBulkServer(
            List.of(
                whole(429, "rejected_execution_exception"),
                whole(503, "cluster_block_exception"),
                items(201)))) {
      write(server, events(3), Duration.ofMinutes(1));

      assertThat(server.requests()).hasSize(3);
      assertThat(ids(server.requests().get(2))).containsExactly("e0", "e1", "e2");
    }
  }

  @Test
  void retriesOnlyTheItemsRefusedForLoadAndDeadLettersTheOnesTheMappingRefuses() throws Exception {
    try (FakeBulkServer server =
        new FakeBulkServer(List.of(items(201, 429, 400, 201), items(201)))) {
      List<AuditEvent> events = events(4);

      write(server, events, Duration.ofMinutes(1));

      List<List<Doc>> requests = server.requests();
      assertThat(requests).hasSize(3);
      assertThat(ids(requests.get(1))).as("the retry").containsExactly("e1");
      List<Doc> deadLetters = requests.get(2);
      assertThat(deadLetters).hasSize(1);
      Doc letter = deadLetters.get(0);
      assertThat(letter.index()).startsWith("vigil-deadletters-");
      assertThat(letter.source().path("reason").asText()).isEqualTo("INDEX_REJECTED");
      assertThat(letter.source().path("origin").asText()).isEqualTo("test:e2");
      assertThat(letter.source().path("source_guess").asText()).isEqualTo("AWS_CLOUDTRAIL");
      assertThat(EventJson.readEvent(letter.source().path("raw").asText()))
          .isEqualTo(events.get(2));
      assertThat(letter.source().path("message").asText())
          .isEqualTo(
              "OpenSearch rejected document e2 for index vigil-events-general-2031.01:"
                  + " mapper_parsing_exception: failed to parse field [src.ip] of type [ip] in"
                  + " document with id '…' (caused by illegal_argument_exception)");
    }
  }

  @Test
  void retryWarningsNameTheSinkAndTheIndexOfTheDocumentsTheyRetry() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    String sink;
    try (FakeBulkServer server =
        new FakeBulkServer(
            List.of(
                items(201, 429, 400),
                items(201),
                whole(503, "cluster_block_exception"),
                items(201)))) {
      sink = "vigil-opensearch-events-0 to " + server.url();
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try {
        write(server, events(3), Duration.ofMinutes(1));
      } finally {
        System.setErr(stderr);
      }
    }
    List<String> retries =
        log.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(line -> line.contains("OpenSearch bulk attempt"))
            .map(line -> line.substring(line.indexOf("OpenSearch bulk attempt")))
            .toList();
    // A dead letter's index is the month it was made in.
    String deadLetters = "vigil-deadletters-\\d{4}\\.\\d{2}";
    assertThat(retries)
        .satisfiesExactly(
            line ->
                assertThat(line)
                    .isEqualTo(
                        "OpenSearch bulk attempt 1 by "
                            + sink
                            + " failed, retrying 1 document for vigil-events-general-2031.01 in"
                            + " 50 ms: 1 of 3 documents answered with HTTP 429 (a busy cluster)"),
            line ->
                assertThat(line)
                    .matches(
                        Pattern.quote(
                                "OpenSearch bulk attempt 1 by "
                                    + sink
                                    + " failed, retrying 1 document for ")
                            + deadLetters
                            + Pattern.quote(" in 50 ms: HTTP 503")));
  }

  @Test
  void namesTheIndicesOfABatchUpToThree() {
    List<IndexDocument> batch =
        List.of("a", "b", "a", "c", "d", "e").stream()
            .map(index -> new IndexDocument(index, "id", new byte[0], "test:1", null))
            .toList();

    assertThat(BulkSender.indices(batch)).isEqualTo("a, b, c and 2 more");
    assertThat(BulkSender.indices(batch.subList(0, 3))).isEqualTo("a, b");
    assertThat(BulkSender.documents(1)).isEqualTo("1 document");
    assertThat(BulkSender.documents(2)).isEqualTo("2 documents");
  }

  @Test
  void aPermissionProblemFailsTheWriterInsteadOfDeadLetteringEverything() throws Exception {
    try (FakeBulkServer server = new FakeBulkServer(List.of(items(403)))) {
      assertThatThrownBy(() -> write(server, events(2), Duration.ofMinutes(1)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("security_exception")
          .hasMessageContaining("check the cluster and its permissions");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void aRefusedRequestThatRetryingCannotFixFailsAtOnce() throws Exception {
    try (FakeBulkServer server =
        new FakeBulkServer(List.of(whole(400, "illegal_argument_exception")))) {
      assertThatThrownBy(() -> write(server, events(1), Duration.ofMinutes(1)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 400");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void givesUpAfterTheConfiguredTimeAndSaysWhyAndWhere() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    try (FakeBulkServer server =
        new FakeBulkServer(List.of(whole(503, "master_not_discovered_exception")))) {
      // slf4j-simple writes to whatever System.err is at the moment it logs.
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      try {
        assertThatThrownBy(() -> write(server, events(1), Duration.ofMillis(400)))
            .isInstanceOf(IOException.class)
            .hasMessageContaining(
                "OpenSearch at "
                    + server.url()
                    + " did not take a batch of 1 document for vigil-events-general-2031.01 in ")
            .hasMessageContaining("HTTP 503");
      } finally {
        System.setErr(stderr);
      }
      assertThat(server.requests().size()).isGreaterThan(1);
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains(
              "OpenSearch bulk attempt 1 by vigil-opensearch-events-0 to "
                  + server.url()
                  + " failed, retrying 1 document for vigil-events-general-2031.01 in 50 ms:"
                  + " HTTP 503\n");
    }
  }

  @Test
  void aDeadLetterTheDeadLetterIndexRefusesFailsTheWriter() throws Exception {
    try (FakeBulkServer server = new FakeBulkServer(List.of(items(400)))) {
      assertThatThrownBy(() -> write(server, events(1), Duration.ofMinutes(1)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("the dead-letter index must take every dead letter");
    }
  }

  @Test
  void sanitizesReasonsThatQuoteValues() {
    assertThat(
            Rejections.sanitize(
                "failed to parse field [time] of type [date] in document with id 'abc'."
                    + " Preview of field's value: '2025-13-01'"))
        .isEqualTo("failed to parse field [time] of type [date] in document with id '…'");
    assertThat(Rejections.sanitize("value \"s3cr3t\" is too long"))
        .isEqualTo("value \"…\" is too long");
    assertThat(Rejections.sanitize("unterminated 'quote")).isEqualTo("unterminated '…");
  }

  @Test
  void mapsAnEventOnceToTheUtf8BytesOfItsJsonAndSendsThemAsTheyAre() throws Exception {
    AuditEvent event = event("e0", TIME);
    // Two-, three- and four-byte characters, and JSON that must stay escaped inside raw.
    event.setRaw("{\"user\":\"jos\u00e9\",\"city\":\"\u6771\u4eac\",\"key\":\"\uD83D\uDD11\"}");

    IndexDocument document = DocumentMapper.events(CONTRACT).map(event);

    byte[] expected = EventJson.toJson(event).getBytes(StandardCharsets.UTF_8);
    assertThat(document.json()).isEqualTo(expected);
    assertThat(document.sizeInBytes())
        .isEqualTo(expected.length + document.index().length() + "e0".length() + 48);
    try (FakeBulkServer server = new FakeBulkServer(List.of(items(201)))) {
      write(server, List.of(event), Duration.ofMinutes(1));

      Doc sent = server.requests().get(0).get(0);
      assertThat(sent.id()).isEqualTo("e0");
      assertThat(EventJson.readEvent(sent.source())).isEqualTo(event);
    }
  }

  private static void write(FakeBulkServer server, List<AuditEvent> events, Duration giveUp)
      throws Exception {
    try (OpenSearchSinkWriter<AuditEvent> writer =
        SinkFixture.writer(
            config(server.url(), bulk(100, 1, giveUp)), DocumentMapper.events(CONTRACT), null)) {
      SinkFixture.writeAll(writer, events);
    }
  }

  private static List<AuditEvent> events(int count) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(event("e" + i, TIME));
    }
    return events;
  }

  private static List<String> ids(List<Doc> docs) {
    return docs.stream().map(Doc::id).toList();
  }
}
