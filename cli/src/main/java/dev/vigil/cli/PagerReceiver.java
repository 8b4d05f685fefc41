package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.detect.notify.PagerDutyContract;
import dev.vigil.ingest.io.OwnerOnlyFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for PagerDuty's Events API v2 on loopback, for {@code vigil demo --stack}: it accepts
 * what {@code POST /v2/enqueue} accepts, answers as PagerDuty does ({@code 202} with the {@code
 * dedup_key}), and appends each accepted event to a JSON Lines file so a newcomer can read exactly
 * what on-call would have been sent.
 *
 * <p>It checks every event against the Events API's contract ({@link PagerDutyContract}, the one
 * the tests' receiver checks), the demo's routing key, and the {@code dedup_key} Vigil always
 * sends; an event that fails is answered {@code 400}, as PagerDuty does, and not recorded. The
 * routing key is a throwaway the demo makes up, but it is still a key: the recorded events show it
 * masked. An incident is a distinct {@code dedup_key}: PagerDuty folds a second trigger with the
 * same key into the open incident.
 */
final class PagerReceiver implements AutoCloseable {

  static final String EVENTS_PATH = "/v2/enqueue";
  private static final int MAX_BODY_BYTES = 512 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final String routingKey;
  private final BufferedWriter events;
  private final Set<String> dedupKeys = new LinkedHashSet<>();
  private int accepted;
  private int refused;

  private PagerReceiver(HttpServer server, String routingKey, BufferedWriter events) {
    this.server = server;
    this.routingKey = routingKey;
    this.events = events;
    this.executor = Executors.newSingleThreadExecutor(daemon());
    server.setExecutor(executor);
    server.createContext(EVENTS_PATH, this::handle);
  }

  /** Starts on a free loopback port, (re)writing {@code eventsFile}. */
  static PagerReceiver start(String routingKey, Path eventsFile) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    PagerReceiver receiver =
        new PagerReceiver(server, routingKey, OwnerOnlyFiles.newBufferedWriter(eventsFile));
    server.start();
    return receiver;
  }

  /** Where to point a PagerDuty destination's {@code url}. */
  URI eventsUrl() {
    return URI.create(
        "http://"
            + server.getAddress().getAddress().getHostAddress()
            + ":"
            + server.getAddress().getPort()
            + EVENTS_PATH);
  }

  /** Distinct dedup keys of accepted events: one per incident. */
  synchronized Set<String> incidents() {
    return Set.copyOf(dedupKeys);
  }

  synchronized int accepted() {
    return accepted;
  }

  synchronized int refused() {
    return refused;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        respond(exchange, 405, "{\"status\":\"invalid method\"}");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      String problem = body.length > MAX_BODY_BYTES ? "event too large" : null;
      JsonNode event = null;
      if (problem == null) {
        try {
          event = JSON.readTree(body);
          problem = problemWith(event);
        } catch (IOException e) {
          problem = "body is not JSON";
        }
      }
      if (problem != null) {
        synchronized (this) {
          refused++;
        }
        respond(
            exchange,
            400,
            JSON.writeValueAsString(
                JSON.createObjectNode().put("status", "invalid event").put("message", problem)));
        return;
      }
      String dedupKey = event.path("dedup_key").asText();
      ObjectNode recorded = ((ObjectNode) event).put("routing_key", "****");
      synchronized (this) {
        events.write(JSON.writeValueAsString(recorded));
        events.newLine();
        events.flush();
        dedupKeys.add(dedupKey);
        accepted++;
      }
      respond(
          exchange,
          202,
          JSON.writeValueAsString(
              JSON.createObjectNode()
                  .put("status", "success")
                  .put("message", "Event processed")
                  .put("dedup_key", dedupKey)));
    }
  }

  /** Why PagerDuty would refuse the event, or null. */
  private String problemWith(JsonNode event) {
    List<String> violations = PagerDutyContract.violations(event);
    if (!violations.isEmpty()) {
      return String.join("; ", violations);
    }
    if (!routingKey.equals(event.path("routing_key").asText())) {
      return "invalid routing_key";
    }
    // PagerDuty makes a key up for a trigger without one; Vigil always sends the alert id, and
    // the demo counts incidents by it.
    if (!event.hasNonNull("dedup_key")) {
      return "dedup_key is required: Vigil sends each alert's id";
    }
    return null;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() throws IOException {
    server.stop(0);
    executor.shutdownNow();
    synchronized (this) {
      events.close();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "vigil-demo-pager-receiver");
      thread.setDaemon(true);
      return thread;
    };
  }
}
