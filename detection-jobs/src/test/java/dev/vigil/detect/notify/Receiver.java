package dev.vigil.detect.notify;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A local HTTP endpoint on 127.0.0.1 that records every request and answers from a script (a queue
 * of responses; once it is empty, the default answer). Stands in for PagerDuty, a webhook receiver
 * or Slack.
 */
public final class Receiver implements AutoCloseable {

  public record Request(String method, String path, Headers headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  record Response(int status, Map<String, String> headers, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final Deque<Response> script = new ArrayDeque<>();
  private final Response fallback;
  private volatile long delayMillis;

  Receiver(int defaultStatus, String defaultBody) throws IOException {
    this.fallback = new Response(defaultStatus, Map.of(), defaultBody);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", this::handle);
    server.start();
  }

  /** A PagerDuty-like endpoint answering 202 with the Events API's success body. */
  public static Receiver pagerDuty() throws IOException {
    return new Receiver(
        202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}");
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  synchronized Receiver then(int status, Map<String, String> headers, String body) {
    script.add(new Response(status, headers, body));
    return this;
  }

  /** Makes every answer wait, as a slow destination would. */
  public Receiver slow(long millis) {
    this.delayMillis = millis;
    return this;
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Response response;
    synchronized (this) {
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders(),
              body));
      response = script.isEmpty() ? fallback : script.poll();
    }
    if (delayMillis > 0) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] answer = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(response.status(), answer.length == 0 ? -1 : answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
