package dev.vigil.dashboards.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TemplateInstallerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void newFieldsAreThoseAnIndexLacksAtAnyDepthNeverAChangedOne() throws IOException {
    JsonNode wanted =
        JSON.readTree(
            "{\"a\":{\"type\":\"keyword\"},\"o\":{\"properties\":{\"x\":{\"type\":\"keyword\"},"
                + "\"y\":{\"type\":\"date\"}}},\"g\":{\"type\":\"object\",\"properties\":"
                + "{\"k\":{\"type\":\"keyword\"}}},\"n\":{\"type\":\"integer\"}}");
    JsonNode existing =
        JSON.readTree(
            "{\"a\":{\"type\":\"text\"},\"o\":{\"properties\":{\"x\":{\"type\":\"keyword\"}}},"
                + "\"g\":{\"type\":\"flat_object\"}}");
    assertThat(TemplateInstaller.newFields(wanted, existing))
        .isEqualTo(
            JSON.readTree(
                "{\"o\":{\"properties\":{\"y\":{\"type\":\"date\"}}},\"n\":{\"type\":\"integer\"}}"));
  }
}
