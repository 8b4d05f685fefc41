package dev.vigil.dashboards.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenSearchConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void readsAFullSection() throws IOException {
    OpenSearchConfig config =
        read(
            """
            urls: [https://search-1.example:9200, https://search-2.example:9200]
            username: vigil
            password_env: VIGIL_OPENSEARCH_PASSWORD
            tls:
              ca_pem: /etc/vigil/ca.pem
            connect_timeout: 2s
            response_timeout: 90s
            retention_file: /etc/vigil/retention.yaml
            index: {shards: 2, replicas: 1, refresh_interval: 5s}
            bulk: {max_actions: 500, max_bytes: 2mb, flush_interval: 250ms, give_up_after: 0s}
            """);

    assertThat(config.urls())
        .containsExactly(
            URI.create("https://search-1.example:9200"),
            URI.create("https://search-2.example:9200"));
    assertThat(config.username()).isEqualTo("vigil");
    assertThat(config.password()).hasToString("env:VIGIL_OPENSEARCH_PASSWORD");
    assertThat(config.tls().caPem()).isEqualTo("/etc/vigil/ca.pem");
    assertThat(config.tls().verifyHostname()).isTrue();
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.responseTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.retentionFile()).isEqualTo("/etc/vigil/retention.yaml");
    assertThat(config.index()).isEqualTo(new IndexSettings(2, 1, Duration.ofSeconds(5)));
    assertThat(config.bulk().maxActions()).isEqualTo(500);
    assertThat(config.bulk().maxBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(config.bulk().flushInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.bulk().giveUpAfter()).isZero();
    assertThat(config.bulk().initialBackoff()).isEqualTo(BulkConfig.DEFAULT.initialBackoff());
  }

  @Test
  void readsAnIndexPrefix() throws IOException {
    assertThat(read("{url: 'http://a:9200', index: {prefix: vigil-demo-}}").index())
        .isEqualTo(new IndexSettings(1, 1, Duration.ofSeconds(1), "vigil-demo-"));
    assertThat(read("{url: 'http://a:9200'}").index().prefix()).isEqualTo("vigil-");
  }

  @Test
  void durationsTakeTheSyntaxOfEveryOtherSetting() throws IOException {
    // Days, weeks and "min" were refused here while the rest of vigil.yaml took them.
    OpenSearchConfig config =
        read("{url: 'http://a:9200', response_timeout: 2min, bulk: {give_up_after: 1d}}");
    assertThat(config.responseTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.bulk().giveUpAfter()).isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> read("{url: 'http://a:9200', bulk: {give_up_after: 600}}"))
        .hasMessage(
            "opensearch.bulk.give_up_after: '600' has no unit; add one, e.g. 600s or 600m (a"
                + " duration is a whole number and a unit: 500ms, 30s, 10m (or 10min), 2h, 1d,"
                + " 1w)");
  }

  @Test
  void aUrlAloneGivesTheDefaults() throws IOException {
    OpenSearchConfig config = read("url: http://127.0.0.1:9200");

    assertThat(config).isEqualTo(OpenSearchConfig.local(URI.create("http://127.0.0.1:9200")));
    assertThat(config.tls()).isEqualTo(TlsConfig.DEFAULT);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "urls: []                                                   | opensearch.urls: must be a non-empty list",
        "{url: 'http://a:9200', urls: ['http://b:9200']}            | set exactly one of url or urls",
        "url: ftp://a                                               | is not an http(s)://host[:port] URL",
        "url: 'https://vigil:hunter2@a:9200'                        | put credentials in username",
        "url: 'ftp://vigil:hunter2@a'                               | opensearch.url: the URL is not an http(s)://host[:port] URL",
        "url: 'http://vigil:hunt er2@a'                             | opensearch.url: the URL is not a URL (Illegal character in authority)",
        "urls: ['http://a:9200', 'https://b:9200']                  | share one scheme and path prefix",
        "{url: 'http://a:9200', username: vigil, password_env: P}   | basic auth over plain http",
        "{url: 'https://a:9200', username: vigil}                   | neither password_env nor password_file",
        "{url: 'https://a:9200', password_env: P}                   | a password needs a username",
        "{url: 'https://a', username: u, password_env: P, password_file: /f} | either password_env or password_file",
        "{url: 'http://a:9200', tls: {ca_pem: /ca.pem}}             | tls is configured but the urls are http",
        "{url: 'https://a', tls: {ca_pem: /a, truststore: /b}}      | either ca_pem or truststore",
        "{url: 'https://a', tls: {verify_hostname: 'no'}}           | opensearch.tls.verify_hostname: must be true or false, got 'no'",
        "{url: 'https://a', tls: {truststore_type: PEM, truststore: /t}} | opensearch.tls.truststore_type: must be one of PKCS12, JKS, got 'PEM'",
        "{url: 'http://a:9200', connect_timeout: 5 seconds}         | opensearch.connect_timeout: '5 seconds' is not a duration",
        "{url: 'http://a:9200', bulk: {max_bytes: lots}}            | opensearch.bulk.max_bytes: must be a size: a whole number of bytes, or one with a unit (100b, 512kb, 5mb, 1gb), got 'lots'",
        "{url: 'http://a:9200', bulk: {max_actions: 0}}             | opensearch.bulk.max_actions: must be at least 1, got 0",
        "{url: 'http://a:9200', bulk: {max_backoff: 1ms}}           | opensearch.bulk.max_backoff: must not be shorter than initial_backoff",
        "{url: 'http://a:9200', index: {replicas: -1}}              | opensearch.index.replicas: must be at least 0, got -1",
        "{url: 'http://a:9200', pasword_env: P}                     | opensearch.pasword_env: unknown key; did you mean 'password_env'?",
        "{url: 'http://a:9200', index: {prefix: Vigil-Demo-}}       | opensearch.index.prefix: \"Vigil-Demo-\" is not an index name prefix",
        "{url: 'http://a:9200', index: {prefix: vigil-demo}}        | ending with '-' (like vigil-demo-)",
        "{url: 'http://a:9200', bulk: {max_bytes: 0kb}}             | opensearch.bulk.max_bytes: must be larger than zero, got '0kb'",
        "{url: 'http://a:9200', index: {refresh_interval: 0s}}      | opensearch.index.refresh_interval: must be longer than zero, got '0s'",
        "{url: 'https://a', password: hunter2, username: u}         | opensearch.password: secrets are not accepted inline",
        "{url: 'https://a', username: u, password_env: 'S3cr3t!Pa ss'} | opensearch.password_env: not an environment variable name (its value is not shown",
        "{url: 'http://a:9200', index: {prefix: vigil-alerts-old-}} | opensearch.index.prefix: \"vigil-alerts-old-\" names indices inside vigil-alerts-*",
      })
  void saysWhichKeyIsWrong(String yaml, String message) {
    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "url: 'https://vigil:hunter2@a:9200'",
        "url: 'ftp://vigil:hunter2@a'",
        "url: 'http://vigil:hunt er2@a'",
        "urls: ['http://a:9200', 'http://vigil:hunter2@b:9200']",
        "{url: 'https://a', username: u, password_env: 'hunter2 pasted here'}",
        "{url: 'https://a', username: u, tls: {truststore: /t, truststore_password_env: hunter2!}}"
      })
  void neverQuotesAValueThatMayBeAPassword(String yaml) {
    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("hunter2")
        .doesNotContain("hunt er2");
  }

  @Test
  void holdsNoCredentialAndTravelsToTaskManagers() throws IOException {
    OpenSearchConfig config =
        read("{url: 'https://a:9200', username: vigil, password_env: VIGIL_OS_PASSWORD}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    }
    String serialized = bytes.toString(StandardCharsets.ISO_8859_1);
    assertThat(serialized).contains("VIGIL_OS_PASSWORD").doesNotContain("hunter2");
    assertThat(config.toString()).doesNotContain("hunter2");
  }

  @Test
  void aCaFileWithoutCertificatesIsAConfigurationError(@TempDir Path dir) throws IOException {
    Path notACertificate = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    TlsConfig tls = new TlsConfig(notACertificate.toString(), null, "PKCS12", null, true);

    assertThatThrownBy(() -> OpenSearchConnection.sslContext(tls, name -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "opensearch.tls.ca_pem: cannot load the CA certificates from "
                + notACertificate
                + ": not a PEM file of certificates (no -----BEGIN CERTIFICATE----- block)");
  }

  @Test
  void listsOfUrlsKeepTheirOrder() throws IOException {
    assertThat(read("urls: ['http://a:9200', 'http://b:9200']").urls())
        .isEqualTo(List.of(URI.create("http://a:9200"), URI.create("http://b:9200")));
  }

  private static OpenSearchConfig read(String yaml) throws IOException {
    JsonNode node = YAML.readTree(yaml);
    return OpenSearchConfig.fromTree(node);
  }
}
