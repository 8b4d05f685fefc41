package dev.vigil.rules.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.Source;
import dev.vigil.rules.Rules;
import dev.vigil.rules.model.LogSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The field dialects of vigil/logsources.yml resolve as documented. */
class LogSourcesTest {

  private final LogSources logSources = LogSources.builtIn();

  private FieldRef field(String product, String service, String name) {
    return logSources.resolve(new LogSource(product, service, null)).field(name);
  }

  @Test
  void sourcesOwnOperationNamesBecomeTheIndexedCanonicalOperation() {
    assertThat(field("aws", "cloudtrail", "eventName"))
        .isEqualTo(new FieldRef.Canonical("operation"));
    assertThat(field("gcp", "gcp.audit", "gcp.audit.method_name"))
        .isEqualTo(new FieldRef.Canonical("operation"));
    assertThat(field("gcp", "gcp.audit", "data.protoPayload.methodName"))
        .isEqualTo(new FieldRef.Canonical("operation"));
    assertThat(field("azure", "activitylogs", "operationName"))
        .isEqualTo(new FieldRef.Canonical("operation"));
  }

  @Test
  void rawNamesResolveToRawPathsAndCanonicalNamesStayCanonical() {
    assertThat(field("aws", "cloudtrail", "userIdentity.type"))
        .isEqualTo(new FieldRef.Raw(List.of("userIdentity.type")));
    assertThat(field("aws", "cloudtrail", "actor.id"))
        .isEqualTo(new FieldRef.Canonical("actor.id"));
    assertThat(field("aws", "cloudtrail", "raw.category"))
        .isEqualTo(new FieldRef.Raw(List.of("category")));
    assertThat(field("gcp", "gcp.audit", "data.protoPayload.serviceName"))
        .isEqualTo(new FieldRef.Raw(List.of("protoPayload.serviceName")));
  }

  @Test
  void logAnalyticsColumnsResolveToTheExportedRecord() {
    assertThat(field("azure", "signinlogs", "ResultType"))
        .isEqualTo(new FieldRef.Raw(List.of("resultType", "properties.status.errorCode")));
    assertThat(field("azure", "signinlogs", "AuthenticationRequirement"))
        .isEqualTo(
            new FieldRef.Raw(
                List.of("AuthenticationRequirement", "properties.AuthenticationRequirement")));
    // The operation's own names map to the canonical operation, which the filter index reads for
    // free (the parser takes operationName, else activityDisplayName, as the table used to).
    assertThat(field("azure", "auditlogs", "properties.message"))
        .isEqualTo(new FieldRef.Canonical("operation"));
    assertThat(field("azure", "auditlogs", "ActivityDisplayName"))
        .isEqualTo(new FieldRef.Canonical("operation"));
    assertThat(field("azure", "activitylogs", "properties.message"))
        .isEqualTo(new FieldRef.Canonical("operation"));
  }

  @Test
  void signInRuleMatchesAnExportedSignInRecord() throws Exception {
    String rule =
        """
        title: t
        id: 44444444-4444-4444-8444-444444444444
        logsource: {product: azure, service: signinlogs}
        detection:
          selection:
            ResultType: 50126
            AuthenticationRequirement: singleFactorAuthentication
            DeviceDetail.trusttype: ''
          condition: selection
        """;
    String signIn =
        "{\"source\":\"AZURE_MONITOR\",\"raw\":{\"category\":\"SignInLogs\",\"resultType\":\"50126\","
            + "\"properties\":{\"authenticationRequirement\":\"singleFactorAuthentication\",\"deviceDetail\":{\"trustType\":\"\"}}}}";
    assertThat(Rules.matches(rule, signIn)).isTrue();
    // The logsource's where: an activity-log record with the same fields is not a sign-in.
    assertThat(Rules.matches(rule, signIn.replace("\"SignInLogs\"", "\"Administrative\"")))
        .isFalse();
  }

  @Test
  void everyLogsourceNamesAVigilSourceAndUnknownOnesAreRefused() {
    assertThat(logSources.mappings())
        .extracting(LogSources.LogsourceMapping::source)
        .contains(Source.values());
    assertThat(logSources.resolve(new LogSource(null, null, null))).isNull();
    assertThat(logSources.resolve(new LogSource("hashicorp", null, null)).source())
        .isEqualTo(Source.VAULT);
    assertThatThrownBy(() -> logSources.resolve(new LogSource("azure", "nope", null)))
        .hasMessageContaining("service 'nope'")
        .hasMessageContaining("signinlogs");
    assertThatThrownBy(() -> logSources.resolve(new LogSource(null, null, "process_creation")))
        .hasMessageContaining("category 'process_creation' is not supported");
  }
}
