package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.stack.junit.RealOpenSearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@RealOpenSearch
class OpenSearchNodeITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void anIndexedDocumentIsFoundBySearch(OpenSearchEndpoint openSearch) throws Exception {
    HttpResponse<String> indexed =
        send(
            openSearch.url().resolve("/stack-it/_doc/event-1?refresh=true"),
            "PUT",
            "{\"actor\":{\"name\":\"alice\"},\"action\":\"read\"}");
    assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(201);

    HttpResponse<String> found =
        send(
            openSearch.url().resolve("/stack-it/_search"),
            "POST",
            "{\"query\":{\"match\":{\"actor.name\":\"alice\"}}}");
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    JsonNode hits = JSON.readTree(found.body()).path("hits");
    assertThat(hits.path("total").path("value").asInt()).isEqualTo(1);
    assertThat(hits.path("hits").get(0).path("_id").asText()).isEqualTo("event-1");
    assertThat(hits.path("hits").get(0).path("_source").path("action").asText()).isEqualTo("read");
  }

  @Test
  void theNodeListensOnLoopbackOnlyAsASingleNodeCluster(OpenSearchEndpoint openSearch)
      throws Exception {
    assertThat(openSearch.url().getHost()).isEqualTo("127.0.0.1");
    HttpResponse<String> health = send(openSearch.url().resolve("/_cluster/health"), "GET", null);
    assertThat(JSON.readTree(health.body()).path("number_of_nodes").asInt()).isEqualTo(1);
  }

  private HttpResponse<String> send(URI uri, String method, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
