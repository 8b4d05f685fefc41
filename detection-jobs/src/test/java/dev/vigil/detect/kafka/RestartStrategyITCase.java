package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.EmbeddedFlink;
import dev.vigil.detect.config.VigilConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code checkpoints.restart_attempts} limits restarts in a row, not over the job's life: a job on
 * an embedded cluster, with vigil.yaml's restart settings, that fails more often in all than the
 * limit but runs longer than {@code restart_reset_after} between failures keeps going, and one that
 * fails one more time in a row than the limit gives up.
 */
class RestartStrategyITCase {

  private static final int LIMIT = 2;

  /** Task attempts started in the current test (the restarted task is a new instance). */
  private static final AtomicInteger ATTEMPTS = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void failuresFarApartOutnumberingTheLimitDoNotEndTheJob() throws Exception {
    // Each attempt runs 1s, over three times restart_reset_after, before it fails.
    JobResult result = run("300ms", new FailingAttempts(LIMIT + 2, 1_000));

    assertThat(result.isSuccess()).isTrue();
    assertThat(ATTEMPTS.get()).as("attempts: %d failed, then one finished", LIMIT + 2).isEqualTo(5);
  }

  @Test
  void failuresInARowBeyondTheLimitEndTheJob() throws Exception {
    JobResult result = run("1m", new FailingAttempts(LIMIT + 1, 0));

    assertThat(result.getApplicationStatus().deriveJobStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(ATTEMPTS.get()).as("the first attempt and %d restarts", LIMIT).isEqualTo(LIMIT + 1);
  }

  @Test
  void failuresInARowUpToTheLimitAreRiddenOut() throws Exception {
    JobResult result = run("1m", new FailingAttempts(LIMIT, 0));

    assertThat(result.isSuccess()).isTrue();
  }

  /** Runs a one-record job with the restart settings vigil.yaml gives it, to its end. */
  private JobResult run(String resetAfter, FailingAttempts failing) throws Exception {
    ATTEMPTS.set(0);
    // A checkpoint would let the restart skip the finished source and the failing map with it.
    String yaml =
        "job: {parallelism: 1}\n"
            + "checkpoints: {interval: 10m, timeout: 1m, restart_attempts: "
            + LIMIT
            + ", restart_delay: 50ms, restart_reset_after: "
            + resetAfter
            + ", storage: "
            + dir.resolve("checkpoints")
            + "}\n";
    Configuration flink = FlinkSettings.from(VigilConfigLoader.parse("vigil.yaml", yaml, dir));
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(flink);
    env.fromData(1).map(failing).returns(Types.INT).sinkTo(new DiscardingSink<>());

    MiniCluster cluster = EmbeddedFlink.cluster(flink, 1, EmbeddedFlink.ANY_FREE_PORT);
    try {
      cluster.start();
      JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
      return cluster.requestJobResult(job).get(60, TimeUnit.SECONDS);
    } finally {
      cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
  }

  /** Fails the first {@code failures} attempts, each after running {@code healthyMillis}. */
  private static final class FailingAttempts extends RichMapFunction<Integer, Integer> {
    private static final long serialVersionUID = 1L;

    private final int failures;
    private final long healthyMillis;

    FailingAttempts(int failures, long healthyMillis) {
      this.failures = failures;
      this.healthyMillis = healthyMillis;
    }

    @Override
    public Integer map(Integer value) throws InterruptedException {
      int attempt = ATTEMPTS.incrementAndGet();
      Thread.sleep(healthyMillis);
      if (attempt <= failures) {
        throw new IllegalStateException("injected failure " + attempt + " (test)");
      }
      return value;
    }
  }
}
