package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.apache.avro.AvroRuntimeException;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

/** The one line a failed job is reported by: the reason, and the root cause's type. */
class JobFailureTest {

  private static final String SECRET = "s3cr3tValueFromARecord";

  @Test
  void aReasonIsFollowedByTheRootCauseType() {
    assertThat(
            JobFailure.describe(
                new IOException("wrapped", new ConnectException("Connection refused"))))
        .isEqualTo("connection refused (ConnectException)");
  }

  @Test
  void aRootCauseWithoutAMessageIsNamedWithTheWrapperThatSaysWhere() {
    assertThat(
            JobFailure.describe(
                new RuntimeException(
                    "Could not forward element to next operator", new NullPointerException())))
        .isEqualTo(
            "NullPointerException without a message (in: could not forward element to next"
                + " operator)");
    assertThat(JobFailure.describe(new IllegalStateException()))
        .isEqualTo("IllegalStateException without a message");
  }

  @Test
  void anIoRootCauseWithoutAMessageGivesWayToTheCauseThatGivesTheReason() {
    // What the JDK's HTTP client throws for a refused connection: no message anywhere.
    ConnectException inner = new ConnectException(null);
    inner.initCause(new ClosedChannelException());
    ConnectException refused = new ConnectException(null);
    refused.initCause(inner);

    assertThat(JobFailure.describe(refused)).isEqualTo("connection refused (ConnectException)");
    assertThat(JobFailure.describe(new IOException("wrapped", new ClosedChannelException())))
        .isEqualTo("wrapped (IOException)");
  }

  @Test
  void messagesThatQuoteTheirInputAreLeftOut() throws Exception {
    Exception number = catching(() -> Long.parseLong(SECRET));
    Exception date = catching(() -> LocalDate.parse(SECRET));
    Exception json = catching(() -> new ObjectMapper().readTree("{\"k\": " + SECRET + "}"));
    Exception avro = new AvroRuntimeException("Not in union [\"null\",\"long\"]: " + SECRET);

    assertThat(date).isInstanceOf(DateTimeParseException.class);
    for (Exception quoting : new Exception[] {number, date, json, avro}) {
      assertThat(quoting.getMessage()).as("the premise").contains(SECRET);
      String line =
          JobFailure.describe(
              new RuntimeException("Could not forward element: " + quoting.getMessage(), quoting));
      assertThat(line)
          .doesNotContain(SECRET)
          .endsWith("(its message is left out: it can quote a value of a record)")
          .startsWith(quoting.getClass().getSimpleName());
    }
  }

  @Test
  void aFailureOfAClassTheClientCannotLoadIsNamedByTheOriginal() {
    // What the client holds when the failure's class is the job's own and not on its class path.
    Throwable kept = new SerializedThrowable(new IllegalStateException("broker blip"));
    assertThat(JobFailure.describe(kept)).isEqualTo("broker blip (IllegalStateException)");
  }

  @Test
  void aUrlsUserAndPasswordAreMasked() {
    assertThat(
            JobFailure.describe(
                new IllegalStateException(
                    "cannot reach https://vigil:hunter2@opensearch.internal:9200/_bulk")))
        .isEqualTo(
            "cannot reach https://****@opensearch.internal:9200/_bulk (IllegalStateException)");
  }

  private static Exception catching(ThrowingRunnable action) {
    try {
      action.run();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
