package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagerReceiverTest {

  private static final String KEY = "demo-routing-key";
  private static final String TRIGGER =
      """
      {"routing_key":"%s","event_action":"trigger","dedup_key":"a1",%s
       "payload":{"summary":"root token used","source":"vigil","severity":"critical"}}""";

  @TempDir Path dir;

  @Test
  void recordsAnEventPagerDutyWouldTakeWithItsKeyMasked() throws Exception {
    Path events = dir.resolve("pages.jsonl");
    try (PagerReceiver receiver = PagerReceiver.start(KEY, events)) {
      HttpResponse<String> response = post(receiver, TRIGGER.formatted(KEY, ""));

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).contains("\"dedup_key\":\"a1\"");
      assertThat(receiver.incidents()).containsExactly("a1");
    }
    assertThat(Files.readString(events)).contains("\"routing_key\":\"****\"").doesNotContain(KEY);
  }

  @Test
  void refusesWhatTheEventsApiRefusesAndRecordsNothing() throws Exception {
    Path events = dir.resolve("pages.jsonl");
    try (PagerReceiver receiver = PagerReceiver.start(KEY, events)) {
      HttpResponse<String> unknownField =
          post(receiver, TRIGGER.formatted(KEY, "\"priority\":\"P1\","));
      HttpResponse<String> wrongKey = post(receiver, TRIGGER.formatted("another-key", ""));

      assertThat(unknownField.statusCode()).isEqualTo(400);
      assertThat(unknownField.body()).contains("unknown field priority");
      assertThat(wrongKey.statusCode()).isEqualTo(400);
      assertThat(wrongKey.body()).contains("invalid routing_key");
      assertThat(receiver.refused()).isEqualTo(2);
      assertThat(receiver.accepted()).isZero();
    }
    assertThat(Files.readString(events)).isEmpty();
  }

  private static HttpResponse<String> post(PagerReceiver receiver, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(receiver.eventsUrl())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
