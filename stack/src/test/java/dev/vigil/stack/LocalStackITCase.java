package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifecycle {@code vigil stack up|status|down} drives, on a stack of its own. */
class LocalStackITCase {
  private Path stateDir;
  private LocalStack stack;

  @AfterEach
  void stopWhateverIsLeftAndDeleteTheState() throws Exception {
    if (stack != null) {
      stack.down();
    }
    if (stateDir != null) {
      try (Stream<Path> paths = Files.walk(stateDir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  @Test
  void upIsIdempotentAndDownLeavesNoProcessBehind() throws Exception {
    stateDir =
        Files.createTempDirectory(
            "vigil-stack-lifecycle-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    List<String> progress = new ArrayList<>();
    // OpenSearch on fixed ports, so that it comes back where its clients expect it.
    int[] openSearchPorts = Ports.resolve(0, 0);
    stack =
        new LocalStack(
            StackConfig.forTests(stateDir).toBuilder()
                .openSearchHttpPort(openSearchPorts[0])
                .openSearchTransportPort(openSearchPorts[1])
                .build(),
            progress::add);

    assertThat(stack.status().components())
        .allSatisfy(component -> assertThat(component.running()).isFalse());

    StackStatus up = stack.up();
    assertThat(up.components())
        .allSatisfy(
            component -> {
              assertThat(component.running()).isTrue();
              assertThat(component.change()).isEqualTo("started");
            });
    assertThat(progress).contains("starting Kafka", "starting OpenSearch");
    assertThat(List.of("kafka/data", "opensearch/data"))
        .as("raw topics and indices hold raw records: owner-only, whatever the umask")
        .allSatisfy(
            data ->
                assertThat(
                        PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(stateDir.resolve(data))))
                    .isEqualTo("rwx------"));
    long kafkaPid = up.component(Component.KAFKA).pid().getAsLong();
    long openSearchPid = up.component(Component.OPENSEARCH).pid().getAsLong();
    assertThat(up.kafka().orElseThrow().bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(up.openSearch().orElseThrow().url().toString()).startsWith("http://127.0.0.1:");
    // The recorded PIDs are the component JVMs themselves, not a wrapper that exits.
    assertThat(commandLine(kafkaPid)).contains("/bin/java -Dvigil.stack.dir=" + stateDir);
    assertThat(commandLine(openSearchPid))
        .contains("/bin/java ")
        .contains("-Dvigil.stack.dir=" + stateDir);

    StackStatus status = stack.status();
    assertThat(status.component(Component.KAFKA).pid()).hasValue(kafkaPid);
    assertThat(status.component(Component.OPENSEARCH).pid()).hasValue(openSearchPid);
    assertThat(status.describe()).contains("Kafka", "OpenSearch", stateDir.toString());

    progress.clear();
    StackStatus again = stack.up();
    assertThat(again.components())
        .allSatisfy(component -> assertThat(component.change()).isEqualTo("already running"));
    assertThat(again.component(Component.KAFKA).pid()).hasValue(kafkaPid);
    assertThat(again.component(Component.OPENSEARCH).pid()).hasValue(openSearchPid);
    assertThat(progress).isEmpty();

    // The fixed ports are recorded for the next `vigil stack up` of this directory; free ones not.
    int openSearchPort = stack.config().openSearchHttpPort();
    StackPorts recorded = StackPorts.read(stateDir).orElseThrow();
    assertThat(recorded.openSearchHttp()).hasValue(openSearchPort);
    assertThat(recorded.kafka()).isEmpty();
    // Asked for other ports, a running component says where it runs instead of "already running".
    assertThatThrownBy(
            () ->
                new LocalStack(
                        stack.config().toBuilder().openSearchHttpPort(Ports.resolve(0)[0]).build())
                    .up())
        .isInstanceOf(StackException.class)
        .hasMessageStartingWith("OpenSearch already runs from " + stateDir + " on ")
        .hasMessageEndingWith(": stop it first (vigil stack down) to move it");
    // A second stack on the same ports is told which stack holds them.
    int kafkaPort = Integer.parseInt(up.kafka().orElseThrow().bootstrapServers().split(":")[1]);
    Path secondStateDir = Files.createTempDirectory("vigil-stack-second-");
    try {
      assertThatThrownBy(
              () ->
                  new LocalStack(
                          StackConfig.forTests(secondStateDir).toBuilder()
                              .kafkaPort(kafkaPort)
                              .openSearchHttpPort(openSearchPort)
                              .build())
                      .up())
          .isInstanceOf(StackException.class)
          .hasMessageContaining(
              "OpenSearch HTTP "
                  + openSearchPort
                  + " (held by the vigil stack in "
                  + stateDir
                  + ")")
          .hasMessageContaining(
              "Kafka broker " + kafkaPort + " (held by the vigil stack in " + stateDir + ")");
    } finally {
      try (Stream<Path> files = Files.walk(secondStateDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }

    // One component down, then up again: the other keeps running, untouched.
    StackStatus openSearchDown = stack.down(EnumSet.of(Component.OPENSEARCH));
    assertThat(openSearchDown.component(Component.OPENSEARCH).running()).isFalse();
    assertThat(openSearchDown.component(Component.OPENSEARCH).change()).isEqualTo("stopped");
    assertThat(ProcessHandle.of(openSearchPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(openSearchDown.component(Component.KAFKA).pid()).hasValue(kafkaPid);
    assertThat(openSearchDown.component(Component.KAFKA).change()).isEqualTo("running");
    StackStatus openSearchUp = stack.up();
    assertThat(openSearchUp.component(Component.OPENSEARCH).change()).isEqualTo("started");
    assertThat(openSearchUp.component(Component.KAFKA).change()).isEqualTo("already running");
    assertThat(openSearchUp.component(Component.KAFKA).pid()).hasValue(kafkaPid);
    assertThat(openSearchUp.openSearch()).isEqualTo(up.openSearch());
    openSearchPid = openSearchUp.component(Component.OPENSEARCH).pid().getAsLong();

    StackStatus down = stack.down();
    assertThat(down.components())
        .allSatisfy(
            component -> {
              assertThat(component.running()).isFalse();
              assertThat(component.change()).isEqualTo("stopped");
            });
    assertThat(ProcessHandle.of(kafkaPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(ProcessHandle.of(openSearchPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(processesUsing(stateDir)).isEmpty();
    assertThat(stack.status().components())
        .allSatisfy(
            component -> {
              assertThat(component.running()).isFalse();
              assertThat(component.change())
                  .isEqualTo(
                      "stopped; its data is kept in "
                          + stateDir.resolve(component.component().directoryName()).resolve("data")
                          + " for the next up");
            });
    assertThat(stack.down().components())
        .allSatisfy(component -> assertThat(component.change()).isEqualTo("was not running"));
  }

  @Test
  void aComponentThatDiesWhileStartingIsReportedWithItsLogAndLeavesNothingRunning()
      throws Exception {
    stateDir =
        Files.createTempDirectory(
            "vigil-stack-failing-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    // Storage that looks formatted but is not: the broker refuses it and exits.
    Path data = Files.createDirectories(stateDir.resolve("kafka/data"));
    Files.writeString(data.resolve("meta.properties"), "version=1\nnode.id=not-a-number\n");
    stack =
        new LocalStack(
            StackConfig.forTests(stateDir).toBuilder()
                .components(java.util.Set.of(Component.KAFKA))
                .build());

    assertThatThrownBy(stack::up)
        .isInstanceOf(StackException.class)
        .hasMessageContaining("Kafka exited with code")
        .hasMessageContaining("--- last lines of " + stateDir.resolve("kafka/logs"));
    assertThat(stack.status().isRunning(Component.KAFKA)).isFalse();
    assertThat(Files.exists(stateDir.resolve("kafka/kafka.pid"))).isFalse();
    assertThat(processesUsing(stateDir)).isEmpty();
  }

  private static String commandLine(long pid) {
    return ProcessHandle.of(pid).flatMap(handle -> handle.info().commandLine()).orElse("");
  }

  private static List<Long> processesUsing(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(
            handle ->
                handle
                    .info()
                    .commandLine()
                    .map(line -> line.contains(dir.toString()))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }
}
