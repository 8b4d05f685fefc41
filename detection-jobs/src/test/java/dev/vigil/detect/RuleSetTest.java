package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.rules.RulePack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetTest {

  @Test
  void theBuiltInPackTravelsAsTextAndLoadsWhereTheClassPathHasNoRuleFiles() throws Exception {
    RuleSet builtIn = RuleSet.builtIn();
    int files = RulePack.builtIn().files().size();
    byte[] serialized = serialize(builtIn);
    assertThat(new String(serialized, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("rules/any/break_glass_use.yml");

    // A task manager whose class path gives no rule file: the job graph's copy is all it reads.
    try (URLClassLoader taskManager = new WithoutBuiltInPack()) {
      Class<?> rulePack = taskManager.loadClass(RulePack.class.getName());
      assertThatThrownBy(() -> call(rulePack, null, "builtInSources"))
          .hasMessageContaining("missing from the class path");

      Object deserialized = deserialize(serialized, taskManager);
      assertThat(deserialized.getClass().getClassLoader()).isSameAs(taskManager);
      Object pack = call(deserialized.getClass(), deserialized, "pack");
      assertThat((List<?>) call(pack.getClass(), pack, "files")).hasSize(files);
      assertThat(deserialized.toString()).isEqualTo("the built-in pack");
    }
  }

  @Test
  void theBuiltInPackHasTheFingerprintOfItsText() {
    assertThat(RuleSet.builtIn().fingerprint())
        .isEqualTo(RuleSet.builtIn().fingerprint())
        .hasSize(64);
  }

  private static Object call(Class<?> type, Object target, String method) throws Exception {
    try {
      return type.getMethod(method).invoke(target);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static byte[] serialize(Object object) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] bytes, ClassLoader loader) throws Exception {
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes)) {
          @Override
          protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
            return Class.forName(desc.getName(), false, loader);
          }
        }) {
      return in.readObject();
    }
  }

  /** The test class path, loaded apart from the test's, with no {@code vigil/pack/} resources. */
  private static final class WithoutBuiltInPack extends URLClassLoader {

    WithoutBuiltInPack() throws IOException {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    private static URL[] classPath() throws IOException {
      String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
      URL[] urls = new URL[entries.length];
      for (int i = 0; i < entries.length; i++) {
        urls[i] = Path.of(entries[i]).toUri().toURL();
      }
      return urls;
    }

    private static boolean hidden(String name) {
      return name.startsWith(RulePack.BUILT_IN_ROOT);
    }

    @Override
    public URL findResource(String name) {
      return hidden(name) ? null : super.findResource(name);
    }

    @Override
    public Enumeration<URL> findResources(String name) throws IOException {
      return hidden(name) ? Collections.emptyEnumeration() : super.findResources(name);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      return hidden(name) ? null : super.getResourceAsStream(name);
    }
  }
}
