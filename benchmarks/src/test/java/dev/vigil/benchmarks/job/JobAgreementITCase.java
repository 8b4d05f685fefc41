package dev.vigil.benchmarks.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.benchmarks.job.JobRuns.Job;
import dev.vigil.benchmarks.job.JobRuns.Run;
import dev.vigil.benchmarks.job.MixedAuditGenerator.Generated;
import dev.vigil.benchmarks.job.MixedAuditGenerator.Incident;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the job benchmark from rotting: the generator and both jobs, on a small input with an
 * incident every few hundred records, at the benchmark's parallelism. Both jobs must find every
 * planted incident and raise the same alerts.
 */
class JobAgreementITCase {

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void bothJobsRaiseTheSameAlertsForEveryPlantedIncident() throws Exception {
    Generated generated =
        MixedAuditGenerator.write(
            MixedAuditGenerator.Config.of(12_000).withIncidentEvery(400).withIdentities(200),
            dir,
            2);

    assertThat(generated.records()).isBetween(12_000L, 12_200L);
    assertThat(generated.files()).hasSize(2).allSatisfy(f -> assertThat(f).isNotEmptyFile());
    Map<String, Long> planted =
        generated.incidents().stream()
            .collect(Collectors.groupingBy(Incident::detection, Collectors.counting()));
    assertThat(planted)
        .containsOnlyKeys(
            "denied_access_spike",
            "root_token_use",
            "mass_secret_reads",
            "policy_change",
            "break_glass_use")
        .allSatisfy((detection, count) -> assertThat(count).isGreaterThanOrEqualTo(5));

    Run vigil;
    Run baseline;
    try (JobRuns runs = new JobRuns(2)) {
      vigil = runs.run(Job.VIGIL, generated.files(), generated.records());
      baseline = runs.run(Job.BASELINE, generated.files(), generated.records());
    }
    AlertComparison comparison =
        AlertComparison.of(vigil.alerts(), baseline.alerts(), generated.incidents());

    assertThat(comparison.missedByBaseline()).as(comparison.report()).isEmpty();
    assertThat(comparison.missedByVigil()).as(comparison.report()).isEmpty();
    assertThat(comparison.onlyVigil()).as(comparison.report()).isEmpty();
    assertThat(comparison.onlyBaseline()).as(comparison.report()).isEmpty();
    assertThat(vigil.alerts()).extracting(FoundAlert::key).doesNotHaveDuplicates();
    assertThat(baseline.alerts()).extracting(FoundAlert::key).doesNotHaveDuplicates();
  }

  @Test
  void theGeneratorIsDeterministicBySeed() throws Exception {
    MixedAuditGenerator.Config config = MixedAuditGenerator.Config.of(3_000).withIncidentEvery(300);
    Generated first = MixedAuditGenerator.write(config, dir.resolve("a"), 2);
    Generated again = MixedAuditGenerator.write(config, dir.resolve("b"), 2);
    Generated other = MixedAuditGenerator.write(config.withSeed(7), dir.resolve("c"), 2);

    Function<Generated, List<byte[]>> bytes =
        g -> g.files().stream().map(JobAgreementITCase::read).toList();
    assertThat(bytes.apply(again)).containsExactlyElementsOf(bytes.apply(first));
    assertThat(again.incidents()).isEqualTo(first.incidents());
    assertThat(bytes.apply(other).get(0)).isNotEqualTo(bytes.apply(first).get(0));
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
