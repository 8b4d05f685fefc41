package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectorsTest {

  @TempDir Path dir;

  private VigilConfig.Kafka kafka(String yaml) {
    return VigilConfigLoader.parse("vigil.yaml", yaml, dir).kafka();
  }

  @Test
  void producersAreDurableCompressedAndBatched() {
    Properties properties =
        KafkaConnectors.producerProperties(kafka("kafka:\n  bootstrap_servers: k:9092\n"));
    assertThat(properties)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("compression.type", "lz4")
        .containsEntry("linger.ms", "20")
        .containsEntry("batch.size", Integer.toString(128 * 1024))
        .containsEntry("max.request.size", Integer.toString(OutputRecordLimits.MAX_REQUEST_BYTES));
  }

  @Test
  void theLargestRecordTheProducersSendIsTheUsersWhenSet() {
    assertThat(KafkaConnectors.maxRequestBytes(kafka("kafka:\n  bootstrap_servers: k:9092\n")))
        .isEqualTo(OutputRecordLimits.MAX_REQUEST_BYTES);
    assertThat(
            KafkaConnectors.maxRequestBytes(
                kafka("kafka:\n  client_properties:\n    max.request.size: 2097152\n")))
        .isEqualTo(2_097_152);
  }

  @Test
  void theUsersClientPropertiesWinOverTheBatchingDefaults() {
    Properties properties =
        KafkaConnectors.producerProperties(
            kafka(
                "kafka:\n  client_properties:\n    linger.ms: 0\n    batch.size: 16384\n"
                    + "    compression.type: zstd\n"));
    assertThat(properties)
        .containsEntry("linger.ms", "0")
        .containsEntry("batch.size", "16384")
        .containsEntry("compression.type", "zstd");
  }

  @Test
  void theSourceAndSinksTravelWithWhereTheSecretsAreNotTheirValues() throws Exception {
    Files.writeString(dir.resolve("kafka-password"), "sasl-never-in-the-graph\n");
    Files.writeString(dir.resolve("truststore-password"), "tls-never-in-the-graph\n");
    VigilConfig.Kafka kafka =
        kafka(
            """
            kafka:
              security:
                protocol: SASL_SSL
                sasl:
                  mechanism: SCRAM-SHA-512
                  username: vigil
                  password_file: kafka-password
                ssl:
                  truststore_path: ca.p12
                  truststore_password_file: truststore-password
            """);
    OutputRecordLimits limits =
        new OutputRecordLimits(
            OutputRecordLimits.MAX_REQUEST_BYTES,
            OutputRecordLimits.MAX_REQUEST_BYTES,
            OutputRecordLimits.MAX_REQUEST_BYTES);
    for (Object connector :
        List.of(
            KafkaConnectors.rawSource(kafka),
            KafkaConnectors.eventsSink(kafka, limits, true),
            KafkaConnectors.deadLetterSink(kafka, limits),
            KafkaConnectors.alertsSink(kafka, limits, true))) {
      String serialized =
          new String(InstantiationUtil.serializeObject(connector), StandardCharsets.ISO_8859_1);
      assertThat(serialized)
          .as(connector.getClass().getSimpleName())
          .doesNotContain("never-in-the-graph")
          .contains("${vigil:jaas:kafka.security.sasl.password_file=")
          .contains("${vigil:text:kafka.security.ssl.truststore_password_file=");
    }
  }
}
