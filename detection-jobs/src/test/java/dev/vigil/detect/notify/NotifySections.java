package dev.vigil.detect.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.yaml.ConfigMapping;
import java.util.Map;

/**
 * A {@code notify:} section written in a test, read by {@link NotifyConfig#read} as vigil.yaml's
 * loader would hand it down, but from no file: an error names the key from {@code notify} ({@code
 * notify.destinations.hook.url: ...}) without a file or line.
 */
public final class NotifySections {

  private static final ObjectMapper JSON = new ObjectMapper();

  private NotifySections() {}

  public static NotifyConfig read(Map<String, ?> section) {
    JsonNode tree = JSON.valueToTree(section);
    return read(tree);
  }

  public static NotifyConfig read(JsonNode section) {
    return NotifyConfig.read(ConfigMapping.of(section, "notify"));
  }
}
