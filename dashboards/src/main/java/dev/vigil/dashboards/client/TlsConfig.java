package dev.vigil.dashboards.client;

import dev.vigil.ingest.yaml.ConfigMapping;
import dev.vigil.ingest.yaml.SecretSource;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * How Vigil trusts an OpenSearch cluster's certificate: a CA certificate file (PEM, one or more
 * certificates), a trust store (PKCS12 or JKS, its password from an environment variable or a
 * file), or, with neither, the JVM's default trust. Host names are verified unless {@code
 * verify_hostname: false} says otherwise (for clusters addressed by an IP their certificates do not
 * name; it weakens TLS to "encrypted, signed by a trusted CA").
 *
 * @param caPem path of a PEM file of trusted CA certificates, or null
 * @param truststore path of a trust store, or null
 * @param truststoreType PKCS12 (default) or JKS
 * @param truststorePassword where the trust store's password is, or null for none
 * @param verifyHostname whether the certificate must name the host Vigil connects to
 */
public record TlsConfig(
    String caPem,
    String truststore,
    String truststoreType,
    SecretSource truststorePassword,
    boolean verifyHostname)
    implements Serializable {

  private static final Set<String> KEYS =
      Set.of(
          "ca_pem",
          "truststore",
          "truststore_type",
          "truststore_password_env",
          "truststore_password_file",
          "verify_hostname");

  /** The JVM's default trust, host names verified. */
  public static final TlsConfig DEFAULT = new TlsConfig(null, null, "PKCS12", null, true);

  /** True when this says anything beyond the defaults. */
  public boolean customized() {
    return caPem != null || truststore != null || !verifyHostname;
  }

  static TlsConfig read(ConfigMapping node) {
    // Before the keys: an inline password is refused as such, not as an unknown key.
    SecretSource password = node.secret("truststore_password");
    node.onlyKeys(KEYS);
    String caPem = node.path("ca_pem");
    String truststore = node.path("truststore");
    if (caPem != null && truststore != null) {
      throw node.error("", "set either ca_pem or truststore, not both");
    }
    String type = node.choice("truststore_type", null, List.of("PKCS12", "JKS"));
    if ((type != null || password != null) && truststore == null) {
      throw node.error("", "truststore_type and truststore_password_* need a truststore");
    }
    return new TlsConfig(
        caPem,
        truststore,
        type == null ? "PKCS12" : type,
        password,
        node.bool("verify_hostname", true));
  }
}
