package dev.vigil.ingest.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSourceTest {

  @Test
  void readsFromTheEnvironmentOrATrimmedFile(@TempDir Path dir) throws IOException {
    SecretSource env =
        new SecretSource("notify.destinations.oncall.routing_key_env", "PD_KEY", null);
    assertThat(env.read(Map.of("PD_KEY", "k3y-from-env\n")::get)).isEqualTo("k3y-from-env");

    Path file = Files.writeString(dir.resolve("password"), "hunter2\n");
    SecretSource fromFile = new SecretSource("opensearch.password_file", null, file.toString());
    assertThat(fromFile.read(name -> null)).isEqualTo("hunter2");
    assertThat(fromFile.readPassword(name -> null)).containsExactly("hunter2".toCharArray());
  }

  @Test
  void aMissingPasswordNamesTheKeyAndWhereItLookedAndNoValue(@TempDir Path dir) throws IOException {
    assertThatThrownBy(
            () ->
                new SecretSource("opensearch.password_env", "P", null)
                    .readPassword(Map.<String, String>of()::get))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("opensearch.password_env: environment variable P is not set or empty");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(
            () ->
                new SecretSource("opensearch.password_file", null, empty.toString())
                    .readPassword(n -> null))
        .hasMessage("opensearch.password_file: password file " + empty + " is empty");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(
            () ->
                new SecretSource("opensearch.password_file", null, missing.toString())
                    .readPassword(n -> null))
        .hasMessage(
            "opensearch.password_file: cannot read password file "
                + missing
                + ": no such file or directory");
    assertThatThrownBy(
            () ->
                new SecretSource("opensearch.password_file", null, dir.toString())
                    .readPassword(n -> null))
        .hasMessage(
            "opensearch.password_file: cannot read password file "
                + dir
                + ": is a directory, not a file");
    Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {'p', (byte) 0xE9, 'w'});
    assertThatThrownBy(
            () ->
                new SecretSource("opensearch.password_file", null, latin1.toString())
                    .readPassword(n -> null))
        .hasMessage(
            "opensearch.password_file: cannot read password file " + latin1 + ": not UTF-8 text");
  }

  @Test
  void aSecretPastedWhereAVariableNameBelongsIsRefusedWithoutShowingIt() {
    for (String pasted : new String[] {"S3cr3t!Pa ss", "hunter2-x", "9lives", "pa$$", "p.w"}) {
      assertThatThrownBy(() -> new SecretSource("opensearch.password_env", pasted, null))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessage(
              "opensearch.password_env: not an environment variable name (its value is not"
                  + " shown, in case it is the secret itself); give the variable's name, such as"
                  + " VIGIL_OPENSEARCH_PASSWORD")
          .message()
          .doesNotContain(pasted);
    }
    assertThat(new SecretSource("k_env", "_Lower_case9", null).env()).isEqualTo("_Lower_case9");
    assertThat(SecretSource.notAVariableName("notify.destinations.secops-slack.webhook_url_env"))
        .endsWith("such as VIGIL_NOTIFY_WEBHOOK_URL");
    assertThat(SecretSource.notAVariableName("password_env")).endsWith("such as VIGIL_PASSWORD");
  }

  @Test
  void aMissingSecretCallsItsFileASecretFile(@TempDir Path dir) throws IOException {
    String key = "notify.destinations.siem.hmac_key_file";
    assertThatThrownBy(() -> new SecretSource(key, "K", null).read(n -> " "))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(key + ": environment variable K is not set or empty")
        .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo(key));
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    assertThatThrownBy(() -> new SecretSource(key, null, empty.toString()).read(n -> null))
        .hasMessage(key + ": secret file " + empty + " is empty");
    Path missing = dir.resolve("none");
    assertThatThrownBy(() -> new SecretSource(key, null, missing.toString()).read(n -> null))
        .hasMessage(key + ": cannot read secret file " + missing + ": no such file or directory");
  }

  @Test
  void travelsSerializedAsAReferenceWithoutTheValue() throws IOException {
    SecretSource env = new SecretSource("opensearch.password_env", "VIGIL_OS_PASSWORD", null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(env);
    }
    assertThat(bytes.toString(StandardCharsets.ISO_8859_1)).contains("VIGIL_OS_PASSWORD");
    assertThat(env).hasToString("env:VIGIL_OS_PASSWORD");
    assertThat(new SecretSource("k_file", null, "/run/secrets/pw"))
        .hasToString("file:/run/secrets/pw");
  }

  @Test
  void namesExactlyOnePlace() {
    assertThatThrownBy(() -> new SecretSource("k", "ENV", "/file"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SecretSource("k", null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
