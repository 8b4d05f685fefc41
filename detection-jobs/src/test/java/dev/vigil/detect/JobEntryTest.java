package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar's command line: a wrong one prints the usage, a mistake its message, both exit 1 as
 * {@code vigil run} does, and neither a stack trace.
 */
class JobEntryTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return JobEntry.run(args, new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  @Test
  void noArgumentsPrintTheUsage() throws Exception {
    assertThat(run()).isEqualTo(1);
    assertThat(stderr()).isEqualTo(JobEntry.USAGE + System.lineSeparator());
  }

  @Test
  void anUnknownOptionIsNamedBeforeTheUsage() throws Exception {
    assertThat(run("--inptu", "x")).isEqualTo(1);
    assertThat(stderr().lines()).first().isEqualTo("unknown option or argument '--inptu'");
    assertThat(stderr()).contains(JobEntry.USAGE).doesNotContain("Exception");
  }

  @Test
  void aBadDurationAndAMissingValueAreUsageErrors() throws Exception {
    assertThat(run("--input", "x", "--output", "y", "--max-out-of-orderness", "soon")).isEqualTo(1);
    assertThat(run("--input", "x", "--output", "y", "--checkpoint-interval", "5")).isEqualTo(1);
    assertThat(run("--input", "x", "--output", "y", "--checkpoint-interval", "5ms")).isEqualTo(1);
    assertThat(run("--input")).isEqualTo(1);
    assertThat(stderr().lines())
        .contains(
            "--max-out-of-orderness: 'soon' is not a duration; write a whole number and a unit:"
                + " 500ms, 30s, 10m (or 10min), 2h, 1d, 1w",
            "--checkpoint-interval: '5' has no unit; add one, e.g. 5s or 5m (a duration is a"
                + " whole number and a unit: 500ms, 30s, 10m (or 10min), 2h, 1d, 1w)",
            "--checkpoint-interval: must be at least 100ms, got '5ms'",
            "--input needs a value");
  }

  @Test
  void aRulesPathWithoutRuleFilesIsOneLine() throws Exception {
    Path rules = Files.createDirectories(dir.resolve("my-rules"));

    assertThat(run("--input", "x", "--output", "y", "--rules", rules.toString())).isEqualTo(1);
    assertThat(stderr().lines())
        .containsExactly(
            "--rules " + rules + ": no rule files (*.yml, *.yaml) in it (the directory is empty)");
  }

  @Test
  void aMistakeInTheConfigIsItsLine() throws Exception {
    Files.writeString(dir.resolve("vigil.yaml"), "checkpoints:\n  intervall: 5s\n");

    assertThat(run("--config", dir.resolve("vigil.yaml").toString())).isEqualTo(1);
    assertThat(stderr().lines())
        .singleElement()
        .asString()
        .contains("vigil.yaml:2: checkpoints.intervall: unknown key");
  }

  @Test
  void aRuleNamingAnUnconfiguredDestinationIsRefusedBeforeKafka() throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        dir.resolve("rules/paged.yml"),
        """
        title: Paged
        id: 7b0c6a52-9f43-4a57-a0c1-3f5e9f1d2c11
        level: high
        notify: [oncall, secops]
        detection:
          selection:
            denied: true
          condition: selection
        """);
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        rules:
          path: rules
        notify:
          destinations:
            oncall:
              type: webhook
              url: https://hooks.example.com/vigil
              hmac_key_env: HOME
        """);

    assertThat(run("--config", dir.resolve("vigil.yaml").toString())).isEqualTo(1);
    assertThat(stderr().lines())
        .first()
        .asString()
        .endsWith(
            "rules/paged.yml:1: rule 7b0c6a52-9f43-4a57-a0c1-3f5e9f1d2c11: notify names the"
                + " destination 'secops', which vigil.yaml does not configure; configured: oncall");
    assertThat(stderr()).doesNotContain("Kafka");
  }

  @Test
  void aDestinationNamedByPartOfItsNameGetsTheSameDidYouMeanAsEveryOtherName() throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        dir.resolve("rules/paged.yml"),
        """
        title: Paged
        id: 7b0c6a52-9f43-4a57-a0c1-3f5e9f1d2c11
        level: high
        notify: [secops]
        detection:
          selection:
            denied: true
          condition: selection
        """);
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        rules:
          path: rules
        notify:
          destinations:
            secops-slack:
              type: webhook
              url: https://hooks.example.com/vigil
              hmac_key_env: HOME
            oncall:
              type: webhook
              url: https://hooks.example.com/oncall
              hmac_key_env: HOME
        """);

    assertThat(run("--config", dir.resolve("vigil.yaml").toString())).isEqualTo(1);
    assertThat(stderr().lines())
        .first()
        .asString()
        .endsWith(
            "notify names the destination 'secops', which vigil.yaml does not configure;"
                + " did you mean 'secops-slack'?");
  }

  @Test
  void anOpenSearchCaFileThatIsNotThereIsRefusedBeforeKafka() throws Exception {
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        opensearch:
          urls: [https://search-1.example:9200]
          tls:
            ca_pem: tls/ca.pem
        """);

    assertThat(run("--config", dir.resolve("vigil.yaml").toString())).isEqualTo(1);
    assertThat(stderr().lines())
        .singleElement()
        .asString()
        .endsWith(
            "vigil.yaml:6: opensearch.tls.ca_pem: cannot load the CA certificates from "
                + dir.resolve("tls/ca.pem")
                + ": no such file or directory");
  }

  @Test
  void aRetentionFileThatIsNotThereIsRefusedBeforeKafka() throws Exception {
    Files.writeString(
        dir.resolve("vigil.yaml"),
        """
        kafka:
          bootstrap_servers: 192.0.2.1:9092
        opensearch:
          url: http://127.0.0.1:9
          retention_file: retention.yaml
        """);

    assertThat(run("--config", dir.resolve("vigil.yaml").toString())).isEqualTo(1);
    assertThat(stderr().lines())
        .singleElement()
        .asString()
        .endsWith(
            "vigil.yaml:5: opensearch.retention_file: retention file "
                + dir.resolve("retention.yaml")
                + " does not exist");
  }

  @Test
  void aMistakeInAUsersMappingTableIsItsFileAndLineBeforeTheJobIsBuilt() throws Exception {
    Files.createDirectories(dir.resolve("maps"));
    Path table = dir.resolve("maps/vault.yaml");
    Files.writeString(table, "rules:\n  - match: {path: \"sys/*\"}\n    category: BOGUS\n");
    Files.writeString(
        dir.resolve("vigil.yaml"),
        "kafka:\n  bootstrap_servers: 192.0.2.1:9092\nsources:\n  mappings_dir: maps\n");

    assertThat(run("--config", dir.resolve("vigil.yaml").toString())).isEqualTo(1);
    assertThat(run("--input", "x", "--output", "y", "--mappings-dir", table.getParent().toString()))
        .isEqualTo(1);
    assertThat(stderr().lines())
        .hasSize(2)
        .allSatisfy(
            line ->
                assertThat(line)
                    .startsWith(table + ":3: rule 1: category 'BOGUS' is not one of [")
                    .doesNotContain("Exception"));
  }

  @Test
  void theMappingsDirAndSuperAdminsOfAFileRunAreCheckedWhereTheyCameFrom() throws Exception {
    assertThat(run("--input", "x", "--output", "y", "--mappings-dir", "no-such-dir")).isEqualTo(1);
    assertThat(
            JobEntry.run(
                new String[] {"--input", "x", "--output", "y"},
                new PrintStream(stderr, true, StandardCharsets.UTF_8),
                java.util.Map.of("VIGIL_GCP_SUPER_ADMINS", "admin@example.com;root@example.com")))
        .isEqualTo(1);
    assertThat(stderr().lines())
        .contains(
            "--mappings-dir: no directory at " + Path.of("no-such-dir").toAbsolutePath(),
            "VIGIL_GCP_SUPER_ADMINS: must list emails (admin@example.com), got"
                + " 'admin@example.com;root@example.com'")
        .doesNotContain("Exception");
  }

  private int submitWith(String yaml, JobEntry.Submitter submitter) throws Exception {
    Files.writeString(dir.resolve("vigil.yaml"), yaml);
    return JobEntry.run(
        new String[] {"--config", dir.resolve("vigil.yaml").toString()},
        new PrintStream(stderr, true, StandardCharsets.UTF_8),
        java.util.Map.of(),
        submitter);
  }

  @Test
  void aLocalCheckpointStorageIsWarnedAboutInOneLineBeforeTheSubmission() throws Exception {
    java.util.List<String> submitted = new java.util.ArrayList<>();

    assertThat(submitWith("", (config, rules, err) -> submitted.add(config.job().name()))).isZero();
    assertThat(submitted).containsExactly("vigil-detection");
    assertThat(stderr().lines())
        .singleElement()
        .isEqualTo(
            "warning: checkpoints.storage is a local path ("
                + dir.resolve(".vigil/checkpoints").toUri()
                + "): on a cluster of several hosts each one writes its own disk there, and flink"
                + " run -s cannot resume from it; use s3://, hdfs:// or a mount every host shares");

    stderr.reset();
    assertThat(
            submitWith(
                "checkpoints:\n  storage: s3://vigil-state/checkpoints\n",
                (config, rules, err) -> {}))
        .isZero();
    assertThat(stderr()).isEmpty();
  }

  @Test
  void aStorageSchemeTheClusterLacksIsOneLineNamingThePlugin() throws Exception {
    Exception flinkReport =
        new org.apache.flink.util.FlinkException(
            "Failed to execute job 'vigil-detection'.",
            new RuntimeException(
                "Failed to create checkpoint storage at checkpoint coordinator side.",
                new org.apache.flink.util.SerializedThrowable(
                    new org.apache.flink.core.fs.UnsupportedFileSystemSchemeException(
                        "Could not find a file system implementation for scheme 's3'. The scheme is"
                            + " directly supported by Flink through the following plugin(s):"
                            + " flink-s3-fs-hadoop, flink-s3-fs-presto. Please ensure that each"
                            + " plugin resides within its own subfolder within the plugins"
                            + " directory."))));

    assertThat(
            submitWith(
                "checkpoints:\n  storage: s3://vigil-state/checkpoints\n",
                (config, rules, err) -> {
                  throw flinkReport;
                }))
        .isEqualTo(1);
    assertThat(stderr().lines())
        .containsExactly(
            "the detection job was not started: the cluster has no file system for scheme 's3'"
                + " (checkpoints.storage s3://vigil-state/checkpoints); install its plugin"
                + " (flink-s3-fs-hadoop or flink-s3-fs-presto) in a folder of its own under the"
                + " cluster's plugins/ and restart the cluster");
  }

  @Test
  void anyOtherFailedSubmissionIsItsInnermostCauseInOneLine() throws Exception {
    assertThat(
            submitWith(
                "checkpoints:\n  storage: s3://vigil-state/checkpoints\n",
                (config, rules, err) -> {
                  throw new org.apache.flink.util.FlinkException(
                      "Failed to execute job 'vigil-detection'.",
                      new IllegalStateException("no slots left for the job"));
                }))
        .isEqualTo(1);
    assertThat(stderr().lines())
        .containsExactly("the detection job was not started: no slots left for the job");
  }

  @Test
  void aFailureTheClusterSentAsTextIsItsInnermostCauseInOneLine() throws Exception {
    assertThat(
            submitWith(
                "checkpoints:\n  storage: hdfs://namenode/vigil\n",
                (config, rules, err) -> {
                  throw new org.apache.flink.util.FlinkException(
                      "Failed to submit the job.",
                      new RuntimeException(
                          "[Internal server error., <Exception on server side:\n"
                              + "org.apache.flink.util.FlinkException: Failed to start\n"
                              + "\tat org.apache.flink.runtime.Dispatcher.run(Dispatcher.java:1)\n"
                              + "Caused by: java.lang.IllegalStateException: no slots left\n"
                              + "\t... 12 more\n"
                              + "\nEnd of exception on server side>]"));
                }))
        .isEqualTo(1);
    assertThat(stderr().lines())
        .containsExactly("the detection job was not started: no slots left");
  }

  @Test
  void aSavepointHoldingStateOfARemovedSinkNamesItAndTheFlagThatDropsIt() throws Exception {
    String alertsKafka =
        new org.apache.flink.runtime.jobgraph.OperatorID(
                org.apache.flink.streaming.api.graph.StreamGraphHasherV2.generateUserSpecifiedHash(
                    "alerts-kafka"))
            .toString();

    assertThat(
            submitWith(
                "checkpoints:\n  storage: s3://vigil-state/checkpoints\n",
                (config, rules, err) -> {
                  throw new org.apache.flink.util.FlinkException(
                      "Failed to execute job 'vigil-detection'.",
                      new IllegalStateException(
                          "Failed to rollback to checkpoint/savepoint s3://vigil-state/sp-1. Cannot"
                              + " map checkpoint/savepoint state for operator "
                              + alertsKafka
                              + " to the new program, because the operator is not available in"
                              + " the new program."));
                }))
        .isEqualTo(1);
    assertThat(stderr().lines())
        .containsExactly(
            "the detection job was not started: the state it resumes from (flink run -s) holds"
                + " state of alerts-kafka (sinks.kafka.alerts), which this configuration removes;"
                + " add -n (--allowNonRestoredState) to leave that state behind and restore the"
                + " rest, or put the setting back");
  }

  @Test
  void aConnectorInTheClustersLibIsNamedInOneLine() throws Exception {
    assertThat(
            submitWith(
                "checkpoints:\n  storage: s3://vigil-state/checkpoints\n",
                (config, rules, err) -> {
                  throw new NoSuchMethodError(
                      "'org.apache.flink.connector.kafka.source.enumerator.initializer"
                          + ".OffsetsInitializer org.apache.flink.connector.kafka.source"
                          + ".enumerator.initializer.OffsetsInitializer.committedOffsets("
                          + "org.apache.kafka.clients.consumer.OffsetResetStrategy)'");
                }))
        .isEqualTo(1);
    assertThat(stderr().lines())
        .singleElement()
        .asString()
        .startsWith("the job jar's classes clash with the cluster's (NoSuchMethodError: ")
        .endsWith(
            "): a Flink Kafka connector (such as flink-sql-connector-kafka) or flink-avro in the"
                + " cluster's lib/ is loaded instead of the jar's own; remove it from lib/, see"
                + " docs/detection-job.md");
  }
}
