package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The CLI's console logging (simplelogger.properties): during a Kafka outage the source's loggers
 * print no trace that repeats vigil run's one line about the failure, while the rest of Flink still
 * shows its errors; the lines that say an outage ended show though they are INFO.
 */
class ConsoleLoggingTest {

  private static final String PREFIX = "org.slf4j.simpleLogger.log.";

  @Test
  void theKafkaSourceLoggersOfAnOutageAreOffAndTheRestOfFlinkStillShowsErrors() throws IOException {
    Properties logging = load();

    for (String logger :
        new String[] {
          "org.apache.flink.runtime.source.coordinator.SourceCoordinator",
          "org.apache.flink.runtime.source.coordinator.SourceCoordinatorContext",
          "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher",
          "org.apache.flink.connector.base.source.reader.fetcher.SplitFetcherManager"
        }) {
      assertThat(logging.getProperty(PREFIX + logger)).as(logger).isEqualTo("off");
    }
    assertThat(logging.getProperty(PREFIX + "org.apache.flink")).isEqualTo("error");
    assertThat(logging.getProperty(PREFIX + "org.apache.flink.runtime.source")).isNull();
    assertThat(logging.getProperty(PREFIX + "org.apache.flink.connector")).isNull();
  }

  @Test
  void theLinesSayingThatAnOutageEndedShowThoughTheyAreInfo() throws Exception {
    Properties logging = load();

    // The pager's deliveries, the OpenSearch sink's bulk writes: on-call needs the end of an
    // outage as much as its warning. By class name, so that a renamed class fails here.
    for (String logger :
        new String[] {
          "dev.vigil.detect.notify.HttpSender", "dev.vigil.detect.opensearch.BulkSender"
        }) {
      assertThat(Class.forName(logger)).isNotNull();
      assertThat(logging.getProperty(PREFIX + logger)).as(logger).isEqualTo("info");
    }
  }

  @Test
  void theOpenSearchSinksErrorWhenItGivesUpIsOffAsTheJobsFailureLineSaysTheSame() throws Exception {
    Properties logging = load();

    // RunCommandITCase sees the console; this names the logger BulkSender gives up on.
    assertThat(Class.forName("dev.vigil.detect.opensearch.BulkSender")).isNotNull();
    assertThat(logging.getProperty(PREFIX + "dev.vigil.detect.opensearch.BulkSender.failure"))
        .isEqualTo("off");
  }

  private static Properties load() throws IOException {
    Properties logging = new Properties();
    try (InputStream in =
        ConsoleLoggingTest.class.getResourceAsStream("/simplelogger.properties")) {
      logging.load(in);
    }
    return logging;
  }
}
