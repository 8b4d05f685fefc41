package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRecordTest {
  @TempDir Path dir;

  @Test
  void aWrittenRecordReadsBackWithItsEndpoints() {
    ProcessRecord record =
        ProcessRecord.of(
            ProcessHandle.current(),
            Map.of("bootstrap.servers", "127.0.0.1:9092", "controller", "127.0.0.1:9093"));
    Path file = dir.resolve("kafka.pid");
    record.write(file);

    assertThat(ProcessRecord.read(file)).contains(record);
  }

  @Test
  void theRunningProcessIsLive() {
    ProcessRecord record = ProcessRecord.of(ProcessHandle.current(), Map.of());
    assertThat(record.liveProcess()).contains(ProcessHandle.current());
  }

  @Test
  void aReusedPidWithAnotherStartTimeIsNotOurProcess() {
    ProcessRecord reused =
        new ProcessRecord(
            ProcessHandle.current().pid(),
            Optional.of(Instant.parse("2001-01-01T00:00:00Z")),
            Map.of());
    assertThat(reused.liveProcess()).isEmpty();
    assertThat(reused.stop(java.time.Duration.ofSeconds(1))).isFalse();
  }

  @Test
  void aMissingFileIsNoRecord() {
    assertThat(ProcessRecord.read(dir.resolve("absent.pid"))).isEmpty();
  }

  @Test
  void aDamagedFileIsAClearError() throws Exception {
    Path file = dir.resolve("opensearch.pid");
    Files.writeString(file, "pid=not-a-number\n");
    assertThatThrownBy(() -> ProcessRecord.read(file))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("damaged")
        .hasMessageContaining(file.toString());
  }

  @Test
  void stopEndsAStartedProcess() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      ProcessRecord record = ProcessRecord.of(sleeper.toHandle(), Map.of());
      assertThat(record.stop(java.time.Duration.ofSeconds(10))).isFalse();
      assertThat(sleeper.isAlive()).isFalse();
      assertThat(record.liveProcess()).isEmpty();
    } finally {
      sleeper.destroyForcibly();
    }
  }
}
