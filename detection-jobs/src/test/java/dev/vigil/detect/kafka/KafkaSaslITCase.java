package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.rules.AlertJson;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a broker that wants a SASL/PLAIN login, its password in a file vigil.yaml names: the
 * Kafka clients read it where they are built (on the MiniCluster's TaskManager and JobManager,
 * after the job graph was handed over, as on a cluster) through {@link SecretConfigProvider}, and
 * the source, the events and dead-letter sinks and the transactional alerts sink all log in.
 */
@RealKafka
class KafkaSaslITCase {

  @TempDir Path dir;

  @Test
  @Timeout(600)
  void everyClientOfTheJobLogsInWithThePasswordReadWhereItRuns(KafkaEndpoint kafka)
      throws Exception {
    KafkaEndpoint.SaslPlain sasl = kafka.saslPlain().orElseThrow();
    assertThatThrownBy(() -> listTopics(sasl, "not-" + sasl.password()))
        .as("the listener refuses a wrong password, so a login below proves the right one")
        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    Files.writeString(dir.resolve("kafka-password"), sasl.password() + "\n");
    RawTopicsFixture fixture = new RawTopicsFixture(kafka.bootstrapServers());
    VigilConfig config =
        fixture.config(
            dir,
            "interval: 1s\ntimeout: 1m\nstorage: " + dir.resolve("checkpoints"),
            "exactly_once",
            "",
            Duration.ofSeconds(2),
            sasl.bootstrapServers(),
            """
            protocol: SASL_PLAINTEXT
            sasl:
              mechanism: PLAIN
              username: %s
              password_file: kafka-password
            """
                .formatted(sasl.username()));

    try (EmbeddedJobRunner.Running running = EmbeddedJobRunner.start(config, Optional.empty())) {
      fixture.produceVault(List.of(rootTokenUse("sasl-login-0001"), "{\"type\": "));

      List<AuditEvent> events =
          RawTopicsFixture.decodeEvents(
              fixture.readUntil(
                  fixture.eventsTopic(), Duration.ofMinutes(2), read -> !read.isEmpty()));
      assertThat(events).extracting(AuditEvent::getEventId).contains("sasl-login-0001:request");
      List<DeadLetter> letters =
          RawTopicsFixture.decodeDeadLetters(
              fixture.readUntil(
                  fixture.deadLetterTopic(), Duration.ofMinutes(1), read -> !read.isEmpty()));
      assertThat(letters)
          .extracting(DeadLetter::getReason)
          .containsExactly(DeadLetterReason.MALFORMED_JSON);
      List<String> alerts =
          fixture
              .readUntil(fixture.alertsTopic(), Duration.ofMinutes(2), read -> !read.isEmpty())
              .stream()
              .map(r -> AlertJson.read(new String(r.value(), StandardCharsets.UTF_8)).ruleId())
              .toList();
      assertThat(alerts).isNotEmpty();
    }
  }

  private static void listTopics(KafkaEndpoint.SaslPlain sasl, String password)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sasl.bootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG,
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                    + sasl.username()
                    + "\" password=\""
                    + password
                    + "\";"))) {
      admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
  }

  /** A Vault request by a root token: one critical {@code root_token_use} alert. */
  private static String rootTokenUse(String requestId) {
    return ("{\"time\":\"2030-01-01T00:00:00Z\",\"type\":\"request\",\"auth\":{\"accessor\":"
            + "\"hmac-sha256:11aa\",\"display_name\":\"root\",\"policies\":[\"root\"],"
            + "\"token_policies\":[\"root\"],\"token_type\":\"service\"},\"request\":{\"id\":"
            + "\"%s\",\"operation\":\"update\",\"mount_type\":\"system\",\"namespace\":{\"id\":"
            + "\"root\"},\"path\":\"sys/mounts/kv-new\",\"remote_address\":\"10.20.0.5\"}}")
        .formatted(requestId);
  }
}
