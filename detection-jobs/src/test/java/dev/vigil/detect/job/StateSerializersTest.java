package dev.vigil.detect.job;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

/**
 * What the job keeps in state and sends through its shuffles has a serializer of Flink's own (POJO,
 * Avro, basic types), never the Kryo fallback: Kryo's format follows class internals and
 * registration order, so a savepoint would not survive an upgrade of a class or of Kryo itself.
 */
class StateSerializersTest {

  @Test
  void stateAndShuffledRecordsNeverFallBackToKryo() {
    SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
    noGenericTypes.setGenericTypes(false);
    List<TypeInformation<?>> types =
        List.of(
            TypeInformation.of(HeldEvent.class),
            TypeInformation.of(RequestAlerts.class),
            TypeInformation.of(RoutedEvent.class),
            TypeInformation.of(AlertRecord.class),
            TypeInformation.of(IngestedEvent.class));
    for (TypeInformation<?> type : types) {
      assertThatCode(() -> type.createSerializer(noGenericTypes))
          .as(type.toString())
          .doesNotThrowAnyException();
    }
  }
}
