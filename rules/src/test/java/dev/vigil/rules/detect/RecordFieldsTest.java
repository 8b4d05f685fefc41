package dev.vigil.rules.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Source;
import dev.vigil.rules.RuleException;
import dev.vigil.rules.Rules;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** vigil/record-fields.yml knows every key of real records, and only those. */
class RecordFieldsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final RecordFields fields = RecordFields.builtIn();

  /**
   * Keys of panther-analysis's hand-written test events that no source writes, each misspelled or
   * misplaced: listing them as known would hide exactly the typos the check is for.
   */
  private static final Map<String, String> HAND_WRITTEN =
      Map.of(
          "AWS_CLOUDTRAIL userIdentity.accesKeyId", "accessKeyId misspelled",
          "AZURE_MONITOR tenantId\"", "a quote inside the key",
          "GCP_AUDIT protoPayload.receiveTimestamp", "a LogEntry key put under protoPayload",
          "GCP_AUDIT protoPayload.resource", "a LogEntry key put under protoPayload",
          "GCP_AUDIT protoPayload.resource.labels", "a LogEntry key put under protoPayload",
          "GCP_AUDIT protoPayload.resource.labels.organization_id",
              "a LogEntry key put under protoPayload",
          "GCP_AUDIT protoPayload.resource.type", "a LogEntry key put under protoPayload",
          "GCP_AUDIT serviceName", "an AuditLog key put at the LogEntry's top level",
          "GCP_AUDIT status", "an AuditLog key put at the LogEntry's top level");

  @Test
  void everyKeyOfEveryCorpusRecordIsKnown() throws Exception {
    Map<Source, Integer> records = new EnumMap<>(Source.class);
    Map<String, String> unknown = new TreeMap<>();
    for (AuditEvent event : Rules.corpusEvents()) {
      records.merge(event.getSource(), 1, Integer::sum);
      List<String> paths = new ArrayList<>();
      keyPaths(JSON.readTree(event.getRaw()), "", paths);
      for (String path : paths) {
        if (!fields.known(event.getSource(), path)) {
          unknown.putIfAbsent(event.getSource() + " " + path, event.getOrigin());
        }
      }
    }
    assertThat(records).containsOnlyKeys(Source.values());
    assertThat(unknown).containsOnlyKeys(HAND_WRITTEN.keySet());
  }

  /** Every key path of a record, arrays crossed as rules cross them. */
  private static void keyPaths(JsonNode node, String prefix, List<String> out) {
    if (node.isArray()) {
      node.forEach(item -> keyPaths(item, prefix, out));
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String path = prefix + entry.getKey();
      out.add(path);
      keyPaths(entry.getValue(), path + ".", out);
    }
  }

  @Test
  void everyRawTargetOfLogsourcesIsKnown() {
    List<String> unknown = new ArrayList<>();
    for (LogSources.LogsourceMapping mapping : LogSources.builtIn().mappings()) {
      mapping
          .fields()
          .values()
          .forEach(
              targets ->
                  targets.stream()
                      .filter(target -> target.startsWith("raw."))
                      .filter(target -> !fields.known(mapping.source(), target.substring(4)))
                      .forEach(target -> unknown.add(mapping.label() + " " + target)));
    }
    assertThat(unknown).isEmpty();
  }

  @Test
  void fixedKeysAreCheckedAtEveryLevelAndContainersTakeAnyKey() {
    assertThat(fields.known(Source.AWS_CLOUDTRAIL, "userIdentity.sessionContext.sessionIssuer.arn"))
        .isTrue();
    assertThat(fields.known(Source.AWS_CLOUDTRAIL, "userIdentity.tpye")).isFalse();
    assertThat(fields.known(Source.AWS_CLOUDTRAIL, "requestParameters.anything.at.all")).isTrue();
    // Arrays are crossed, keys match in any case, as rules read raw records.
    assertThat(fields.known(Source.AWS_CLOUDTRAIL, "resources.ARN")).isTrue();
    assertThat(fields.known(Source.AWS_CLOUDTRAIL, "EVENTNAME")).isTrue();
    assertThat(fields.known(Source.VAULT, "request.data.password")).isTrue();
    assertThat(fields.known(Source.VAULT, "request.opration")).isFalse();
    // A key holding dots (a Kubernetes label) is found as rules find it.
    assertThat(fields.known(Source.GCP_AUDIT, "labels.authorization.k8s.io/decision")).isTrue();
    assertThat(fields.known(Source.GCP_AUDIT, "protoPayload.methdName")).isFalse();
    // Collectors' keys, for every source.
    assertThat(fields.known(Source.VAULT, "p_any_ip_addresses")).isTrue();
  }

  @Test
  void theFileNamesOnlySourcesVigilHas() {
    assertThatThrownBy(() -> RecordFields.parse("t.yml", "sources:\n  OKTA:\n    a:\n"))
        .isInstanceOf(RuleException.class)
        .hasMessage("t.yml:2: unknown source 'OKTA'");
  }
}
