package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  private static final List<String> COMMANDS = List.of("validate", "test", "explain", "backtest");

  @Test
  void aSwapOfTwoLettersIsOneEdit() {
    assertThat(Suggestions.closest("tset", COMMANDS)).contains("test");
  }

  @Test
  void aBeginningOfANameSuggestsIt() {
    assertThat(Suggestions.closest("stat", List.of("up", "down", "status"))).contains("status");
    assertThat(Suggestions.closest("--conf", List.of("-h", "--help", "--config")))
        .contains("--config");
  }

  @Test
  void aNameThatContainsTheTypedWordSuggestsItAsEverywhereInVigil() {
    assertThat(
            Suggestions.closest(
                "--out-of-orderness", List.of("--max-out-of-orderness", "--out", "--rules")))
        .contains("--max-out-of-orderness");
  }

  @Test
  void threeLettersAreTooFewToSuggestAnything() {
    // As for rule names and vigil.yaml keys: below four letters everything is near everything.
    assertThat(Suggestions.closest("sta", List.of("up", "down", "status"))).isEmpty();
  }

  @Test
  void theClosestNameWins() {
    assertThat(Suggestions.closest("--rule", List.of("--rules", "--out"))).contains("--rules");
    assertThat(Suggestions.closest("normalise", List.of("normalize", "demo")))
        .contains("normalize");
  }

  @Test
  void aWordFarFromEveryNameGetsNoSuggestion() {
    assertThat(Suggestions.closest("xyzzy", COMMANDS)).isEmpty();
    assertThat(Suggestions.closest("te", COMMANDS)).isEmpty();
    assertThat(Suggestions.closest("-x", List.of("-h", "-V"))).isEmpty();
  }
}
