package dev.vigil.reports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventsSeenTest {

  @Test
  void eachRecordIsNewOnceThroughEveryGrowthOfTheTable() {
    EventsSeen seen = new EventsSeen();
    int added = 0;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 50_000; i++) {
        // The same id at another time, or in another category, is another record.
        if (seen.add("id-" + i, 1_000L * (i % 7), "VAULT", "SECRET_ACCESS", false)) {
          added++;
        }
        if (seen.add("id-" + i, 1_000L * (i % 7), "VAULT", "OTHER", false)) {
          added++;
        }
        if (seen.add("id-" + i, 1_000L * (i % 7) + 1, "VAULT", "OTHER", false)) {
          added++;
        }
      }
    }
    assertThat(added).isEqualTo(150_000);
  }
}
