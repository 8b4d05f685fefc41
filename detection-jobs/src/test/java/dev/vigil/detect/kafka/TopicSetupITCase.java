package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.junit.RealKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topics a start checks and creates, on the test broker: the raw topics and the output topics
 * of the Kafka sinks that are on. An output topic whose sink vigil.yaml turns off is left alone:
 * not created, not required, not read, since nothing writes to it (a platform team that turned the
 * events off in Kafka need not create, or keep, a topic for them).
 */
@RealKafka
class TopicSetupITCase {

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void missingTopicsAreCreatedOnlyForTheKafkaSinksThatAreOn(KafkaEndpoint kafka) throws Exception {
    Topics topics = Topics.fresh();
    VigilConfig config = config(kafka, topics, true, "events: false, dead_letter: false");

    OutputRecordLimits limits = TopicSetup.ensureTopics(config.kafka(), config.sinks());

    try (Admin admin = admin(kafka)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(existing).contains(topics.raw, topics.alerts);
      assertThat(existing)
          .as("the topics of the events and dead-letter sinks, which are off")
          .doesNotContain(topics.events, topics.deadLetter);
      assertThat(maxMessageBytes(admin, topics.alerts))
          .isEqualTo(Integer.toString(OutputRecordLimits.MAX_REQUEST_BYTES));
    }
    assertThat(limits.alerts())
        .isEqualTo(
            OutputRecordLimits.limit(
                OutputRecordLimits.MAX_REQUEST_BYTES, OutputRecordLimits.MAX_REQUEST_BYTES));
  }

  @Test
  @Timeout(120)
  void withoutCreationOnlyTheTopicsOfTheKafkaSinksThatAreOnMustExist(KafkaEndpoint kafka)
      throws Exception {
    Topics topics = Topics.fresh();
    try (Admin admin = admin(kafka)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.raw, 1, (short) 1),
                  new NewTopic(topics.alerts, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    VigilConfig eventsOff = config(kafka, topics, false, "events: false, dead_letter: false");
    TopicSetup.ensureTopics(eventsOff.kafka(), eventsOff.sinks());

    VigilConfig allOn = config(kafka, topics, false, "events: true");
    assertThatThrownBy(() -> TopicSetup.ensureTopics(allOn.kafka(), allOn.sinks()))
        .as("the same topics with every Kafka sink on")
        .isInstanceOf(TopicSetup.TopicSetupException.class)
        .hasMessage(
            "these topics do not exist on "
                + kafka.bootstrapServers()
                + ": "
                + topics.events
                + ", "
                + topics.deadLetter
                + " (create them, or set kafka.create_topics.enabled: true)");
  }

  /** Topic names of one test, unique on the shared broker. */
  private record Topics(String raw, String events, String deadLetter, String alerts) {
    static Topics fresh() {
      String prefix = "topic-setup-" + UUID.randomUUID() + ".";
      return new Topics(
          prefix + "raw", prefix + "events", prefix + "deadletter", prefix + "alerts");
    }
  }

  private VigilConfig config(
      KafkaEndpoint kafka, Topics topics, boolean createTopics, String kafkaSinks) {
    return VigilConfigLoader.parse(
        "vigil.yaml",
        "kafka:\n"
            + "  bootstrap_servers: "
            + kafka.bootstrapServers()
            + "\n"
            + "  topics:\n"
            + "    raw: {"
            + topics.raw
            + ": vault}\n"
            + "    events: "
            + topics.events
            + "\n"
            + "    dead_letter: "
            + topics.deadLetter
            + "\n"
            + "    alerts: "
            + topics.alerts
            + "\n"
            + "  create_topics: {enabled: "
            + createTopics
            + ", partitions: 1}\n"
            + "sinks:\n"
            + "  kafka: {"
            + kafkaSinks
            + "}\n",
        dir);
  }

  private static Admin admin(KafkaEndpoint kafka) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return Admin.create(properties);
  }

  private static String maxMessageBytes(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Map<ConfigResource, org.apache.kafka.clients.admin.Config> configs =
        admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS);
    return configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value();
  }
}
