package dev.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimesTest {
  @TempDir Path jvms;

  @Test
  void readsTheFeatureVersionFromTheReleaseFile() throws Exception {
    assertThat(JavaRuntimes.featureVersion(jdk("temurin-25", "25.0.1"))).contains(25);
    assertThat(JavaRuntimes.featureVersion(jdk("old", "1.8.0_402"))).contains(8);
    assertThat(JavaRuntimes.featureVersion(jvms.resolve("absent"))).isEmpty();
  }

  @Test
  void picksTheNewestSuitableJdk() throws Exception {
    jdk("java-17", "17.0.15");
    jdk("temurin-21", "21.0.5");
    Path newest = jdk("temurin-25", "25.0.1");

    assertThat(JavaRuntimes.newestUnder(jvms, 21)).contains(newest);
    assertThat(JavaRuntimes.newestUnder(jvms, 26)).isEmpty();
  }

  @Test
  void aConfiguredJdkThatIsTooOldIsAClearError() throws Exception {
    Path old = jdk("java-17", "17.0.15");
    assertThatThrownBy(() -> JavaRuntimes.find(21, Optional.of(old), "OpenSearch 3.3.0"))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("OpenSearch 3.3.0 needs a JDK 21 or newer")
        .hasMessageContaining("Java 17");
  }

  private Path jdk(String name, String version) throws Exception {
    Path home = jvms.resolve(name);
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    java.toFile().setExecutable(true);
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    return home;
  }
}
