package dev.vigil.detect.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DocumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource({"informational,1", "low,2", "medium,3", "high,4", "critical,5"})
  void theAlertDocumentIsTheAlertPlusItsSeverityRankAndWhenItWasIndexed(String severity, int rank)
      throws IOException {
    String alertJson = AlertJson.toJson(alert(severity));

    ObjectNode document =
        (ObjectNode)
            JSON.readTree(
                Documents.alertDocument(
                    alertJson, severity, Instant.parse("2031-06-02T08:30:00Z")));

    assertThat(document.path("severity_rank").asInt()).isEqualTo(rank);
    assertThat(document.path("indexed_at").asText())
        .as("milliseconds always, like an event's time")
        .isEqualTo("2031-06-02T08:30:00.000Z");
    document.remove(List.of("severity_rank", "indexed_at"));
    assertThat(document).isEqualTo(JSON.readTree(alertJson));
    JsonNode group = document.path("group");
    assertThat(group.fieldNames()).toIterable().containsExactly("actor.id", "src.ip");
  }

  private static Alert alert(String severity) {
    Map<String, String> group = new LinkedHashMap<>();
    group.put("actor.id", "arn:aws:iam::123456789012:root");
    group.put("src.ip", "192.0.2.44");
    Instant time = Instant.parse("2031-06-01T12:05:00Z");
    return new Alert(
        "a1",
        "r1",
        "root_token_use",
        "Root credential used",
        1,
        "Vigil",
        "root_token_use",
        severity,
        time,
        time,
        time,
        group,
        List.of("AWS_CLOUDTRAIL"),
        List.of("e1"),
        1,
        "root used",
        List.of());
  }
}
