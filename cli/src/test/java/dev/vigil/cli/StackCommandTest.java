package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack verbs' wiring; starting real components is covered by the stack module's ITCases. */
class StackCommandTest {

  @TempDir Path dir;

  @Test
  void statusOfAStackNeverStartedSaysNothingRunsAndExitsThree() {
    CliRun.Result result =
        new CliRun(dir, List.of()).execute("stack", "status", "--state-dir", "state");

    // 3 as LSB and systemctl say "not running", so scripts can test for a running stack.
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(StackCommand.EXIT_NOT_RUNNING);
    assertThat(result.stderr())
        .containsPattern("Kafka +not running +\\(not started\\)")
        .containsPattern("OpenSearch +not running +\\(not started\\)")
        .contains("state and logs: " + dir.resolve("state"));
  }

  @Test
  void downWithNothingRunningStopsNothing() {
    CliRun.Result result =
        new CliRun(dir, List.of()).execute("stack", "down", "--state-dir", "state");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stderr()).containsPattern("Kafka +not running +\\(was not running\\)");
  }

  @Test
  void upNamesEveryTakenPortItWasGivenAndStartsNothing() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket kafka = new ServerSocket(0, 1, loopback);
        ServerSocket openSearch = new ServerSocket(0, 1, loopback)) {
      CliRun.Result result =
          new CliRun(dir, List.of())
              .execute(
                  "stack",
                  "up",
                  "--state-dir",
                  "state",
                  "--kafka-port",
                  Integer.toString(kafka.getLocalPort()),
                  "--opensearch-port",
                  Integer.toString(openSearch.getLocalPort()),
                  "--kafka-controller-port",
                  Integer.toString(freePort()),
                  "--opensearch-transport-port",
                  Integer.toString(freePort()));

      assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
      assertThat(result.stderr())
          .isEqualTo(
              "vigil stack up: cannot start: 2 ports in use on 127.0.0.1: OpenSearch HTTP "
                  + openSearch.getLocalPort()
                  + " (held by another process), Kafka broker "
                  + kafka.getLocalPort()
                  + " (held by another process). Stop what holds them ('ss -ltnp' names it), or"
                  + " give this stack other ports: vigil stack up --opensearch-port PORT"
                  + " --kafka-port PORT.\n");
      assertThat(dir.resolve("state/ports.properties")).as("recorded only once up").doesNotExist();
    }
  }

  @Test
  void upReusesThePortsTheStateDirectoryWasLastBroughtUpOn() throws Exception {
    try (ServerSocket recorded = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      // What an earlier `vigil stack up --opensearch-port N --state-dir state` left behind.
      Files.createDirectories(dir.resolve("state"));
      Files.writeString(
          dir.resolve("state/ports.properties"),
          "opensearch.http_port=" + recorded.getLocalPort() + "\n");

      CliRun.Result result =
          new CliRun(dir, List.of()).execute("stack", "up", "--state-dir", "state");

      assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
      assertThat(result.stderr())
          .contains("OpenSearch HTTP " + recorded.getLocalPort() + " (held by another process)");
    }
  }

  @Test
  void upRefusesWhatIsNotAPort() {
    for (String port : List.of("0", "65536", "ninety")) {
      CliRun.Result result =
          new CliRun(dir, List.of())
              .execute("stack", "up", "--state-dir", "state", "--kafka-port", port);

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr())
          .isEqualTo(
              "vigil stack up: --kafka-port: '"
                  + port
                  + "' is not a TCP port (1 to 65535) (see 'vigil stack up --help')\n");
    }
  }

  @Test
  void onlyUpTakesPorts() {
    CliRun.Result help = new CliRun(dir, List.of()).execute("stack", "up", "--help");
    assertThat(help.stdout())
        .contains(
            "--kafka-port=PORT",
            "--kafka-controller-port=PORT",
            "--opensearch-port=PORT",
            "--opensearch-transport-port=PORT");
    CliRun.Result status =
        new CliRun(dir, List.of()).execute("stack", "status", "--kafka-port", "9092");
    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.stderr()).contains("--kafka-port");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
