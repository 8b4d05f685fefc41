package dev.vigil.rules.detect;

import dev.vigil.event.AuditEvent;
import dev.vigil.rules.engine.VigilEvent;
import java.util.function.Function;

/**
 * A field a rule reads, resolved once at compile time: a path of the canonical event, or a path
 * into the source's raw record.
 */
public sealed interface FieldRef {

  /**
   * The value: null, String, Boolean, Number, a List, or a Jackson container from the raw record.
   */
  Object read(VigilEvent event);

  /** A stable text naming the field, used as the key of per-event caches and in the EPL. */
  String key();

  /**
   * Whether the event has the field, whatever its value ({@code |exists}): a raw key whose value is
   * JSON null is present, as Sigma's {@code exists} checks presence only. A canonical field is
   * present when it has a value: the canonical event has no null distinct from "not given".
   */
  boolean present(VigilEvent event);

  /**
   * A canonical field (see {@link CanonicalFields}).
   *
   * @param reader how to read it, resolved from the path once ({@link CanonicalFields#reader})
   */
  record Canonical(String path, Function<AuditEvent, Object> reader) implements FieldRef {

    public Canonical {
      if (reader != CanonicalFields.reader(path)) {
        throw new IllegalArgumentException("not the reader of " + path);
      }
    }

    /** The canonical field at {@code path}. */
    public Canonical(String path) {
      this(path, CanonicalFields.reader(path));
    }

    @Override
    public Object read(VigilEvent event) {
      return reader.apply(event.event());
    }

    @Override
    public boolean present(VigilEvent event) {
      return read(event) != null;
    }

    @Override
    public String toString() {
      return "Canonical[path=" + path + "]";
    }

    // equals, hashCode and toString are written out in the records a task manager compares (field
    // lists on every routed event, gates while the pack compiles), not generated: on JDK 17 the
    // generated ones cache a method handle whose type names the record (JDK-8078641, fixed in 18),
    // which keeps the job's class loader, and so its classes, alive after the job ends.
    // The reader is the path's own (see the constructor), so the path alone decides.
    @Override
    public boolean equals(Object other) {
      return other instanceof Canonical that && path.equals(that.path);
    }

    @Override
    public int hashCode() {
      return path.hashCode();
    }

    @Override
    public String key() {
      return path;
    }
  }

  /**
   * A path into the raw record. {@code alternatives} are tried in order when a path is absent (for
   * example Azure Log Analytics columns that the exported record nests under {@code properties}).
   */
  record Raw(java.util.List<String> alternatives) implements FieldRef {
    @Override
    public Object read(VigilEvent event) {
      for (String path : alternatives) {
        Object value = event.rawValue(path);
        if (value != VigilEvent.ABSENT) {
          return value;
        }
      }
      return null;
    }

    @Override
    public boolean present(VigilEvent event) {
      for (String path : alternatives) {
        if (event.rawValue(path) != VigilEvent.ABSENT) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String key() {
      return "raw." + String.join("|", alternatives);
    }

    // Written out, not generated: see Canonical (JDK-8078641).
    @Override
    public boolean equals(Object other) {
      return other instanceof Raw that && alternatives.equals(that.alternatives);
    }

    @Override
    public int hashCode() {
      return alternatives.hashCode();
    }

    @Override
    public String toString() {
      return "Raw[alternatives=" + alternatives + "]";
    }
  }
}
