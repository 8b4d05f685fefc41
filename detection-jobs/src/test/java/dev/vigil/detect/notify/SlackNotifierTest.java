package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.rules.Alert;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackNotifierTest {

  private final SlackNotifier notifier =
      new SlackNotifier(
          Secret.of("https://hooks.slack.example/T/B/X", "env SLACK"),
          URI.create("https://hooks.slack.example/T/B/X"),
          id -> null,
          AlertDispatcherTest.NO_GUIDANCE,
          Duration.ofSeconds(10));

  /** A summary that does not start with the rule title (a custom one) is shown whole, once. */
  @Test
  void aSummaryWithoutTheTitleIsShownWhole() throws Exception {
    Alert spike = Alerts.spike(Alerts.id(1), "alice", 0);
    Alert custom =
        new Alert(
            spike.alertId(),
            spike.ruleId(),
            spike.ruleName(),
            spike.ruleTitle(),
            spike.ruleVersion(),
            spike.ruleAuthor(),
            spike.detection(),
            spike.severity(),
            spike.time(),
            spike.windowStart(),
            spike.windowEnd(),
            spike.group(),
            spike.sources(),
            spike.eventIds(),
            spike.eventCount(),
            "alice was refused 12 times",
            spike.tags());

    JsonNode message = new ObjectMapper().readTree(notifier.body(Notification.trigger(custom)));

    assertThat(message.get("text").asText())
        .isEqualTo("[HIGH] Denied access spike: alice was refused 12 times");
    assertThat(message.at("/blocks/1/text/text").asText()).isEqualTo("alice was refused 12 times");
  }

  /**
   * References show as whole entries only: when escaping lengthens text ones beyond one element,
   * the line ends before the entry that does not fit, so no link is cut inside its markup.
   */
  @Test
  void referencesThatDoNotFitAreLeftOutWholeNeverCutInALink() {
    String longUrl = "https://docs.example/" + "p".repeat(RuleGuidance.MAX_ENTRY_CHARS - 21);
    String ampersands = "&".repeat(RuleGuidance.MAX_ENTRY_CHARS);
    String brackets = "<".repeat(RuleGuidance.MAX_ENTRY_CHARS);
    RuleGuidance guidance =
        new RuleGuidance(
            null, List.of(), List.of(longUrl, ampersands, brackets, "https://docs.example/next"));

    String line = SlackNotifier.references(guidance);

    assertThat(line)
        .isEqualTo(
            "*References:* <" + longUrl + "> · " + "&amp;".repeat(RuleGuidance.MAX_ENTRY_CHARS));
    assertThat(line.length()).isLessThanOrEqualTo(SlackNotifier.MAX_FIELD);
  }
}
