package dev.vigil.stack.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class needs the real Kafka broker: it is started before the class's first test (once per
 * test JVM, shared by every class) and a {@link dev.vigil.stack.KafkaEndpoint} parameter gets its
 * address. See {@link RealStackExtension}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RealStackExtension.class)
public @interface RealKafka {}
