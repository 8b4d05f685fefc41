package dev.vigil.rules.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A test inside a rule file: events fed in the given order, and the alerts they must produce.
 *
 * @param name what the test shows
 * @param line where it is declared
 * @param events each an inline canonical event ({@code event:}), a raw source record ({@code raw:})
 *     or a file of raw records ({@code file:}), possibly repeated
 * @param expectAlerts how many alerts the file's rules must produce (0: none)
 * @param expectRule only count alerts of this rule (id or name); null: any rule of the file
 * @param expectGroup values the first alert's {@code group} must hold
 * @param expectEventCount the first alert's exact {@code event_count}, or null
 */
public record RuleTest(
    String name,
    int line,
    List<TestEvent> events,
    int expectAlerts,
    String expectRule,
    Map<String, String> expectGroup,
    Long expectEventCount) {

  /**
   * One entry of a test's event list.
   *
   * @param kind {@code event}, {@code raw} or {@code file}
   * @param body the inline event or record, or the file path as a text node
   * @param repeat how many copies ({@code {i}} in string values becomes the copy's index)
   * @param everyMillis time between copies
   */
  public record TestEvent(String kind, JsonNode body, int line, int repeat, long everyMillis) {}
}
