package dev.vigil.rules.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The records a task manager compares while it compiles the pack and routes events write out
 * equals, hashCode and toString: on JDK 17 the generated ones (bootstrapped by {@code
 * java.lang.runtime.ObjectMethods}) keep the job's class loader alive after the job ends
 * (JDK-8078641).
 */
class TaskManagerRecordsTest {

  private static final List<Class<?>> COMPARED_ON_TASK_MANAGERS =
      List.of(
          FieldRef.Canonical.class,
          FieldRef.Raw.class,
          Gate.class,
          Gate.Equals.class,
          Gate.Contains.class);

  @Test
  void noneUsesTheGeneratedRecordMethods() throws IOException {
    for (Class<?> type : COMPARED_ON_TASK_MANAGERS) {
      assertThat(classFile(type))
          .as(type.getName())
          .doesNotContain("java/lang/runtime/ObjectMethods");
    }
  }

  @Test
  void theWrittenOutMethodsCompareByValue() {
    FieldRef actor = new FieldRef.Canonical("actor.id");
    FieldRef raw = new FieldRef.Raw(List.of("a.b", "properties.a.b"));
    assertThat(actor).isEqualTo(new FieldRef.Canonical("actor.id")).isNotEqualTo(raw);
    assertThat(actor.hashCode()).isEqualTo(new FieldRef.Canonical("actor.id").hashCode());
    assertThat(raw)
        .isEqualTo(new FieldRef.Raw(List.of("a.b", "properties.a.b")))
        .isNotEqualTo(new FieldRef.Raw(List.of("a.b")))
        .hasToString("Raw[alternatives=[a.b, properties.a.b]]");
    Gate gate = new Gate(List.of(new Gate.Equals(actor, "x"), new Gate.Contains(null, "root")));
    Gate same =
        new Gate(
            List.of(
                new Gate.Equals(new FieldRef.Canonical("actor.id"), "x"),
                new Gate.Contains(null, "root")));
    assertThat(gate).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(new Gate.Equals(actor, "x")).isNotEqualTo(new Gate.Equals(actor, "y"));
    assertThat(new Gate.Contains(raw, "root")).isNotEqualTo(new Gate.Contains(null, "root"));
  }

  private static String classFile(Class<?> type) throws IOException {
    String resource = type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
