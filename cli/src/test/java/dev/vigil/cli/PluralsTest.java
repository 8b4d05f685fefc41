package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralsTest {

  @Test
  void oneIsSingularAndEveryOtherCountPlural() {
    assertThat(Plurals.count(1, "record")).isEqualTo("1 record");
    assertThat(Plurals.count(0, "record")).isEqualTo("0 records");
    assertThat(Plurals.count(2, "dead letter")).isEqualTo("2 dead letters");
    assertThat(Plurals.count(-1, "record")).isEqualTo("-1 records");
  }

  @Test
  void irregularPluralsAreGiven() {
    assertThat(Plurals.count(1, "index", "indices")).isEqualTo("1 index");
    assertThat(Plurals.count(6, "index", "indices")).isEqualTo("6 indices");
    assertThat(Plurals.noun(1_000, "record")).isEqualTo("records");
  }
}
