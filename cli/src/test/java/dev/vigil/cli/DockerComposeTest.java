package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.detect.config.VigilConfig;
import dev.vigil.detect.config.VigilConfigLoader;
import dev.vigil.detect.kafka.OutputRecordLimits;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
            // Java 21: on 17 each submission leaks the job's class loader (JDK-8078641).
            "flink", property(pom, "flink.version") + "-java21");
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
    assertThat(submitDependsOn.path("opensearch-templates").path("condition").asText())
        .isEqualTo("service_completed_successfully");
    List<String> templates = new ArrayList<>();
    services
        .path("opensearch-templates")
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

  @Test
  void theJobDoesNotWaitForDashboards() {
    Set<String> submitNeeds = dependenciesOf("vigil-submit");
    assertThat(submitNeeds)
        .contains("kafka-setup", "opensearch-templates", "opensearch", "jobmanager", "taskmanager")
        .doesNotContain("opensearch-dashboards", "dashboards-setup");
    // The saved objects are imported on their own, once Dashboards is up, and nothing waits on it.
    assertThat(dependenciesOf("dashboards-setup")).contains("opensearch-dashboards");
    services
        .properties()
        .forEach(
            service ->
                assertThat(service.getValue().path("depends_on").has("dashboards-setup"))
                    .as(service.getKey())
                    .isFalse());
    String importCommand = services.path("dashboards-setup").path("command").get(0).asText();
    assertThat(importCommand).contains("/api/saved_objects/_import").contains("\"success\":true");
    List<String> mountedFiles = new ArrayList<>();
    services
        .path("dashboards-setup")
        .path("volumes")
        .forEach(volume -> mountedFiles.add(volume.asText().split(":")[0]));
    assertThat(mountedFiles)
        .containsExactly(
            "./dashboards/src/main/resources/opensearch-dashboards/vigil-saved-objects.ndjson");
  }

  @Test
  void theJobManagerWritesSavepointsToTheVolumeTheSubmitterCanRead() {
    String properties =
        services.path("jobmanager").path("environment").path("FLINK_PROPERTIES").asText();
    Matcher savepointDir =
        Pattern.compile("(?m)^execution\\.checkpointing\\.savepoint-dir: file://(/\\S+)$")
            .matcher(properties);
    assertThat(savepointDir.find()).as(properties).isTrue();
    String volumeRoot = "/" + Path.of(savepointDir.group(1)).getName(0);
    Set<String> volumes = new HashSet<>();
    for (String service : List.of("jobmanager", "taskmanager", "vigil-submit")) {
      services
          .path(service)
          .path("volumes")
          .forEach(
              volume -> {
                String[] parts = volume.asText().split(":");
                if (parts[1].equals(volumeRoot)) {
                  volumes.add(parts[0]);
                }
              });
      assertThat(volumes).as(service + " mounts " + volumeRoot).hasSize(1);
    }
  }

  @Test
  void theSubmitterLooksForTheJobByTheNameTheConfigurationGivesIt() {
    assertThat(services.path("vigil-submit").path("environment").path("VIGIL_JOB_NAME").asText())
        .isEqualTo(VigilConfigLoader.load(ROOT.resolve("deploy/vigil.yaml")).job().name());
    assertThat(services.path("vigil-submit").path("environment").path("VIGIL_RESTORE").asText())
        .isEqualTo("${VIGIL_RESTORE:-}");
  }

  @Test
  void submitsWhenNoJobOfThatNameRuns(@TempDir Path dir) throws Exception {
    Submission run =
        submit(
            dir,
            "",
            "------------------ Running/Restarting Jobs -------------------\n"
                + "24.11.2026 10:00:00 : 0123456789abcdef0123456789abcdef : vigil-detection-test"
                + " (RUNNING)\n"
                + "--------------------------------------------------------------");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.flinkCalls())
        .containsExactly(
            "list --running --jobmanager jobmanager:8081", flinkArguments(submitCommand()));
  }

  @Test
  void doesNotSubmitASecondJobWhenOneIsRunningOrRestarting(@TempDir Path dir) throws Exception {
    for (String state : List.of("RUNNING", "RESTARTING")) {
      Submission run = submit(dir, "", runningJob(state));
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.flinkCalls()).containsExactly("list --running --jobmanager jobmanager:8081");
      assertThat(run.output()).contains("vigil-detection is already running: not submitting it");
      Files.delete(dir.resolve("calls"));
    }
  }

  @Test
  void resumesFromTheSavepointItIsGiven(@TempDir Path dir) throws Exception {
    Path savepoint = Files.createDirectories(dir.resolve("savepoints/savepoint-0a1b2c-3d4e5f"));
    for (String restore :
        List.of("file:" + savepoint, "file://" + savepoint, savepoint.toString())) {
      Submission run = submit(dir, restore, "No running jobs.");
      assertThat(run.exitCode()).as(run.output()).isZero();
      List<String> expected = new ArrayList<>(submitCommand());
      expected.addAll(2, List.of("--fromSavepoint", restore));
      assertThat(run.flinkCalls())
          .containsExactly("list --running --jobmanager jobmanager:8081", flinkArguments(expected));
      Files.delete(dir.resolve("calls"));
    }
  }

  @Test
  void refusesToResumeFromASavepointThatIsNotThereOrOverARunningJob(@TempDir Path dir)
      throws Exception {
    Submission missing = submit(dir, "file:/flink-checkpoints/savepoints/gone", "No running jobs.");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.output())
        .contains("VIGIL_RESTORE=file:/flink-checkpoints/savepoints/gone: no such savepoint");
    assertThat(missing.flinkCalls()).containsExactly("list --running --jobmanager jobmanager:8081");
    Files.delete(dir.resolve("calls"));

    Path savepoint = Files.createDirectories(dir.resolve("savepoint-1"));
    Submission overRunning = submit(dir, savepoint.toString(), runningJob("RUNNING"));
    assertThat(overRunning.exitCode()).isEqualTo(1);
    assertThat(overRunning.output())
        .contains("vigil-detection is running: stop it with a savepoint before resuming");
    assertThat(overRunning.flinkCalls())
        .containsExactly("list --running --jobmanager jobmanager:8081");
  }

  private static String runningJob(String state) {
    return "------------------ Running/Restarting Jobs -------------------\n"
        + "24.11.2026 10:00:00 : 0123456789abcdef0123456789abcdef : vigil-detection ("
        + state
        + ")\n"
        + "--------------------------------------------------------------";
  }

  private record Submission(int exitCode, String output, List<String> flinkCalls) {}

  /**
   * Runs vigil-submit's entrypoint and command as the container would (compose's {@code $$}
   * unescaped), with a {@code flink} on the PATH that records its arguments and answers {@code
   * list} with {@code listOutput}.
   */
  private static Submission submit(Path dir, String restore, String listOutput) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path flink = bin.resolve("flink");
    Files.writeString(
        flink,
        "#!/bin/bash\n"
            + "echo \"$*\" >> \""
            + dir.resolve("calls")
            + "\"\n"
            + "if [ \"$1\" = list ]; then cat \""
            + dir.resolve("list")
            + "\"; fi\n");
    Files.setPosixFilePermissions(flink, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("list"), "Waiting for response...\n" + listOutput + "\n");
    JsonNode submitService = services.path("vigil-submit");
    List<String> command = new ArrayList<>();
    submitService.path("entrypoint").forEach(a -> command.add(a.asText().replace("$$", "$")));
    command.addAll(submitCommand());
    ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true);
    process.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    process
        .environment()
        .put("VIGIL_JOB_NAME", submitService.path("environment").path("VIGIL_JOB_NAME").asText());
    process.environment().put("VIGIL_RESTORE", restore);
    Process running = process.start();
    String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Path calls = dir.resolve("calls");
    return new Submission(
        running.exitValue(), output, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
  }

  /** The arguments {@code flink} gets from {@code command}, as the stand-in records them. */
  private static String flinkArguments(List<String> command) {
    assertThat(command.get(0)).isEqualTo("flink");
    return String.join(" ", command.subList(1, command.size()));
  }

  private static List<String> submitCommand() {
    List<String> command = new ArrayList<>();
    services.path("vigil-submit").path("command").forEach(a -> command.add(a.asText()));
    return command;
  }

  /** Every service {@code service} waits for, directly or through another. */
  private static Set<String> dependenciesOf(String service) {
    Set<String> found = new TreeSet<>();
    List<String> pending = new ArrayList<>(List.of(service));
    while (!pending.isEmpty()) {
      services
          .path(pending.remove(0))
          .path("depends_on")
          .fieldNames()
          .forEachRemaining(
              dependency -> {
                if (found.add(dependency)) {
                  pending.add(dependency);
                }
              });
    }
    return found;
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
