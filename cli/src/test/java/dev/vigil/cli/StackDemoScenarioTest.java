package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackDemoScenarioTest {

  @TempDir Path dir;

  @Test
  void theDemosVigilYamlLoadsAndNamesOnlyTheDemosTopicsAndGroup() throws Exception {
    Path routingKey = dir.resolve(StackDemoScenario.ROUTING_KEY_FILE);
    Files.writeString(routingKey, StackDemoScenario.ROUTING_KEY + "\n");
    String yaml =
        StackDemoScenario.configuration(
            "127.0.0.1:9092",
            URI.create("http://127.0.0.1:9200/"),
            URI.create("http://127.0.0.1:4567/v2/enqueue"),
            dir,
            routingKey);

    VigilConfig config = VigilConfigLoader.parse(StackDemoScenario.CONFIG_FILE, yaml, dir);

    assertThat(config.job().name()).isEqualTo("vigil-demo");
    assertThat(config.kafka().groupId()).isEqualTo("vigil-demo");
    assertThat(config.kafka().topics().raw().keySet())
        .isNotEmpty()
        .allMatch(topic -> topic.startsWith(StackDemoScenario.TOPIC_PREFIX));
    assertThat(config.kafka().topics().events()).isEqualTo(StackDemoScenario.EVENTS_TOPIC);
    assertThat(config.kafka().topics().deadLetter()).isEqualTo(StackDemoScenario.DEAD_LETTER_TOPIC);
    assertThat(config.kafka().topics().alerts()).isEqualTo(StackDemoScenario.ALERTS_TOPIC);
    assertThat(config.checkpoints().restartAttempts()).isZero();
  }

  @Test
  void everySampleDirectoryGoesToItsOwnRawTopic() throws Exception {
    for (String source : new String[] {"vault", "aws", "azure", "gcp"}) {
      Files.createDirectories(dir.resolve(source));
      Files.writeString(dir.resolve(source).resolve("sample.json"), "{}\n");
    }

    Map<String, List<Path>> files = StackDemoScenario.sampleFiles(dir);

    assertThat(files)
        .containsOnlyKeys(
            StackDemoScenario.TOPIC_PREFIX + "audit.raw.vault",
            StackDemoScenario.TOPIC_PREFIX + "audit.raw.cloudtrail",
            StackDemoScenario.TOPIC_PREFIX + "audit.raw.azure",
            StackDemoScenario.TOPIC_PREFIX + "audit.raw.gcp");
    assertThat(files.get(StackDemoScenario.TOPIC_PREFIX + "audit.raw.vault"))
        .containsExactly(dir.resolve("vault").resolve("sample.json"));
  }
}
