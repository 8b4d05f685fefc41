package dev.vigil.detect.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An HTTP server that answers {@code POST /_bulk} the way OpenSearch does, from a script: each
 * request is answered by the next {@link Answer}, the last one repeating. It records every
 * request's documents, so a test sees what was sent, retried and dead-lettered.
 */
final class FakeBulkServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request's documents: index, id and source, in order. */
  record Doc(String index, String id, JsonNode source) {}

  /** The answer to one request: an HTTP status for the whole request, or one per item. */
  interface Answer extends Function<List<Doc>, Reply> {}

  record Reply(int status, String body) {}

  private final HttpServer server;
  private final List<Answer> script;
  private final List<List<Doc>> requests = new CopyOnWriteArrayList<>();

  FakeBulkServer(List<Answer> script) throws IOException {
    this.script = script;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/_bulk", this::bulk);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<List<Doc>> requests() {
    return requests;
  }

  /** Every item answered with its status; an error body for anything but 2xx. */
  static Answer items(int... statuses) {
    return docs -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("took", 1);
      body.put("errors", false);
      ArrayNode items = body.putArray("items");
      for (int i = 0; i < docs.size(); i++) {
        int status = statuses[Math.min(i, statuses.length - 1)];
        ObjectNode item = items.addObject().putObject("index");
        item.put("_index", docs.get(i).index());
        item.put("_id", docs.get(i).id());
        item.put("status", status);
        if (status >= 300) {
          body.put("errors", true);
          ObjectNode error = item.putObject("error");
          if (status == 400) {
            error.put("type", "mapper_parsing_exception");
            error.put(
                "reason",
                "failed to parse field [src.ip] of type [ip] in document with id '"
                    + docs.get(i).id()
                    + "'. Preview of field's value: 'secret-looking-value'");
            error
                .putObject("caused_by")
                .put("type", "illegal_argument_exception")
                .put("reason", "'secret-looking-value' is not an IP string literal.");
          } else if (status == 429) {
            error.put("type", "rejected_execution_exception");
            error.put("reason", "rejected execution of coordinating operation");
          } else {
            error.put("type", "security_exception");
            error.put("reason", "no permissions for [indices:data/write/bulk[s]]");
          }
        } else {
          item.put("result", "created");
          item.put("_version", 1);
        }
      }
      return new Reply(200, body.toString());
    };
  }

  /** The whole request answered with an OpenSearch error. */
  static Answer whole(int status, String type) {
    return docs ->
        new Reply(
            status,
            "{\"error\":{\"type\":\""
                + type
                + "\",\"reason\":\""
                + type
                + " for the test\"},\"status\":"
                + status
                + "}");
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void bulk(HttpExchange exchange) throws IOException {
    String[] lines =
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n");
    List<Doc> docs = new ArrayList<>();
    for (int i = 0; i + 1 < lines.length; i += 2) {
      JsonNode action = JSON.readTree(lines[i]).path("index");
      docs.add(
          new Doc(
              action.path("_index").asText(),
              action.path("_id").asText(),
              JSON.readTree(lines[i + 1])));
    }
    int n = requests.size();
    requests.add(docs);
    Reply reply = script.get(Math.min(n, script.size() - 1)).apply(docs);
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
