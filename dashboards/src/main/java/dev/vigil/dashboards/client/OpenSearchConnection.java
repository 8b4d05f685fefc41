package dev.vigil.dashboards.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.yaml.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * An {@code opensearch-java} client on the Apache HttpClient 5 transport, configured from {@link
 * OpenSearchConfig}: TLS trust (CA PEM or trust store) with host-name verification on by default,
 * basic auth with the password read from its environment variable or file at this moment, and the
 * configured timeouts. Close it to release the connection pool.
 *
 * <p>The password goes into the HTTP client's credentials provider and nowhere else: it is not kept
 * in a field of this class, in the configuration, or in any message.
 */
public final class OpenSearchConnection implements AutoCloseable {

  private final ApacheHttpClient5Transport transport;
  private final OpenSearchClient client;
  private final String description;
  private final String endpoint;

  private OpenSearchConnection(
      ApacheHttpClient5Transport transport, String description, String endpoint) {
    this.transport = transport;
    this.client = new OpenSearchClient(transport);
    this.description = description;
    this.endpoint = endpoint;
  }

  /** Opens a connection with the process environment for passwords. */
  public static OpenSearchConnection open(OpenSearchConfig config) {
    return open(config, System::getenv);
  }

  /**
   * @param environment looks up environment variables (tests pass a map)
   * @throws InvalidConfigException when a password or trust material cannot be read, with the key
   *     that names it; the message names the file or variable, never a value
   */
  public static OpenSearchConnection open(
      OpenSearchConfig config, Function<String, String> environment) {
    HttpHost[] hosts =
        config.urls().stream()
            .map(url -> new HttpHost(url.getScheme(), url.getHost(), port(url)))
            .toArray(HttpHost[]::new);
    BasicCredentialsProvider credentials = null;
    if (config.username() != null) {
      char[] password = config.password().readPassword(environment);
      credentials = new BasicCredentialsProvider();
      for (HttpHost host : hosts) {
        credentials.setCredentials(
            new AuthScope(host), new UsernamePasswordCredentials(config.username(), password));
      }
    }
    TlsStrategy tls =
        hosts[0].getSchemeName().equals("https") ? tlsStrategy(config.tls(), environment) : null;
    ConnectionConfig connection =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(config.connectTimeout()))
            .setSocketTimeout(Timeout.of(config.responseTimeout()))
            .build();
    BasicCredentialsProvider credentialsProvider = credentials;
    ApacheHttpClient5TransportBuilder builder =
        ApacheHttpClient5TransportBuilder.builder(hosts)
            .setMapper(new JacksonJsonpMapper(new ObjectMapper()))
            .setRequestConfigCallback(
                request -> request.setResponseTimeout(Timeout.of(config.responseTimeout())))
            .setHttpClientConfigCallback(
                http -> {
                  PoolingAsyncClientConnectionManagerBuilder pool =
                      PoolingAsyncClientConnectionManagerBuilder.create()
                          .setDefaultConnectionConfig(connection)
                          .setMaxConnPerRoute(
                              ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_PER_ROUTE)
                          .setMaxConnTotal(
                              ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_TOTAL);
                  if (tls != null) {
                    pool.setTlsStrategy(tls);
                  }
                  http.setConnectionManager(pool.build());
                  if (credentialsProvider != null) {
                    http.setDefaultCredentialsProvider(credentialsProvider);
                  }
                  return http;
                });
    String prefix = OpenSearchConfig.pathOf(config.urls().get(0));
    if (!prefix.isEmpty()) {
      builder.setPathPrefix(prefix);
    }
    String description =
        config.urls()
            + (config.username() == null ? "" : " as " + config.username())
            + (tls == null
                ? ""
                : config.tls().verifyHostname() ? " (tls)" : " (tls, host names not verified)");
    String endpoint = config.urls().stream().map(URI::toString).collect(Collectors.joining(", "));
    return new OpenSearchConnection(builder.build(), description, endpoint);
  }

  /**
   * Reads what {@link #open} reads from files and the environment (the password, the CA file or
   * trust store and its password) without connecting: a start that will connect later refuses a
   * wrong path at once, before it waits for any other service.
   *
   * @throws InvalidConfigException as {@link #open} does, naming the key and the file or variable
   */
  public static void checkCredentials(
      OpenSearchConfig config, Function<String, String> environment) {
    if (config.password() != null) {
      Arrays.fill(config.password().readPassword(environment), '\0');
    }
    if (config.urls().get(0).getScheme().equals("https")) {
      sslContext(config.tls(), environment);
    }
  }

  /**
   * The URLs it sends to, for a message about a request that failed: never a credential, since
   * {@link OpenSearchConfig} refuses user info in a URL and the user name is not part of it.
   */
  public String endpoint() {
    return endpoint;
  }

  public OpenSearchClient client() {
    return client;
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }

  /** Where it connects and how, without credentials. */
  @Override
  public String toString() {
    return "OpenSearch " + description;
  }

  private static int port(URI url) {
    if (url.getPort() > 0) {
      return url.getPort();
    }
    return url.getScheme().equals("https") ? 443 : 80;
  }

  static TlsStrategy tlsStrategy(TlsConfig tls, Function<String, String> environment) {
    ClientTlsStrategyBuilder builder =
        ClientTlsStrategyBuilder.create()
            .setSslContext(sslContext(tls, environment))
            .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT);
    // Verification by the client's own verifier, always named: httpclient5 5.6's BUILTIN policy
    // (its default without a verifier) sets JSSE's endpoint identification after the engine's
    // parameters are applied, so on its own it checks no host name at all
    // (OpenSearchConnectionTlsTest catches that).
    builder.setHostnameVerifier(
        tls.verifyHostname() ? new DefaultHostnameVerifier() : NoopHostnameVerifier.INSTANCE);
    return builder.buildAsync();
  }

  private static final String NOT_PEM_CERTIFICATES =
      "not a PEM file of certificates (no -----BEGIN CERTIFICATE----- block)";

  static SSLContext sslContext(TlsConfig tls, Function<String, String> environment) {
    try {
      if (tls.caPem() == null && tls.truststore() == null) {
        return SSLContext.getDefault();
      }
      KeyStore trusted;
      if (tls.caPem() != null) {
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(Path.of(tls.caPem()))) {
          certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
          throw new InvalidConfigException(
              null,
              0,
              "opensearch.tls.ca_pem",
              "cannot load the CA certificates from " + tls.caPem() + ": " + NOT_PEM_CERTIFICATES);
        }
        int index = 0;
        for (Certificate certificate : certificates) {
          trusted.setCertificateEntry("ca-" + index++, certificate);
        }
      } else {
        trusted = KeyStore.getInstance(tls.truststoreType());
        char[] password =
            tls.truststorePassword() == null
                ? null
                : tls.truststorePassword().readPassword(environment);
        try (InputStream in = Files.newInputStream(Path.of(tls.truststore()))) {
          trusted.load(in, password);
        } finally {
          if (password != null) {
            Arrays.fill(password, '\0');
          }
        }
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      boolean pem = tls.caPem() != null;
      String path = pem ? tls.caPem() : tls.truststore();
      // The JDK's own text is the useful one for a trust store ("keystore password was
      // incorrect"); a file that cannot be opened, or a CA file the certificate parser finds
      // nothing in ("No certificate data found"), gets ours.
      String reason =
          e instanceof FileSystemException unreadable
              ? IoProblems.readProblem(Path.of(path), unreadable)
              : pem && e instanceof CertificateException
                  ? NOT_PEM_CERTIFICATES
                  : IoProblems.reason(e);
      throw pem
          ? new InvalidConfigException(
              null,
              0,
              "opensearch.tls.ca_pem",
              "cannot load the CA certificates from " + path + ": " + reason)
          : new InvalidConfigException(
              null,
              0,
              "opensearch.tls.truststore",
              "cannot load the trust store " + path + ": " + reason);
    }
  }
}
