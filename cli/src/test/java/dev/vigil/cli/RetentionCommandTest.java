package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.index.RetentionManager.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The closing line of {@code vigil retention apply}; the command itself: RetentionCommandITCase.
 */
class RetentionCommandTest {

  @Test
  void summaryCountsOneIndexInTheSingular() {
    assertThat(RetentionCommand.Apply.summary(1, Map.of(Verdict.EXPIRED, 1), false))
        .isEqualTo("vigil retention apply: 1 vigil-* index, 1 deleted, 0 kept, 0 unmanaged");
  }

  @Test
  void summaryOfADryRunSaysWhatWouldBeDeleted() {
    assertThat(
            RetentionCommand.Apply.summary(
                6,
                Map.of(
                    Verdict.EXPIRED, 2,
                    Verdict.KEEP, 2,
                    Verdict.KEEP_FOREVER, 1,
                    Verdict.UNMANAGED, 1),
                true))
        .isEqualTo(
            "vigil retention apply: 6 vigil-* indices, 2 would be deleted (dry run), 3 kept,"
                + " 1 unmanaged");
  }
}
