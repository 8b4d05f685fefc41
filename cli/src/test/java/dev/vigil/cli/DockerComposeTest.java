package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.kafka.OutputRecordLimits;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * docker-compose.yml's internal consistency, without a Docker engine: what {@code docker compose
 * config} would reject, and what would only fail at runtime (a jar path the build does not produce,
 * an image version other than the one the code is built and tested against, a topic the job reads
 * that setup does not create).
 */
class DockerComposeTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static JsonNode compose;
  private static JsonNode services;

  @BeforeAll
  static void read() throws Exception {
    compose = new YAMLMapper().readTree(ROOT.resolve("docker-compose.yml").toFile());
    services = compose.path("services");
    assertThat(services.size()).isPositive();
  }

  @Test
  void pinsEveryImageToTheVersionTheBuildUses() throws Exception {
    Document pom = xml(ROOT.resolve("pom.xml"));
    Map<String, String> expected =
        Map.of(
            "apache/kafka", property(pom, "kafka.version"),
            "opensearchproject/opensearch", property(pom, "opensearch.version"),
            "opensearchproject/opensearch-dashboards", property(pom, "opensearch.version"),
            "flink", property(pom, "flink.version") + "-java17");
    services
        .properties()
        .forEach(
            service -> {
              String image = service.getValue().path("image").asText();
              assertThat(image).as(service.getKey()).matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*");
              String name = image.substring(0, image.indexOf(':'));
              assertThat(expected).as(service.getKey() + " uses a known image").containsKey(name);
              assertThat(image.substring(name.length() + 1))
                  .as(service.getKey())
                  .isEqualTo(expected.get(name));
            });
  }

  @Test
  void publishesEachHostPortOnce() {
    List<String> hostPorts = new ArrayList<>();
    services.forEach(
        service ->
            service.path("ports").forEach(port -> hostPorts.add(port.asText().split(":")[0])));
    assertThat(hostPorts).isNotEmpty().doesNotHaveDuplicates();
  }

  @Test
  void dependsOnServicesThatCanMeetTheCondition() {
    services
        .properties()
        .forEach(
            service ->
                service
                    .getValue()
                    .path("depends_on")
                    .properties()
                    .forEach(
                        dependency -> {
                          String what = service.getKey() + " -> " + dependency.getKey();
                          JsonNode target = services.path(dependency.getKey());
                          assertThat(target.isMissingNode()).as(what).isFalse();
                          String condition = dependency.getValue().path("condition").asText();
                          if (condition.equals("service_healthy")) {
                            assertThat(target.has("healthcheck")).as(what).isTrue();
                          } else {
                            assertThat(condition)
                                .as(what)
                                .isEqualTo("service_completed_successfully");
                            assertThat(isOneShot(target)).as(what).isTrue();
                          }
                        }));
  }

  @Test
  void checksTheHealthOfEveryLongRunningService() {
    services
        .properties()
        .forEach(
            service -> {
              if (!isOneShot(service.getValue())) {
                assertThat(service.getValue().path("healthcheck").path("test").isArray())
                    .as(service.getKey())
                    .isTrue();
              }
            });
  }

  @Test
  void mountsTheJobJarTheBuildProducesAndRepositoryFilesThatExist() throws Exception {
    String outputFile =
        XPathFactory.newInstance()
            .newXPath()
            .evaluate(
                "//plugin[artifactId='maven-shade-plugin']//outputFile",
                xml(ROOT.resolve("detection-jobs/pom.xml")));
    assertThat(outputFile).startsWith("${project.build.directory}/");
    String jobJar =
        "./detection-jobs/target/" + outputFile.substring("${project.build.directory}/".length());

    Set<String> namedVolumes = new HashSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(namedVolumes::add);
    List<String> jars = new ArrayList<>();
    mountList()
        .forEach(
            mount -> {
              String service = mount.getKey();
              String host = mount.getValue();
              if (host.endsWith(".jar")) {
                jars.add(host);
              } else if (host.startsWith("./")) {
                assertThat(ROOT.resolve(host)).as(service).isRegularFile();
              } else {
                assertThat(namedVolumes).as(service).contains(host);
              }
            });
    assertThat(jars).containsOnly(jobJar);
  }

  @Test
  void submitsAClassOfTheJobJarThatHasAMainMethod() throws Exception {
    List<String> command = new ArrayList<>();
    services.path("vigil-submit").path("command").forEach(a -> command.add(a.asText()));
    String mainClass = command.get(command.indexOf("--class") + 1);
    // The job jar holds detection-jobs' own classes: the class must be one of them, not a
    // dependency's.
    assertThat(
            ROOT.resolve("detection-jobs/src/main/java")
                .resolve(mainClass.replace('.', '/') + ".java"))
        .isRegularFile();
    Method main = Class.forName(mainClass).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers()))
        .as(mainClass + ".main is public static")
        .isTrue();
  }

  @Test
  void installsTheTemplatesAndSetsUpTopicsBeforeTheJobIsSubmitted() {
    JsonNode submitDependsOn = services.path("vigil-submit").path("depends_on");
    assertThat(submitDependsOn.path("kafka-setup").path("condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(submitDependsOn.path("opensearch-setup").path("condition").asText())
        .isEqualTo("service_completed_successfully");
    List<String> templates = new ArrayList<>();
    services
        .path("opensearch-setup")
        .path("volumes")
        .forEach(
            volume -> {
              String[] parts = volume.asText().split(":");
              if (parts[1].startsWith("/vigil/templates/")) {
                assertThat(Path.of(parts[0]).getFileName())
                    .isEqualTo(Path.of(parts[1]).getFileName());
                templates.add(Path.of(parts[0]).getFileName().toString());
              }
            });
    assertThat(templates)
        .containsExactlyInAnyOrder(
            "vigil-events.json", "vigil-alerts.json", "vigil-deadletters.json");
  }

  @Test
  void submitsTheMountedJarWithTheMountedConfiguration() {
    JsonNode submit = services.path("vigil-submit");
    Map<String, String> mounts = new HashMap<>();
    submit
        .path("volumes")
        .forEach(
            volume -> mounts.put(volume.asText().split(":")[1], volume.asText().split(":")[0]));
    List<String> command = new ArrayList<>();
    submit.path("command").forEach(argument -> command.add(argument.asText()));
    assertThat(command).startsWith("flink", "run");
    String jar = command.stream().filter(a -> a.endsWith(".jar")).findFirst().orElseThrow();
    assertThat(mounts.get(jar)).endsWith(".jar");
    String config = command.get(command.indexOf("--config") + 1);
    assertThat(mounts.get(config)).isEqualTo("./deploy/vigil.yaml");
  }

  @Test
  void theSubmittedConfigurationIsOneTheJobAccepts() {
    // The loader the job runs at submission: a key it does not know or a bad value fails here,
    // not in a compose run nobody can do on this machine.
    VigilConfig config = VigilConfigLoader.load(ROOT.resolve("deploy/vigil.yaml"));
    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:19092");
  }

  @Test
  void setupBringsKafkaTransactionsToTheProtocolFlinkRecoversCorrectly() {
    String setup = services.path("kafka-setup").path("command").get(0).asText();
    // As vigil stack formats its broker (KafkaBroker): protocol 2 turns restores into errors.
    assertThat(setup)
        .contains("kafka-features.sh --bootstrap-server kafka:19092 describe")
        .contains("downgrade --feature transaction.version=1");
    assertThat(setup.indexOf("transaction.version=1")).isLessThan(setup.indexOf("kafka-topics.sh"));
  }

  @Test
  void setupMakesTheOutputTopicsTakeTheLargestRecordTheJobWrites() {
    String setup = services.path("kafka-setup").path("command").get(0).asText();
    assertThat(setup)
        .contains("for topic in audit.events audit.deadletter audit.alerts; do")
        .contains("--config max.message.bytes=" + OutputRecordLimits.MAX_REQUEST_BYTES);
  }

  @Test
  void setupCreatesEveryTopicTheJobUses() throws Exception {
    JsonNode config = new YAMLMapper().readTree(ROOT.resolve("deploy/vigil.yaml").toFile());
    JsonNode topics = config.path("kafka").path("topics");
    Set<String> used = new TreeSet<>();
    topics.path("raw").fieldNames().forEachRemaining(used::add);
    for (String output : List.of("events", "dead_letter", "alerts")) {
      used.add(topics.path(output).asText());
    }
    Set<String> created = new TreeSet<>();
    Matcher topic =
        Pattern.compile("\\baudit\\.[a-z.]+")
            .matcher(services.path("kafka-setup").path("command").toString());
    while (topic.find()) {
      created.add(topic.group());
    }
    assertThat(created)
        .isEqualTo(used)
        .contains(
            "audit.raw.vault",
            "audit.raw.cloudtrail",
            "audit.raw.azure",
            "audit.raw.gcp",
            "audit.events",
            "audit.deadletter",
            "audit.alerts");
  }

  /** Host side of every volume, by the service that mounts it. */
  private static List<Map.Entry<String, String>> mountList() {
    List<Map.Entry<String, String>> mounts = new ArrayList<>();
    services
        .properties()
        .forEach(
            service ->
                service
                    .getValue()
                    .path("volumes")
                    .forEach(
                        volume ->
                            mounts.add(
                                Map.entry(service.getKey(), volume.asText().split(":")[0]))));
    return mounts;
  }

  /** A service that runs once to completion (setup, submission). */
  private static boolean isOneShot(JsonNode service) {
    return service.path("restart").asText().equals("no");
  }

  private static Document xml(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  private static String property(Document pom, String name) throws Exception {
    String value =
        XPathFactory.newInstance().newXPath().evaluate("/project/properties/" + name, pom);
    assertThat(value).as(name).isNotBlank();
    return value;
  }
}
