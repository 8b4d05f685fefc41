package dev.vigil.dashboards.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.dashboards.client.OpenSearchConfig;
import dev.vigil.dashboards.client.OpenSearchConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The import request and the reading of its answers, against a loopback server scripted with the
 * responses of OpenSearch Dashboards' saved-objects import API. (TLS and basic auth are the
 * connection's, tested in {@code OpenSearchConnectionTlsTest}.)
 */
class SavedObjectsImporterTest {

  private HttpServer server;
  private final AtomicReference<String> requestLine = new AtomicReference<>();
  private final AtomicReference<String> xsrfHeader = new AtomicReference<>();
  private final AtomicReference<String> contentType = new AtomicReference<>();
  private final AtomicReference<byte[]> requestBody = new AtomicReference<>();
  private volatile int status;
  private volatile String answer;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requestLine.set(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          xsrfHeader.set(exchange.getRequestHeaders().getFirst("osd-xsrf"));
          contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
          requestBody.set(exchange.getRequestBody().readAllBytes());
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void uploadsTheNdjsonAsAMultipartFileWithOverwriteAndTheXsrfHeader() throws IOException {
    status = 200;
    answer = "{\"successCount\":10,\"success\":true,\"successResults\":[]}";

    assertThat(importAll()).isEqualTo(10);

    assertThat(requestLine.get()).isEqualTo("POST /api/saved_objects/_import?overwrite=true");
    assertThat(xsrfHeader.get()).isEqualTo("true");
    assertThat(contentType.get()).startsWith("multipart/form-data; boundary=");
    String boundary = contentType.get().substring(contentType.get().indexOf('=') + 1);
    String body = new String(requestBody.get(), StandardCharsets.UTF_8);
    assertThat(body)
        .startsWith("--" + boundary + "\r\n")
        .contains("Content-Disposition: form-data; name=\"file\"; filename=\"vigil.ndjson\"")
        .contains(new String(SavedObjectsImporter.savedObjects(), StandardCharsets.UTF_8))
        .endsWith("\r\n--" + boundary + "--\r\n");
  }

  @Test
  void objectsDashboardsRefusesAreNamedWithTheirErrorType() {
    status = 200;
    answer =
        "{\"successCount\":8,\"success\":false,\"errors\":["
            + "{\"id\":\"vigil-top-actors\",\"type\":\"visualization\",\"title\":\"Vigil: top actors\","
            + "\"error\":{\"type\":\"missing_references\",\"references\":[]}},"
            + "{\"id\":\"vigil-overview\",\"type\":\"dashboard\",\"error\":{\"type\":\"unknown\"}}]}";

    assertThatThrownBy(this::importAll)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "OpenSearch Dashboards imported 8 saved objects and refused 2: visualization"
                + " vigil-top-actors (missing_references), dashboard vigil-overview (unknown)");
  }

  @Test
  void aRefusedRequestCarriesTheStatusAndDashboardsMessage() {
    status = 403;
    answer =
        "{\"statusCode\":403,\"error\":\"Forbidden\",\"message\":\"no permissions for\\n[import]\"}";

    assertThatThrownBy(this::importAll)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "OpenSearch Dashboards refused the import (HTTP 403): no permissions for [import]");
  }

  @Test
  void anotherRefusalCarriesItsStatusToo() {
    status = 413;
    answer = "{\"statusCode\":413,\"error\":\"Request Entity Too Large\",\"message\":\"too big\"}";

    assertThatThrownBy(this::importAll)
        .isInstanceOf(IOException.class)
        .hasMessage("OpenSearch Dashboards refused the import (HTTP 413): too big");
  }

  @Test
  void anAnswerThatIsNotAnImportResultIsAnError() {
    status = 200;
    answer = "<html>login</html>";

    assertThatThrownBy(this::importAll)
        .isInstanceOf(IOException.class)
        .hasMessage("OpenSearch Dashboards answered the import with something not JSON");
  }

  private int importAll() throws IOException {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (OpenSearchConnection dashboards = OpenSearchConnection.open(OpenSearchConfig.local(url))) {
      return new SavedObjectsImporter(dashboards).importAll();
    }
  }
}
