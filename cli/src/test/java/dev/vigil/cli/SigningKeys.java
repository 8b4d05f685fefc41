package dev.vigil.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** A new Ed25519 key pair in PEM files, as {@code vigil report --signing-key} and verify read. */
record SigningKeys(Path privateKey, Path publicKey) {

  /** Writes {@code signing.pem} (private) and {@code public.pem} into {@code dir}. */
  static SigningKeys writeTo(Path dir) throws IOException, GeneralSecurityException {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    SigningKeys files = new SigningKeys(dir.resolve("signing.pem"), dir.resolve("public.pem"));
    Files.writeString(files.privateKey(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.writeString(files.publicKey(), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    return files;
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
