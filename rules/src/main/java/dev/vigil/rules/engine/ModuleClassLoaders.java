package dev.vigil.rules.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * The class loaders that hold a compiled pack's generated classes, kept for the next engine once an
 * engine is closed.
 *
 * <p>Design: Esper defines a deployment's generated classes in a fresh class loader per deployment,
 * so every engine that starts (a Flink subtask after a restart, the next run of a bounded job in
 * the same JVM) loads them anew and the JIT compiles them again, which costs more CPU than the
 * first minute of detection. The classes cannot be shared by engines that run at the same time:
 * each statement keeps its runtime's services in static fields, assigned when it is deployed. They
 * can be handed on: Esper asks a deployment option for the parent of its per-deployment loader and
 * delegates to that parent first, so a parent that has already defined the classes (this class's
 * loaders) serves them, already compiled, and the next deployment assigns the static fields again.
 * A loader is lent to one engine at a time ({@link #acquire}, {@link #release}); the pool never
 * holds more loaders than engines of this pack ever ran at once, and it lives as long as its {@link
 * CompiledPack}.
 */
final class ModuleClassLoaders {

  private final Map<String, byte[]> classes;
  private final ArrayDeque<ClassLoader> idle = new ArrayDeque<>();

  ModuleClassLoaders(Map<String, byte[]> classes) {
    this.classes = Map.copyOf(classes);
  }

  /**
   * An idle loader of this pack's classes, or a new one. Its parent is the loader of Vigil's own
   * classes, which resolves everything generated code refers to (Esper, the engine's functions),
   * and lives exactly as long as this pool: the caches that keep a compiled pack are static fields
   * of classes that loader loaded. Not the thread's context loader, which in Flink belongs to one
   * job and is closed when that job ends, while the pack may serve the next job in the JVM.
   */
  synchronized ClassLoader acquire() {
    ClassLoader loader = idle.poll();
    return loader != null
        ? loader
        : new ModuleClassLoader(classes, ModuleClassLoaders.class.getClassLoader());
  }

  /**
   * Hands back a loader whose engine is closed: its runtime is destroyed, so no statement uses its
   * classes any more. Their static fields still point into that runtime (its services, its
   * aggregation state, and through the statements' listeners the engine and whatever its alert sink
   * holds), so they are cleared first: a waiting loader keeps nothing of the engine that used it. A
   * loader whose fields cannot be cleared is dropped.
   */
  synchronized void release(ClassLoader loader) {
    if (loader instanceof ModuleClassLoader module && module.clearStaticFields()) {
      idle.push(loader);
    }
  }

  /** Loaders waiting for an engine, most recently released first. */
  synchronized List<ClassLoader> idle() {
    return List.copyOf(idle);
  }

  /** Defines the generated classes from their bytes, on first use. */
  private static final class ModuleClassLoader extends ClassLoader {

    static {
      registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    ModuleClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
      super("vigil-pack", parent);
      this.classes = classes;
    }

    /**
     * Sets every static reference field of the generated classes loaded so far to null. Only
     * deployment assigns them ({@code init} and {@code assign} of each statement's fields class),
     * and the next deployment assigns them all again; static final fields are constants.
     */
    boolean clearStaticFields() {
      try {
        for (String name : classes.keySet()) {
          Class<?> loaded = findLoadedClass(name);
          if (loaded == null) {
            continue;
          }
          for (Field field : loaded.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers)
                && !Modifier.isFinal(modifiers)
                && !field.getType().isPrimitive()) {
              field.setAccessible(true);
              field.set(null, null);
            }
          }
        }
        return true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return false;
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
