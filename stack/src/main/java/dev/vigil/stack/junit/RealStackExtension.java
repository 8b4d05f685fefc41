package dev.vigil.stack.junit;

import dev.vigil.stack.Component;
import dev.vigil.stack.KafkaEndpoint;
import dev.vigil.stack.LocalStack;
import dev.vigil.stack.OpenSearchEndpoint;
import dev.vigil.stack.StackConfig;
import dev.vigil.stack.StackException;
import dev.vigil.stack.StackStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Real Kafka and OpenSearch for integration tests ({@code *ITCase}), through {@link LocalStack}:
 * the same code as {@code vigil stack up}.
 *
 * <p>Annotate the test class with {@link RealKafka} and/or {@link RealOpenSearch}, and take a
 * {@link KafkaEndpoint} or {@link OpenSearchEndpoint} parameter in a test, lifecycle method or
 * constructor. A parameter of either type also starts its component when the class lacks the
 * annotation.
 *
 * <p>Design: each component starts at most once per test JVM, on free loopback ports in a fresh
 * temporary state directory, and is shared by all test classes through the root extension context
 * store; JUnit closes that store when the whole run ends, which stops the processes and deletes the
 * directory. The processes are bound to the test JVM ({@link
 * dev.vigil.stack.Lifetime#BOUND_TO_THIS_JVM}), so a test JVM killed on timeout takes them with it.
 * A start that failed is not retried: every later class fails at once with the same cause rather
 * than waiting for another timeout. Component logs stay in files; only a failed start prints their
 * last lines.
 */
public final class RealStackExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealStackExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Set<Component> wanted = EnumSet.noneOf(Component.class);
    Class<?> testClass = context.getRequiredTestClass();
    for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
      if (AnnotationSupport.isAnnotated(type, RealKafka.class)) {
        wanted.add(Component.KAFKA);
      }
      if (AnnotationSupport.isAnnotated(type, RealOpenSearch.class)) {
        wanted.add(Component.OPENSEARCH);
      }
    }
    if (!wanted.isEmpty()) {
      sharedStack(context).ensureRunning(wanted);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KafkaEndpoint.class || type == OpenSearchEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SharedStack stack = sharedStack(context);
    if (parameter.getParameter().getType() == KafkaEndpoint.class) {
      return stack.ensureRunning(EnumSet.of(Component.KAFKA)).kafka().orElseThrow();
    }
    return stack.ensureRunning(EnumSet.of(Component.OPENSEARCH)).openSearch().orElseThrow();
  }

  private static SharedStack sharedStack(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedStack.class, type -> new SharedStack(), SharedStack.class);
  }

  /** The test JVM's one stack; JUnit closes it after the last test. */
  private static final class SharedStack implements ExtensionContext.Store.CloseableResource {
    private final Path stateDir;
    private final LocalStack stack;
    private StackException failedStart;

    SharedStack() {
      try {
        // Readable and searchable by others: as root, OpenSearch runs as an unprivileged user.
        stateDir =
            Files.createTempDirectory(
                "vigil-stack-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      } catch (IOException e) {
        throw StackException.io("cannot create a state directory for the test stack", e);
      }
      stack = new LocalStack(StackConfig.forTests(stateDir));
    }

    synchronized StackStatus ensureRunning(Set<Component> components) {
      if (failedStart != null) {
        throw new StackException(
            "the test stack failed to start earlier in this JVM: " + failedStart.getMessage(),
            failedStart);
      }
      StackStatus status = stack.status();
      if (components.stream().allMatch(status::isRunning)) {
        return status;
      }
      try {
        return stack.up(components);
      } catch (StackException e) {
        failedStart = e;
        throw e;
      }
    }

    @Override
    public synchronized void close() throws IOException {
      stack.down();
      deleteRecursively(stateDir);
    }

    private static void deleteRecursively(Path dir) throws IOException {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
