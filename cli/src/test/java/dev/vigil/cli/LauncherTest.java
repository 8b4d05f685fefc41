package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/vigil}'s checks of the Java it is about to run: each failure is one line and exit 1.
 * The checks come before the jar's, so these runs need no build and start no JVM.
 */
class LauncherTest {

  private static final Path LAUNCHER =
      Path.of("").toAbsolutePath().getParent().resolve("bin/vigil");

  @TempDir Path dir;

  record Launch(int exitCode, String stdout, String stderr) {}

  @Test
  void aJavaHomeWithoutJavaIsNamed() throws Exception {
    Launch launch = launch(Map.of("JAVA_HOME", dir.resolve("nonexistent").toString()));

    assertThat(launch.exitCode()).isEqualTo(1);
    assertThat(launch.stderr().lines())
        .singleElement()
        .asString()
        .startsWith("vigil: JAVA_HOME is " + dir.resolve("nonexistent") + ", which has no runnable")
        .contains("unset it to use java from PATH");
  }

  @Test
  void aJavaHomeWhoseJavaCannotRunIsNamed() throws Exception {
    Path home = fakeJava("notexecutable", "17.0.1");
    Files.setPosixFilePermissions(
        home.resolve("bin/java"), PosixFilePermissions.fromString("rw-r--r--"));

    Launch launch = launch(Map.of("JAVA_HOME", home.toString()));

    assertThat(launch.exitCode()).isEqualTo(1);
    assertThat(launch.stderr())
        .startsWith("vigil: JAVA_HOME is " + home + ", which has no runnable");
  }

  @Test
  void noJavaOnPathIsSaid() throws Exception {
    // Only the tools the script uses, and no java.
    Path tools = Files.createDirectories(dir.resolve("tools"));
    for (String tool : List.of("readlink", "dirname", "sed")) {
      Files.createSymbolicLink(tools.resolve(tool), onPath(tool));
    }

    Launch launch = launch(Map.of("PATH", tools.toString()));

    assertThat(launch.exitCode()).isEqualTo(1);
    assertThat(launch.stderr().lines())
        .containsExactly(
            "vigil: no java on PATH and JAVA_HOME is not set; install Java 17 or newer (e.g. the"
                + " package openjdk-17-jre-headless) or set JAVA_HOME");
  }

  @Test
  void aJavaOlderThan17IsRefusedWithItsVersion() throws Exception {
    Path java11 = fakeJava("java11", "11.0.2");
    Path java8 = fakeJava("java8", "1.8.0_392");

    Launch eleven = launch(Map.of("JAVA_HOME", java11.toString()));
    Launch eight = launch(Map.of("JAVA_HOME", java8.toString()));

    assertThat(eleven.exitCode()).isEqualTo(1);
    assertThat(eleven.stderr().lines())
        .containsExactly(
            "vigil: "
                + java11.resolve("bin/java")
                + " is Java 11.0.2; Vigil needs Java 17 or newer: set JAVA_HOME to one");
    assertThat(eight.exitCode()).isEqualTo(1);
    assertThat(eight.stderr()).contains("is Java 1.8.0_392; Vigil needs Java 17 or newer");
  }

  @Test
  void aJava17OrNewerIsRun() throws Exception {
    Path java21 = fakeJava("java21", "21");

    Launch launch = launch(Map.of("JAVA_HOME", java21.toString()));

    // Either it ran the fake java with the jar, or, before a build, it asked for one: not Java.
    assertThat(launch.stderr()).doesNotContain("Java 17", "JAVA_HOME");
    if (launch.exitCode() == 0) {
      assertThat(launch.stdout()).startsWith("fake java -Dvigil.root=").endsWith("--version\n");
    } else {
      assertThat(launch.stderr()).startsWith("vigil: the CLI is not built yet");
    }
  }

  /** A Java home whose java only echoes its arguments, with a release file of {@code version}. */
  private Path fakeJava(String name, String version) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"fake java $*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return home;
  }

  private Launch launch(Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("/bin/bash", LAUNCHER.toString(), "--version");
    Map<String, String> env = new HashMap<>(builder.environment());
    env.remove("JAVA_HOME");
    env.putAll(environment);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/vigil ended").isTrue();
    return new Launch(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static Path onPath(String tool) {
    return Arrays.stream(System.getenv("PATH").split(":"))
        .map(directory -> Path.of(directory, tool))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new AssertionError(tool + " is not on PATH"));
  }
}
