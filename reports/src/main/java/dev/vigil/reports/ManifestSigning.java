package dev.vigil.reports;

import dev.vigil.ingest.io.IoProblems;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signatures of a report's manifest with the JDK's own provider: a PKCS#8 PEM private key
 * ({@code openssl genpkey -algorithm ed25519}) signs, an X.509 PEM public key ({@code openssl pkey
 * -pubout}) verifies. Ed25519 signatures are deterministic, so a signed report is reproducible too.
 *
 * <p>Messages name the key file, never its content.
 */
public final class ManifestSigning {

  public static final String ALGORITHM = "Ed25519";

  private ManifestSigning() {}

  /**
   * @throws IllegalArgumentException when the file is missing or is not an Ed25519 private key
   */
  public static PrivateKey readPrivateKey(Path file) {
    return readPrivateKey(file, file.toString());
  }

  /**
   * As {@link #readPrivateKey(Path)}, naming the file in messages as {@code shownAs} (the path as
   * the user typed it).
   */
  public static PrivateKey readPrivateKey(Path file, String shownAs) {
    byte[] der = pem(file, shownAs, "PRIVATE KEY", "private key");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "private key file " + shownAs + " is not an Ed25519 private key (PKCS#8 PEM)");
    }
  }

  /**
   * @throws IllegalArgumentException when the file is missing or is not an Ed25519 public key
   */
  public static PublicKey readPublicKey(Path file) {
    return readPublicKey(file, file.toString());
  }

  /**
   * As {@link #readPublicKey(Path)}, naming the file in messages as {@code shownAs} (the path as
   * the user typed it).
   */
  public static PublicKey readPublicKey(Path file, String shownAs) {
    byte[] der = pem(file, shownAs, "PUBLIC KEY", "public key");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "public key file "
              + shownAs
              + " is not an Ed25519 public key (PEM, 'openssl pkey -pubout')");
    }
  }

  /**
   * The public key of an Ed25519 private key. The JDK 17 API does not expose it ({@link
   * EdECPrivateKey} holds only the 32-byte seed), but its key pair generator derives the public key
   * from a seed it draws from the given random source: handing it the seed yields the pair. The
   * result is checked by signing and verifying a probe, so a JDK that draws its seed differently
   * fails here rather than recording a wrong fingerprint.
   *
   * @throws IllegalArgumentException when the key is not an Ed25519 private key
   */
  public static PublicKey publicKeyOf(PrivateKey key) {
    byte[] seed =
        key instanceof EdECPrivateKey edKey
            ? edKey.getBytes().orElseThrow(ManifestSigning::notEd25519)
            : null;
    if (seed == null || seed.length != 32) {
      throw notEd25519();
    }
    SecureRandom seeded =
        new SecureRandom() {
          @Override
          public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
              throw new IllegalStateException("Ed25519 key generation drew an unexpected length");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
          }
        };
    PublicKey publicKey;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(NamedParameterSpec.ED25519, seeded);
      publicKey = generator.generateKeyPair().getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 key derivation failed", e);
    }
    byte[] probe = "vigil signing key probe".getBytes(StandardCharsets.US_ASCII);
    if (!verify(publicKey, probe, sign(key, probe))) {
      throw new IllegalStateException("the JDK derived a public key that does not match");
    }
    return publicKey;
  }

  /**
   * The SHA-256 (lower-case hex) of the key's X.509 SubjectPublicKeyInfo encoding, as {@code
   * openssl pkey -pubin -in key.pem -outform DER | sha256sum} prints it.
   */
  public static String fingerprint(PublicKey key) {
    return FileDigest.sha256Hex(key.getEncoded());
  }

  private static IllegalArgumentException notEd25519() {
    return new IllegalArgumentException("the signing key is not an Ed25519 private key");
  }

  /** The signature of {@code content}, base64. */
  public static String sign(PrivateKey key, byte[] content) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(key);
      signature.update(content);
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("the signing key is not an Ed25519 private key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** Whether {@code signatureBase64} is {@code key}'s signature of {@code content}. */
  public static boolean verify(PublicKey key, byte[] content, String signatureBase64) {
    byte[] signatureBytes;
    try {
      signatureBytes = Base64.getDecoder().decode(signatureBase64.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(key);
      signature.update(content);
      return signature.verify(signatureBytes);
    } catch (SignatureException e) {
      return false;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("the public key is not an Ed25519 public key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 verification failed", e);
    }
  }

  private static byte[] pem(Path path, String file, String type, String what) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          what + " file " + file + " is not a PEM file (it holds bytes that are not ASCII text)");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + what + " file " + file + ": " + IoProblems.readProblem(path, e));
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          what + " file " + file + " holds no '" + begin + "' block (PEM)");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " file " + file + " is not valid PEM (base64)");
    }
  }
}
