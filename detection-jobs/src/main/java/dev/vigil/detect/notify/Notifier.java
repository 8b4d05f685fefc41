package dev.vigil.detect.notify;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a notification into the HTTP request of one destination type. The body is built once per
 * notification; the request is rebuilt for each attempt from the same bytes, since a signed request
 * carries the time of its own attempt.
 */
interface Notifier {

  byte[] body(Notification notification);

  HttpRequest request(Notification notification, byte[] body, Instant now);

  /** A JSON POST of {@code body}, the part every destination type shares. */
  static HttpRequest.Builder jsonPost(URI uri, byte[] body, Duration timeout) {
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("User-Agent", "Vigil")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }
}
