package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dashboards.index.RetentionManager.Decision;
import dev.vigil.dashboards.index.RetentionManager.Evidence;
import dev.vigil.dashboards.index.RetentionManager.Verdict;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The closing line of {@code vigil retention apply}; the command itself: RetentionCommandITCase.
 */
class RetentionCommandTest {

  private static final LocalDate SINCE = LocalDate.parse("2019-02-01");
  private static final LocalDate WRITTEN = LocalDate.parse("2026-11-20");

  @Test
  void summaryCountsOneIndexInTheSingular() {
    assertThat(
            RetentionCommand.Apply.summary(
                List.of(decision("vigil-events-auth-2018.11.02", Verdict.EXPIRED, null, null)),
                false))
        .isEqualTo("vigil retention apply: 1 vigil-* index, 1 deleted, 0 kept, 0 unmanaged");
  }

  @Test
  void summaryOfADryRunSaysWhatWouldBeDeletedAndWhyExpiredIndicesAreKept() {
    List<Decision> decisions =
        List.of(
            decision("vigil-events-auth-2018.11.01", Verdict.EXPIRED, null, null),
            decision("vigil-events-auth-2018.11.02", Verdict.EXPIRED, WRITTEN, null),
            decision("vigil-events-auth-2018.11.03", Verdict.KEEP_RECENT, WRITTEN, null),
            decision(
                "vigil-events-auth-2018.11.04",
                Verdict.KEEP_EVIDENCE,
                null,
                new Evidence(3, LocalDate.parse("2026-12-01"))),
            decision("vigil-events-auth-2026.11.20", Verdict.KEEP, null, null),
            new Decision(
                "vigil-events-seal-2001.01",
                "events-seal",
                Verdict.KEEP_FOREVER,
                null,
                null,
                null,
                false),
            new Decision("vigil-notes", null, Verdict.UNMANAGED, null, null, null, false));

    assertThat(RetentionCommand.Apply.summary(decisions, true))
        .isEqualTo(
            "vigil retention apply: 7 vigil-* indices, 2 would be deleted (dry run) (1 written in"
                + " the last 30 days), 4 kept (1 as evidence of kept alerts, 1 written in the last"
                + " 30 days), 1 unmanaged");
  }

  @Test
  void eachLineSaysWhyAnExpiredIndexIsKeptOrThatItWasWrittenRecently() {
    assertThat(
            RetentionCommand.Apply.describe(
                decision("vigil-events-auth-2018.11.02", Verdict.KEEP_RECENT, WRITTEN, null)))
        .isEqualTo(
            "keep recent    vigil-events-auth-2018.11.02  family events-auth, deletable since"
                + " 2019-02-01 by event time, but written 2026-11-20: kept until 2026-12-20"
                + " (--delete-recent deletes it now)");
    assertThat(
            RetentionCommand.Apply.describe(
                decision(
                    "vigil-events-auth-2018.11.02",
                    Verdict.KEEP_EVIDENCE,
                    null,
                    new Evidence(1, LocalDate.parse("2028-12-01")))))
        .isEqualTo(
            "keep evidence  vigil-events-auth-2018.11.02  family events-auth, deletable since"
                + " 2019-02-01 by event time, but holds 1 event behind kept alerts: kept until"
                + " 2028-12-01, when they expire");
    assertThat(
            RetentionCommand.Apply.describe(
                decision(
                    "vigil-events-auth-2018.11.02",
                    Verdict.KEEP_EVIDENCE,
                    null,
                    new Evidence(2, null))))
        .endsWith("but holds 2 events behind kept alerts: kept while they are (kept forever)");
    Decision deletedRecent =
        new Decision(
            "vigil-events-auth-2018.11.02",
            "events-auth",
            Verdict.EXPIRED,
            SINCE,
            WRITTEN,
            null,
            true);
    assertThat(RetentionCommand.Apply.describe(deletedRecent))
        .isEqualTo(
            "delete         vigil-events-auth-2018.11.02  family events-auth, deletable since"
                + " 2019-02-01 by event time; written 2026-11-20, deleted for its event time"
                + " (--delete-recent)");
    assertThat(
            RetentionCommand.Apply.describe(
                decision("vigil-events-auth-2018.11.01", Verdict.EXPIRED, null, null)))
        .isEqualTo(
            "would delete   vigil-events-auth-2018.11.01  family events-auth, deletable since"
                + " 2019-02-01 by event time");
  }

  private static Decision decision(
      String index, Verdict verdict, LocalDate writtenOn, Evidence evidence) {
    return new Decision(
        index,
        "events-auth",
        verdict,
        verdict == Verdict.KEEP ? LocalDate.parse("2027-02-18") : SINCE,
        writtenOn,
        evidence,
        false);
  }
}
