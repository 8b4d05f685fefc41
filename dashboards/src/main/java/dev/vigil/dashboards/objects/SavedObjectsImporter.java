package dev.vigil.dashboards.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dashboards.client.OpenSearchConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.TransportOptions;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * Imports Vigil's OpenSearch Dashboards saved objects ({@value #RESOURCE}: index patterns for
 * events, alerts and dead letters, the visualizations and the "Vigil overview" dashboard) through
 * Dashboards' saved-objects import API, overwriting earlier versions of the same ids, so running it
 * again after an upgrade is how the dashboards are updated.
 *
 * <p>Design: Dashboards is reached through an {@link OpenSearchConnection} opened on the Dashboards
 * URL, so it gets the same TLS trust, host-name verification, basic auth and timeouts as the
 * cluster, from the same configuration; only the request differs (a multipart upload with the
 * {@code osd-xsrf} header Dashboards demands of every write).
 */
public final class SavedObjectsImporter {

  /** The class-path resource, also at {@code dashboards/src/main/resources/} in the source tree. */
  public static final String RESOURCE = "opensearch-dashboards/vigil-saved-objects.ndjson";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenSearchConnection dashboards;

  /**
   * @param dashboards a connection opened on the OpenSearch Dashboards URL (not the cluster's)
   */
  public SavedObjectsImporter(OpenSearchConnection dashboards) {
    this.dashboards = dashboards;
  }

  /** The NDJSON as it is shipped. */
  public static byte[] savedObjects() {
    try (InputStream in =
        SavedObjectsImporter.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("saved objects missing from the build: " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * Imports every saved object, replacing existing ones with the same ids.
   *
   * @return how many objects Dashboards imported (every object of the file)
   * @throws IOException when Dashboards cannot be reached, refuses the request (the message carries
   *     its HTTP status and error), or refuses any object (the message names each one and why)
   */
  public int importAll() throws IOException {
    String boundary = "vigil-" + UUID.randomUUID();
    byte[] body = multipart(boundary, savedObjects());
    try (Response response =
        dashboards
            .client()
            .generic()
            .withTransportOptions(TransportOptions.builder().addHeader("osd-xsrf", "true").build())
            .execute(
                Requests.create(
                    "POST",
                    "/api/saved_objects/_import",
                    List.of(),
                    Map.of("overwrite", "true"),
                    Body.from(body, "multipart/form-data; boundary=" + boundary)))) {
      String text = response.getBody().map(Body::bodyAsString).orElse("");
      if (response.getStatus() >= 300) {
        throw refused(response.getStatus(), text);
      }
      return importedCount(text);
    } catch (IOException e) {
      // The transport turns most error statuses into a ResponseException (wrapped for 401 and
      // 403) whose message is the request line, a line break, and the response body.
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ResponseException refusal) {
          String message = refusal.getMessage();
          int lineBreak = message.indexOf('\n');
          throw refused(refusal.status(), lineBreak < 0 ? "" : message.substring(lineBreak + 1));
        }
      }
      throw e;
    }
  }

  private static IOException refused(int status, String responseBody) {
    return new IOException(
        "OpenSearch Dashboards refused the import (HTTP "
            + status
            + ")"
            + errorMessage(responseBody));
  }

  /**
   * The count from an import response, or an {@code IOException} naming every refused object:
   * Dashboards answers 200 even when some objects fail, with {@code success: false} and an {@code
   * errors} list.
   */
  static int importedCount(String responseBody) throws IOException {
    JsonNode result;
    try {
      result = JSON.readTree(responseBody);
    } catch (IOException e) {
      throw new IOException("OpenSearch Dashboards answered the import with something not JSON");
    }
    if (result == null || !result.path("success").isBoolean()) {
      throw new IOException("OpenSearch Dashboards answered the import without a success flag");
    }
    if (result.path("success").asBoolean()) {
      return result.path("successCount").asInt();
    }
    List<String> refused = new ArrayList<>();
    for (JsonNode error : result.path("errors")) {
      refused.add(
          error.path("type").asText()
              + " "
              + error.path("id").asText()
              + " ("
              + error.path("error").path("type").asText("unknown error")
              + ")");
    }
    throw new IOException(
        "OpenSearch Dashboards imported "
            + result.path("successCount").asInt()
            + " saved objects and refused "
            + refused.size()
            + ": "
            + String.join(", ", refused));
  }

  private static String errorMessage(String responseBody) {
    try {
      JsonNode error = JSON.readTree(responseBody);
      if (error != null && error.path("message").isTextual()) {
        return ": " + error.path("message").asText().replaceAll("\\R", " ");
      }
    } catch (IOException notJson) {
      // A proxy's HTML error page: the status says enough.
    }
    return "";
  }

  private static byte[] multipart(String boundary, byte[] ndjson) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ndjson.length + 256);
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vigil.ndjson\""
            + "\r\nContent-Type: application/ndjson\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(ndjson);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
