package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in pack read from a jar, as on a Flink task manager, where threads get interrupted: a
 * load in an interrupted thread must leave later loads working.
 */
class BuiltInPackInJarTest {

  @TempDir Path dir;

  @Test
  void aLoadInAnInterruptedThreadDoesNotBreakLaterLoads() throws Exception {
    int files = RulePack.builtIn().files().size();
    Path jar =
        jarOf(Path.of(RulePack.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    try (URLClassLoader loader = new URLClassLoader(classPathWith(jar), null)) {
      Class<?> rulePack = loader.loadClass(RulePack.class.getName());
      assertThat(rulePack.getClassLoader().getResource(RulePack.BUILT_IN_ROOT).getProtocol())
          .isEqualTo("jar");

      assertThat(builtInFiles(rulePack)).isEqualTo(files);

      // A Flink task cancelled during a failover: its thread is interrupted while it loads.
      AtomicReference<Object> interrupted = new AtomicReference<>();
      Thread task =
          new Thread(
              () -> {
                Thread.currentThread().interrupt();
                try {
                  interrupted.set(builtInFiles(rulePack));
                } catch (Exception e) {
                  interrupted.set(e);
                }
              });
      task.start();
      task.join();
      assertThat(interrupted.get()).isEqualTo(files);

      // The restart after it loads the pack again.
      assertThat(builtInFiles(rulePack)).isEqualTo(files);
    }
  }

  private static int builtInFiles(Class<?> rulePack) throws Exception {
    try {
      return ((List<?>)
              rulePack.getMethod("files").invoke(rulePack.getMethod("builtIn").invoke(null)))
          .size();
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** This module's classes and resources (the built-in pack among them) as one jar. */
  private Path jarOf(Path classes) throws IOException {
    Path jar = dir.resolve("vigil-rules.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> walk = Files.walk(classes)) {
      for (Path path : walk.sorted().toList()) {
        if (path.equals(classes)) {
          continue;
        }
        String name = classes.relativize(path).toString().replace(File.separatorChar, '/');
        boolean directory = Files.isDirectory(path);
        out.putNextEntry(new JarEntry(directory ? name + "/" : name));
        if (!directory) {
          Files.copy(path, (OutputStream) out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }

  /** The test class path with this module's classes replaced by the jar, and without its tests. */
  private static URL[] classPathWith(Path jar) throws Exception {
    Path classes =
        Path.of(RulePack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path testClasses =
        Path.of(
            BuiltInPackInJarTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<URL> urls = new ArrayList<>(List.of(jar.toUri().toURL()));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      if (!path.equals(classes.toAbsolutePath()) && !path.equals(testClasses.toAbsolutePath())) {
        urls.add(path.toUri().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }
}
