package dev.vigil.ingest.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConfigMappingTest {

  private static final Path BASE = Path.of("/etc/vigil");

  private static ConfigMapping root(String yaml) {
    try {
      return ConfigMapping.root("vigil.yaml", YamlTrees.read(yaml).get(0), BASE);
    } catch (YamlTrees.InvalidYamlException e) {
      throw new AssertionError(e);
    }
  }

  /** Reading {@code yaml} with {@code read} fails with exactly {@code message}. */
  private static void fails(String yaml, Consumer<ConfigMapping> read, String message) {
    assertThatThrownBy(() -> read.accept(root(yaml)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(message);
  }

  @Test
  void anErrorReadsAsFileLineDottedKeyProblem() {
    assertThatThrownBy(
            () ->
                root("job:\n  name: x\nkafka:\n  topics:\n    alerts: {}\n")
                    .section("kafka")
                    .section("topics")
                    .text("alerts", null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("vigil.yaml:5: kafka.topics.alerts: must be a string, got a mapping")
        .satisfies(
            e -> {
              InvalidConfigException error = (InvalidConfigException) e;
              assertThat(error.file()).isEqualTo("vigil.yaml");
              assertThat(error.line()).isEqualTo(5);
              assertThat(error.key()).isEqualTo("kafka.topics.alerts");
              assertThat(error.problem()).isEqualTo("must be a string, got a mapping");
            });
  }

  @Test
  void aMissingKeyIsLocatedAtItsNearestWrittenAncestor() {
    ConfigMapping root = root("job: {}\nkafka:\n  security:\n    protocol: SSL\n");
    assertThat(root.section("kafka").section("security").error("ssl", "is required").getMessage())
        .isEqualTo("vigil.yaml:3: kafka.security.ssl: is required");
    assertThat(root.errorAtPath("kafka.security.protocol", "x").line()).isEqualTo(4);
    assertThat(root.errorAt(List.of("sinks", "files"), "x").getMessage())
        .isEqualTo("vigil.yaml:1: sinks.files: x");
    assertThat(root.section("kafka").error("", "whole section").getMessage())
        .isEqualTo("vigil.yaml:2: kafka: whole section");
  }

  @Test
  void aMappingFromNoFileNamesTheKeyOnly() {
    ConfigMapping flags =
        ConfigMapping.of(new ObjectMapper().createObjectNode().put("shards", 0), "opensearch");
    assertThatThrownBy(() -> flags.integer("shards", 1, 1, Integer.MAX_VALUE))
        .hasMessage("opensearch.shards: must be at least 1, got 0")
        .satisfies(e -> assertThat(((InvalidConfigException) e).line()).isZero());
    assertThatThrownBy(() -> ConfigMapping.of(new ObjectMapper().createArrayNode(), "notify"))
        .hasMessage("notify: must be a mapping");
    assertThatThrownBy(() -> ConfigMapping.of(null, "notify"))
        .hasMessage("notify: must be a mapping");
  }

  @Test
  void theFileMustBeAMapping() {
    fails("- a\n- b\n", m -> {}, "vigil.yaml:1: the file must be a mapping of keys, got a list");
  }

  @Test
  void sections() {
    ConfigMapping kafka = root("kafka:\n  group_id: g\n").section("kafka");
    assertThat(kafka.text("group_id", null)).isEqualTo("g");
    assertThat(root("{}").section("kafka").text("group_id", "default")).isEqualTo("default");
    assertThat(root("kafka:\n").section("kafka").has("group_id")).isFalse();
    fails(
        "kafka: localhost:9092\n",
        m -> m.section("kafka"),
        "vigil.yaml:1: kafka: must be a mapping, got 'localhost:9092'");
  }

  @Test
  void text() {
    ConfigMapping m = root("a: ' padded '\nb: 42\n");
    assertThat(m.text("a", null)).isEqualTo("padded");
    assertThat(m.text("b", null)).isEqualTo("42");
    assertThat(m.text("c", "fallback")).isEqualTo("fallback");
    fails("a: ''\n", m2 -> m2.text("a", null), "vigil.yaml:1: a: must not be empty");
    fails("a: [x]\n", m2 -> m2.text("a", null), "vigil.yaml:1: a: must be a string, got a list");
    fails("a: true\n", m2 -> m2.text("a", null), "vigil.yaml:1: a: must be a string, got true");
  }

  @Test
  void pathsAreResolvedAgainstTheFilesDirectory() {
    ConfigMapping m = root("a: certs/ca.pem\nb: /abs/ca.pem\nc: ../x\n");
    assertThat(m.path("a")).isEqualTo("/etc/vigil/certs/ca.pem");
    assertThat(m.path("b")).isEqualTo("/abs/ca.pem");
    assertThat(m.path("c")).isEqualTo("/etc/x");
    assertThat(m.path("d")).isNull();
    ConfigMapping flags =
        ConfigMapping.of(new ObjectMapper().createObjectNode().put("a", "rel/ca.pem"), "x");
    assertThat(flags.path("a")).isEqualTo("rel/ca.pem");
  }

  @Test
  void integers() {
    ConfigMapping m = root("a: 7\n");
    assertThat(m.integer("a", 1, 1, 10)).isEqualTo(7);
    assertThat(m.integer("b", 3, 1, 10)).isEqualTo(3);
    fails(
        "a: 11\n",
        m2 -> m2.integer("a", 1, 1, 10),
        "vigil.yaml:1: a: must be between 1 and 10, got 11");
    fails(
        "a: -1\n",
        m2 -> m2.integer("a", 1, 0, Integer.MAX_VALUE),
        "vigil.yaml:1: a: must be at least 0, got -1");
    fails(
        "a: two\n",
        m2 -> m2.integer("a", 1, 1, 10),
        "vigil.yaml:1: a: must be a whole number, got 'two'");
    fails(
        "a: 1.5\n",
        m2 -> m2.integer("a", 1, 1, 10),
        "vigil.yaml:1: a: must be a whole number, got 1.5");
    fails(
        "a: 99999999999\n",
        m2 -> m2.integer("a", 1, 1, 10),
        "vigil.yaml:1: a: must be a whole number, got 99999999999");
  }

  @Test
  void countsOrUnbounded() {
    assertThat(root("a: 3\n").countOrUnbounded("a", OptionalInt.of(1), 1, "all")).hasValue(3);
    assertThat(root("a: ALL\n").countOrUnbounded("a", OptionalInt.of(1), 1, "all")).isEmpty();
    assertThat(root("{}").countOrUnbounded("a", OptionalInt.of(1), 1, "all")).hasValue(1);
    fails(
        "a: 0\n",
        m -> m.countOrUnbounded("a", OptionalInt.of(1), 1, "all"),
        "vigil.yaml:1: a: must be a whole number of at least 1, or all, got 0");
  }

  @Test
  void sizes() {
    ConfigMapping m = root("a: 512kb\nb: 5MB\nc: 1gb\nd: 100b\ne: 2048\n");
    assertThat(m.bytes("a", 1)).isEqualTo(512L * 1024);
    assertThat(m.bytes("b", 1)).isEqualTo(5L * 1024 * 1024);
    assertThat(m.bytes("c", 1)).isEqualTo(1024L * 1024 * 1024);
    assertThat(m.bytes("d", 1)).isEqualTo(100);
    assertThat(m.bytes("e", 1)).isEqualTo(2048);
    assertThat(m.bytes("f", 9)).isEqualTo(9);
    String allowed =
        "must be a size: a whole number of bytes, or one with a unit (100b, 512kb, 5mb,"
            + " 1gb), got ";
    fails("a: lots\n", m2 -> m2.bytes("a", 1), "vigil.yaml:1: a: " + allowed + "'lots'");
    fails("a: 5 tb\n", m2 -> m2.bytes("a", 1), "vigil.yaml:1: a: " + allowed + "'5 tb'");
    fails("a: -5kb\n", m2 -> m2.bytes("a", 1), "vigil.yaml:1: a: " + allowed + "'-5kb'");
    fails("a: -5\n", m2 -> m2.bytes("a", 1), "vigil.yaml:1: a: " + allowed + "-5");
    fails(
        "a: 99999999999gb\n",
        m2 -> m2.bytes("a", 1),
        "vigil.yaml:1: a: " + allowed + "'99999999999gb'");
    fails(
        "a: 0kb\n", m2 -> m2.bytes("a", 1), "vigil.yaml:1: a: must be larger than zero, got '0kb'");
  }

  @Test
  void booleans() {
    ConfigMapping m = root("a: true\nb: no\n");
    assertThat(m.bool("a", false)).isTrue();
    assertThat(m.bool("b", true)).isFalse();
    assertThat(m.bool("c", true)).isTrue();
    fails(
        "a: perhaps\n",
        m2 -> m2.bool("a", true),
        "vigil.yaml:1: a: must be true or false, got 'perhaps'");
  }

  @Test
  void durations() {
    ConfigMapping m = root("a: 10min\nb: 0s\n");
    assertThat(m.duration("a", Duration.ZERO, false)).isEqualTo(Duration.ofMinutes(10));
    assertThat(m.duration("b", Duration.ofSeconds(1), true)).isZero();
    assertThat(m.duration("c", Duration.ofSeconds(3), false)).isEqualTo(Duration.ofSeconds(3));
    fails(
        "a: 0s\n",
        m2 -> m2.duration("a", Duration.ofSeconds(1), false),
        "vigil.yaml:1: a: must be longer than zero, got '0s'");
    fails(
        "a: 600\n",
        m2 -> m2.duration("a", Duration.ofSeconds(1), true),
        "vigil.yaml:1: a: '600' has no unit; add one, e.g. 600s or 600m (a duration is a whole"
            + " number and a unit: 500ms, 30s, 10m (or 10min), 2h, 1d, 1w)");
    fails(
        "a: [1s]\n",
        m2 -> m2.duration("a", Duration.ofSeconds(1), true),
        "vigil.yaml:1: a: must be a duration (500ms, 30s, 10m (or 10min), 2h, 1d, 1w), got a list");
  }

  @Test
  void choices() {
    List<String> modes = List.of("exactly_once", "at_least_once", "SCRAM-SHA-512");
    ConfigMapping m = root("a: At-Least-Once\nb: scram_sha_512\n");
    assertThat(m.choice("a", null, modes)).isEqualTo("at_least_once");
    assertThat(m.choice("b", null, modes)).isEqualTo("SCRAM-SHA-512");
    assertThat(m.choice("c", "exactly_once", modes)).isEqualTo("exactly_once");
    fails(
        "a: twice\n",
        m2 -> m2.choice("a", null, modes),
        "vigil.yaml:1: a: must be one of exactly_once, at_least_once, SCRAM-SHA-512, got 'twice'");
  }

  @Test
  void lists() {
    assertThat(root("a: [x, ' y ']\n").strings("a", List.of())).containsExactly("x", "y");
    assertThat(root("{}").strings("a", List.of("d"))).containsExactly("d");
    fails(
        "a: x\n",
        m -> m.strings("a", List.of()),
        "vigil.yaml:1: a: must be a list of strings, got 'x'");
    fails(
        "a: [x, '']\n",
        m -> m.strings("a", List.of()),
        "vigil.yaml:1: a: must be a list of non-empty strings");
  }

  @Test
  void mapsOfStrings() {
    assertThat(root("a:\n  acks: all\n  retries: 3\n  x: true\n").stringMap("a", Map.of()))
        .containsExactly(
            Map.entry("acks", "all"), Map.entry("retries", "3"), Map.entry("x", "true"));
    fails(
        "a:\n  acks: all\n  linger: [1]\n",
        m -> m.stringMap("a", Map.of()),
        "vigil.yaml:3: a.linger: must be a string, number or boolean");
    fails(
        "a: [x]\n",
        m -> m.stringMap("a", Map.of()),
        "vigil.yaml:1: a: must be a mapping of names to values, got a list");
  }

  @Test
  void secretsAreReferencesNeverInline() {
    ConfigMapping sasl = root("sasl:\n  password_env: PW\n").section("sasl");
    assertThat(sasl.secret("password"))
        .isEqualTo(new SecretSource("sasl.password_env", "PW", null));
    assertThat(root("password_file: secrets/pw\n").secret("password"))
        .isEqualTo(new SecretSource("password_file", null, "/etc/vigil/secrets/pw"));
    assertThat(root("{}").secret("password")).isNull();
    assertThatThrownBy(
            () -> root("sasl:\n  password: hunter2\n").section("sasl").secret("password"))
        .hasMessage(
            "vigil.yaml:2: sasl.password: secrets are not accepted inline; name an environment"
                + " variable with password_env or a file with password_file")
        .message()
        .doesNotContain("hunter2");
    assertThatThrownBy(
            () ->
                root("sasl:\n  password_env: \"S3cr3t!Pa ss\"\n")
                    .section("sasl")
                    .secret("password"))
        .hasMessage(
            "vigil.yaml:2: sasl.password_env: not an environment variable name (its value is not"
                + " shown, in case it is the secret itself); give the variable's name, such as"
                + " VIGIL_SASL_PASSWORD")
        .message()
        .doesNotContain("S3cr3t");
    fails(
        "password_env: A\npassword_file: b\n",
        m -> m.secret("password"),
        "vigil.yaml:2: password_file: give either password_env or password_file, not both");
  }

  @Test
  void unknownKeysGetTheNearKnownOneOrTheList() {
    fails(
        "checkpoints:\n  interval: 10s\n  intervall: 5s\n",
        m -> {
          ConfigMapping checkpoints = m.section("checkpoints");
          checkpoints.duration("interval", Duration.ofSeconds(1), false);
          checkpoints.duration("timeout", Duration.ofSeconds(1), false);
          checkpoints.rejectUnknown();
        },
        "vigil.yaml:3: checkpoints.intervall: unknown key; did you mean 'interval'?");
    fails(
        "job:\n  xyzzy: 1\n",
        m -> {
          ConfigMapping job = m.section("job");
          job.text("name", null);
          job.integer("parallelism", 1, 1, 10);
          job.rejectUnknown();
        },
        "vigil.yaml:2: job.xyzzy: unknown key; known keys here: name, parallelism");
    fails(
        "metrics:\n  port: 1\n",
        m -> m.section("metrics").rejectUnknown(),
        "vigil.yaml:2: metrics.port: unknown key; this mapping takes none");
  }

  @Test
  void aKeyRefusedWhenPresentIsNeverSuggested() {
    // holds() does not make "password" known: suggesting it would invite an inline secret.
    fails(
        "sasl:\n  passwor: x\n",
        m -> {
          ConfigMapping sasl = m.section("sasl");
          sasl.holds("password");
          sasl.text("password_env", null);
          sasl.rejectUnknown();
        },
        "vigil.yaml:2: sasl.passwor: unknown key; did you mean 'password_env'?");
  }

  @Test
  void onlyKeysRefusesATypoBeforeAnyRuleBetweenKeys() {
    fails(
        "bulk:\n  max_actions: 5\n  max_bytez: 1mb\n",
        m -> m.section("bulk").onlyKeys(List.of("max_actions", "max_bytes")),
        "vigil.yaml:3: bulk.max_bytez: unknown key; did you mean 'max_bytes'?");
    ConfigMapping bulk = root("bulk:\n  max_actions: 5\n").section("bulk");
    bulk.onlyKeys(List.of("max_actions", "max_bytes"));
    bulk.rejectUnknown();
  }

  @Test
  void aMappingOfUserChosenNamesAcceptsThemAll() {
    ConfigMapping destinations =
        root("destinations:\n  oncall: {}\n  siem: {}\n").section("destinations");
    assertThat(destinations.keys()).containsExactly("oncall", "siem");
    destinations.rejectUnknown();
  }

  @Test
  void writesTellsAWrittenKeyFromADefault() {
    ConfigMapping m = root("kafka:\n  transaction_timeout: 5m\n  group_id: ~\n");
    assertThat(m.writes("kafka.transaction_timeout")).isTrue();
    assertThat(m.writes("kafka.group_id")).isFalse();
    assertThat(m.writes("checkpoints.timeout")).isFalse();
    assertThat(m.holds("kafka")).isTrue();
    assertThat(m.section("kafka").holds("group_id")).isTrue();
    assertThat(m.section("kafka").has("group_id")).isFalse();
  }
}
