package dev.vigil.dashboards.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.ingest.yaml.SecretSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * TLS trust, host-name verification and basic auth of {@link OpenSearchConnection}, against an
 * HTTPS server whose self-signed certificate names only {@code localhost} and which wants {@code
 * vigil}/{@code hunter2}.
 */
class OpenSearchConnectionTlsTest {

  private static final String PASSWORD = "hunter2";

  @TempDir static Path dir;
  private static HttpsServer server;
  private static Path caPem;

  @BeforeAll
  static void startServer() throws Exception {
    Path keystore = dir.resolve("server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit");
    caPem = dir.resolve("ca.pem");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "server",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-file",
        caPem.toString());

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("vigil:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/",
        exchange -> {
          boolean authorized =
              expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = (authorized ? "{\"ok\":true}" : "{}").getBytes(StandardCharsets.UTF_8);
          if (!authorized) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"opensearch\"");
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
  }

  @Test
  void trustsTheConfiguredCaAndSendsThePasswordFromTheEnvironment() throws IOException {
    try (OpenSearchConnection connection =
        OpenSearchConnection.open(
            config("localhost", true), Map.of("OS_PASSWORD", PASSWORD)::get)) {
      assertThat(get(connection)).isEqualTo(200);
      assertThat(connection.toString()).contains("as vigil").doesNotContain(PASSWORD);
    }
  }

  @Test
  void aWrongPasswordIsRefused() throws IOException {
    try (OpenSearchConnection connection =
        OpenSearchConnection.open(config("localhost", true), Map.of("OS_PASSWORD", "wrong")::get)) {
      assertThatThrownBy(() -> get(connection)).hasMessageContaining("Unauthorized");
    }
  }

  @Test
  void aHostTheCertificateDoesNotNameIsRefusedUnlessVerificationIsOff() throws IOException {
    try (OpenSearchConnection verifying =
        OpenSearchConnection.open(
            config("127.0.0.1", true), Map.of("OS_PASSWORD", PASSWORD)::get)) {
      assertThatThrownBy(() -> get(verifying)).isInstanceOf(IOException.class);
    }
    try (OpenSearchConnection lenient =
        OpenSearchConnection.open(
            config("127.0.0.1", false), Map.of("OS_PASSWORD", PASSWORD)::get)) {
      assertThat(get(lenient)).isEqualTo(200);
    }
  }

  @Test
  void withoutTheCaTheCertificateIsNotTrusted() throws IOException {
    OpenSearchConfig defaultTrust =
        new OpenSearchConfig(
            List.of(URI.create("https://localhost:" + server.getAddress().getPort())),
            "vigil",
            new SecretSource("opensearch.password_env", "OS_PASSWORD", null),
            TlsConfig.DEFAULT,
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            null,
            IndexSettings.DEFAULT,
            BulkConfig.DEFAULT);
    try (OpenSearchConnection connection =
        OpenSearchConnection.open(defaultTrust, Map.of("OS_PASSWORD", PASSWORD)::get)) {
      assertThatThrownBy(() -> get(connection)).isInstanceOf(IOException.class);
    }
  }

  private static OpenSearchConfig config(String host, boolean verifyHostname) {
    return new OpenSearchConfig(
        List.of(URI.create("https://" + host + ":" + server.getAddress().getPort())),
        "vigil",
        new SecretSource("opensearch.password_env", "OS_PASSWORD", null),
        new TlsConfig(caPem.toString(), null, "PKCS12", null, verifyHostname),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        null,
        IndexSettings.DEFAULT,
        BulkConfig.DEFAULT);
  }

  private static int get(OpenSearchConnection connection) throws IOException {
    try (Response response =
        connection
            .client()
            .generic()
            .execute(Requests.builder().method("GET").endpoint("/").build())) {
      return response.getStatus();
    }
  }

  private static void keytool(String... arguments) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>();
    command.add(keytool.toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(process.exitValue()).as("keytool: " + output).isZero();
  }
}
