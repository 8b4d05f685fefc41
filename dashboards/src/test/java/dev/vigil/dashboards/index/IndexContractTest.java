package dev.vigil.dashboards.index;

import static dev.vigil.dashboards.index.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dashboards.client.IndexSettings;
import dev.vigil.event.AuditEvent;
import dev.vigil.ingest.io.EventJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IndexContractTest {

  // The index patterns of the dashboards' saved objects and of the templates.
  private static final String ALERTS_PATTERN = "vigil-alerts-*";
  private static final String DEAD_LETTERS_PATTERN = "vigil-deadletters-*";

  private static final IndexContract CONTRACT = IndexContract.builtIn();
  private static final String T = "2025-03-14T15:09:26.535Z";

  @Test
  void builtInClassesFollowTheSeedRequirements() {
    Map<String, String> retention =
        CONTRACT.classes().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    RetentionClass::name, c -> c.retention().toString()));
    assertThat(retention)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "seal", "forever",
                "policy", "2y",
                "secret", "1y",
                "access_failure", "1y",
                "auth", "90d",
                "general", "1y"));
    assertThat(CONTRACT.alerts().retention()).hasToString("2y");
    assertThat(CONTRACT.deadLetters().retention()).hasToString("1y");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "vault unseal                   | seal           | action=unseal, category=SYSTEM",
        "vault seal, denied             | seal           | action=seal, denied=true, outcome=FAILURE",
        "policy change                  | policy         | category=POLICY_CHANGE, action=update",
        "audit device disabled          | policy         | category=AUDIT_CONFIG, action=delete",
        "refused policy change          | policy         | category=POLICY_CHANGE, denied=true",
        "secret read                    | secret         | category=SECRET_ACCESS, action=read",
        "secret write                   | secret         | category=SECRET_ACCESS, action=update",
        "denied read of a path          | access_failure | category=OTHER, denied=true",
        "failed sign-in                 | access_failure | category=AUTHENTICATION, action=login, outcome=FAILURE",
        "sign-in                        | auth           | category=AUTHENTICATION, action=login",
        "vault token create             | auth           | category=IDENTITY_MANAGEMENT, action=create, target.resource=auth/token/create",
        "vault token in a namespace     | auth           | category=IDENTITY_MANAGEMENT, action=revoke, target.resource=ns1/auth/token/revoke",
        "aws assume role                | auth           | source=AWS_CLOUDTRAIL, category=IDENTITY_MANAGEMENT, operation=AssumeRoleWithWebIdentity",
        "gcp access token               | auth           | source=GCP_AUDIT, category=OTHER, operation=google.iam.credentials.v1.IAMCredentials.GenerateAccessToken",
        "anything else                  | general        | category=KEY_MANAGEMENT, action=decrypt",
        "gcp op named like aws only     | general        | source=GCP_AUDIT, operation=GetSessionToken",
      })
  void classifiesByTheLongestRetentionThatMatches(String what, String expected, String fields) {
    AuditEvent event = event(T, fields.split(",\\s*"));

    assertThat(CONTRACT.classify(event).name()).as(what).isEqualTo(expected);
  }

  @Test
  void eventIndexIsTheClassFamilyAtEventTime() {
    AuditEvent secret = event("2025-01-31T23:59:59.999Z", "category=SECRET_ACCESS");
    AuditEvent login = event("2025-01-31T23:59:59.999Z", "category=AUTHENTICATION");
    AuditEvent nextMonth = event("2025-02-01T00:00:00.000Z", "category=SECRET_ACCESS");

    assertThat(CONTRACT.eventIndex(secret)).isEqualTo("vigil-events-secret-2025.01");
    assertThat(CONTRACT.eventIndex(login)).isEqualTo("vigil-events-auth-2025.01.31");
    assertThat(CONTRACT.eventIndex(nextMonth)).isEqualTo("vigil-events-secret-2025.02");
  }

  @Test
  void alertsAndDeadLettersHaveMonthlyIndices() {
    Instant time = Instant.parse("2024-12-31T23:00:00Z");
    assertThat(CONTRACT.alertIndex(time)).isEqualTo("vigil-alerts-2024.12");
    assertThat(CONTRACT.deadLetterIndex(time)).isEqualTo("vigil-deadletters-2024.12");
  }

  @Test
  void everyIndexMatchesItsReadersPattern() {
    AuditEvent event = event(T, "category=SECRET_ACCESS");
    assertThat(CONTRACT.eventIndex(event))
        .startsWith(IndexContract.EVENTS_PATTERN.replace("*", ""));
    assertThat(CONTRACT.alertIndex(Instant.parse(T))).startsWith(ALERTS_PATTERN.replace("*", ""));
    assertThat(CONTRACT.deadLetterIndex(Instant.parse(T)))
        .startsWith(DEAD_LETTERS_PATTERN.replace("*", ""));
  }

  @Test
  void parsesTheNamesItWrites() {
    assertThat(CONTRACT.parse("vigil-events-access_failure-2025.03"))
        .hasValueSatisfying(
            index -> {
              assertThat(index.family().name()).isEqualTo("events-access_failure");
              assertThat(index.period().period()).isEqualTo(IndexPeriod.MONTH);
              assertThat(index.period().start()).isEqualTo(LocalDate.of(2025, 3, 1));
              assertThat(index.period().end()).isEqualTo(LocalDate.of(2025, 4, 1));
            });
    assertThat(CONTRACT.parse("vigil-events-auth-2025.02.28"))
        .hasValueSatisfying(
            index -> assertThat(index.period().end()).isEqualTo(LocalDate.of(2025, 3, 1)));
    assertThat(CONTRACT.parse("vigil-alerts-2025.03")).isPresent();
    assertThat(CONTRACT.parse("vigil-deadletters-2025.03")).isPresent();
  }

  @Test
  void theDemosIndicesAliasesAndTemplatesAreNoneOfTheDefaultReadersOnes() {
    IndexContract demo = CONTRACT.withPrefix(IndexContract.DEMO_PREFIX);
    AuditEvent event = event(T, "category=SECRET_ACCESS");
    String eventIndex = demo.eventIndex(event);
    String alertIndex = demo.alertIndex(Instant.parse(T));
    String deadLetterIndex = demo.deadLetterIndex(Instant.parse(T));
    assertThat(List.of(eventIndex, alertIndex, deadLetterIndex))
        .containsExactly(
            "vigil-demo-events-secret-2025.03",
            "vigil-demo-alerts-2025.03",
            "vigil-demo-deadletters-2025.03");
    assertThat(List.of(demo.eventsAlias(), demo.alertsAlias(), demo.deadLettersAlias()))
        .containsExactly("vigil-demo-events", "vigil-demo-alerts", "vigil-demo-deadletters");
    for (String pattern :
        List.of(IndexContract.EVENTS_PATTERN, ALERTS_PATTERN, DEAD_LETTERS_PATTERN)) {
      assertThat(List.of(eventIndex, alertIndex, deadLetterIndex))
          .noneMatch(index -> index.startsWith(pattern.replace("*", "")));
    }
    // Retention under the default names never judges them; the demo's own contract does.
    assertThat(CONTRACT.parse(alertIndex)).isEmpty();
    assertThat(CONTRACT.parse(eventIndex)).isEmpty();
    assertThat(demo.parse(alertIndex)).isPresent();
    assertThat(demo.parse("vigil-alerts-2025.03")).isEmpty();

    IndexSettings settings =
        new IndexSettings(1, 0, java.time.Duration.ofSeconds(1), IndexContract.DEMO_PREFIX);
    for (String name : TemplateInstaller.TEMPLATES) {
      ObjectNode template = TemplateInstaller.render(name, settings);
      String family = name.substring(IndexContract.PREFIX.length());
      assertThat(TemplateInstaller.installedName(name, settings)).isEqualTo("vigil-demo-" + family);
      assertThat(template.path("index_patterns").toString())
          .isEqualTo("[\"vigil-demo-" + family + "-*\"]");
      assertThat(template.path("template").path("aliases").fieldNames())
          .toIterable()
          .containsExactly("vigil-demo-" + family);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "vigil-events",
    "vigil-events-secret",
    "vigil-events-removed_class-2025.03",
    "vigil-events-secret-2025.13",
    "vigil-events-secret-2025.02.30",
    "vigil-events-secret-25.03",
    "vigil-events-secret-2025.03-restored",
    "other-events-secret-2025.03",
    ".kibana_1",
  })
  void rejectsNamesItDoesNotOwn(String name) {
    assertThat(CONTRACT.parse(name)).isEmpty();
  }

  @Test
  void survivesSerializationForFlink() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(CONTRACT);
    }
    IndexContract copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (IndexContract) in.readObject();
    }
    AuditEvent event = event(T, "target.resource=auth/token/create");
    assertThat(copy.eventIndex(event)).isEqualTo(CONTRACT.eventIndex(event));
  }

  @Test
  void aUserFileReplacesTheClasses() throws IOException {
    IndexContract contract =
        read(
            """
            default_class: rest
            classes:
              - name: root
                retention: 3y
                index_period: day
                match:
                  - {actor.root: true}
                  - {actor.policies: "*root*"}
              - name: rest
                retention: 30d
            alerts: {retention: 1y}
            dead_letters: {retention: 1y, index_period: day}
            """);

    assertThat(contract.classify(event(T, "actor.root=true")).name()).isEqualTo("root");
    ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(EventJson.toJson(event(T)));
    ((ObjectNode) tree.get("actor")).putArray("policies").add("default").add("team-root-admins");
    AuditEvent withPolicies = EventJson.readEvent(tree);
    assertThat(contract.classify(withPolicies).name()).isEqualTo("root");
    assertThat(contract.eventIndex(event(T))).isEqualTo("vigil-events-rest-2025.03");
    assertThat(contract.deadLetterIndex(Instant.parse(T)))
        .isEqualTo("vigil-deadletters-2025.03.14");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "classes: [{name: a, retention: 1y, match: [{category: SECRET_ACESS}]}]"
            + "| 'SECRET_ACESS' is never a value of category",
        "classes: [{name: a, retention: 1y, match: [{denied: maybe}]}]"
            + "| is never a value of denied",
        "classes: [{name: a, retention: 1y, match: [{actor.identity: x}]}]"
            + "| 'actor.identity' is not a field of the canonical event",
        "classes: [{name: a, retention: 1y, match: [{actor: x}]}]"
            + "| 'actor' is a group of fields",
        "classes: [{name: a, retention: 1y, match: [{raw: x}]}]" + "| 'raw' cannot be matched",
        "classes: [{name: a, retention: 1 year}]" + "| retention must be <n>d, <n>w, <n>y",
        "classes: [{name: a, retention: 0d}]" + "| retention must be <n>d, <n>w, <n>y",
        "classes: [{name: a, retention: 1y, index_period: week}]"
            + "| index_period must be 'day' or 'month'",
        "classes: [{name: A-b, retention: 1y}]" + "| name 'A-b' must be 1-40 lower-case letters",
        "classes: [{name: a, retention: 1y}, {name: a, retention: 2y}]"
            + "| class a: defined twice",
        "classes: [{name: a, retention: 1y, keep: forever}]" + "| unknown key 'keep'",
        "classes: [{name: a, retention: 1y, match: {category: OTHER}}]"
            + "| 'match' must be a list of maps",
      })
  void aBadFileSaysWhatIsWrongAndWhere(String classes, String message) {
    String yaml =
        "default_class: a\n"
            + classes
            + "\nalerts: {retention: 1y}\ndead_letters: {retention: 1y}\n";
    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("test.yaml")
        .hasMessageContaining(message);
  }

  @Test
  void theDefaultClassMustExist() {
    assertThatThrownBy(
            () ->
                read(
                    "default_class: other\nclasses: [{name: a, retention: 1y}]\n"
                        + "alerts: {retention: 1y}\ndead_letters: {retention: 1y}\n"))
        .hasMessage("test.yaml: default_class 'other' is not one of the classes");
  }

  @Test
  void invalidYamlIsOneLineWithItsLineAndQuotesNoneOfTheText() {
    // A retention flag pointed at the wrong file (vigil.yaml, a secret) must not print its lines.
    String yaml = "default_class: a\npassword: \"s3cr3t-hunter2\n";
    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("test.yaml: not valid YAML at line ")
        .hasMessageNotContaining("s3cr3t-hunter2")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aMissingFileIsAClearError() {
    assertThatThrownBy(() -> IndexContract.load(java.nio.file.Path.of("/nonexistent/r.yaml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention file /nonexistent/r.yaml does not exist");
  }

  @Test
  void familiesListEveryClassThenAlertsAndDeadLetters() {
    List<String> names = CONTRACT.families().stream().map(IndexFamily::name).toList();
    assertThat(names)
        .containsExactly(
            "events-seal",
            "events-policy",
            "events-secret",
            "events-access_failure",
            "events-auth",
            "events-general",
            "alerts",
            "deadletters");
  }

  private static IndexContract read(String yaml) throws IOException {
    return RetentionFile.read(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
  }
}
