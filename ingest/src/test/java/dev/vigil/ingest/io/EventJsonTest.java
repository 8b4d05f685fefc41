package dev.vigil.ingest.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.Actor;
import dev.vigil.event.ActorType;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.Category;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Outcome;
import dev.vigil.event.Source;
import dev.vigil.event.Src;
import dev.vigil.event.Target;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void roundTripsAFullEvent() {
    AuditEvent event = fullEvent();

    AuditEvent back = EventJson.readEvent(EventJson.toJson(event));

    assertThat(back).isEqualTo(event);
  }

  @Test
  void writesPlainNestedJsonWithNullsForAbsentValues() throws Exception {
    AuditEvent event = minimalEvent();

    JsonNode json = MAPPER.readTree(EventJson.toJson(event));

    assertThat(json.get("source").asText()).isEqualTo("VAULT");
    assertThat(json.get("error_code").isNull()).isTrue();
    assertThat(json.get("actor").get("id").isNull()).isTrue();
    assertThat(json.get("actor").get("mfa").isNull()).isTrue();
    assertThat(json.get("actor").get("policies").isArray()).isTrue();
    assertThat(json.get("src").get("ip").isNull()).isTrue();
    assertThat(json.get("denied").isBoolean()).isTrue();
    assertThat(json.get("ocsf_class_uid").isInt()).isTrue();
    assertThat(EventJson.readEvent(json)).isEqualTo(event);
  }

  @Test
  void writesTimesInUtcAlwaysWithMilliseconds() throws Exception {
    AuditEvent whole = minimalEvent();
    whole.setTime(Instant.parse("2024-03-01T10:00:00Z"));
    AuditEvent fraction = minimalEvent();
    fraction.setTime(Instant.parse("2024-03-01T10:00:00.120Z"));

    assertThat(MAPPER.readTree(EventJson.toJson(whole)).get("time").asText())
        .isEqualTo("2024-03-01T10:00:00.000Z");
    assertThat(MAPPER.readTree(EventJson.toJson(fraction)).get("time").asText())
        .isEqualTo("2024-03-01T10:00:00.120Z");
  }

  @Test
  void readsEpochMillisAndFillsDefaultsOfMissingOptionalFields() throws Exception {
    String json =
        "{\"event_id\":\"e\",\"time\":1709287200000,\"source\":\"GCP_AUDIT\",\"category\":\"OTHER\","
            + "\"ocsf_class_uid\":6003,\"action\":\"read\",\"operation\":\"op\",\"outcome\":\"UNKNOWN\","
            + "\"denied\":false,\"actor\":{\"type\":\"UNKNOWN\"},\"src\":{},\"target\":{},"
            + "\"raw\":\"{}\",\"origin\":\"f:1\"}";

    AuditEvent event = EventJson.readEvent(json);

    assertThat(event.getTime()).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
    assertThat(event.getActor().getPolicies()).isEmpty();
    assertThat(event.getActor().getRoot()).isFalse();
  }

  @Test
  void refusesWhatIsNotAnEvent() {
    assertThatThrownBy(() -> EventJson.readEvent("[1]"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventJson.readEvent("{\"event_id\":\"e\"}"))
        .hasMessageContaining("missing required field");
    assertThatThrownBy(() -> EventJson.readEvent("{oops"))
        .hasMessage("not an event in JSON form: malformed JSON");
    String badEnum = EventJson.toJson(minimalEvent()).replace("\"VAULT\"", "\"NOPE\"");
    assertThatThrownBy(() -> EventJson.readEvent(badEnum)).hasMessageContaining("source: 'NOPE'");
    String badTime =
        EventJson.toJson(minimalEvent()).replaceFirst("\"time\":\"[^\"]*\"", "\"time\":\"soon\"");
    assertThatThrownBy(() -> EventJson.readEvent(badTime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("time: 'soon' is not a UTC time");
  }

  @Test
  void aDeadLetterShowsUtf8RawAsText() throws Exception {
    DeadLetter letter = deadLetter("{\"a\":\"é\"".getBytes(StandardCharsets.UTF_8));

    JsonNode json = MAPPER.readTree(EventJson.toJson(letter));

    assertThat(json.get("raw").asText()).isEqualTo("{\"a\":\"é\"");
    assertThat(json.has("raw_base64")).isFalse();
    assertThat(json.get("reason").asText()).isEqualTo("MALFORMED_JSON");
    assertThat(json.get("origin").asText()).isEqualTo("f.log:3");
    assertThat(json.get("source_guess").isNull()).isTrue();
    assertThat(json.get("received_at").asText()).isEqualTo("2025-01-01T00:00:00.000Z");
  }

  @Test
  void aDeadLetterShowsInvalidUtf8AsBase64OfTheExactBytes() throws Exception {
    byte[] bytes = {'{', (byte) 0xC3, '(', '}'};

    JsonNode json = MAPPER.readTree(EventJson.toJson(deadLetter(bytes)));

    assertThat(json.has("raw")).isFalse();
    assertThat(Base64.getDecoder().decode(json.get("raw_base64").asText())).isEqualTo(bytes);
  }

  @Test
  void writingADeadLetterLeavesItsBufferUntouched() {
    DeadLetter letter = deadLetter("{}".getBytes(StandardCharsets.UTF_8));

    EventJson.toJson(letter);

    assertThat(letter.getRaw().remaining()).isEqualTo(2);
  }

  private static DeadLetter deadLetter(byte[] raw) {
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw))
        .setReason(DeadLetterReason.MALFORMED_JSON)
        .setMessage("malformed JSON")
        .setOrigin("f.log:3")
        .setSourceGuess(null)
        .setReceivedAt(Instant.parse("2025-01-01T00:00:00Z"))
        .build();
  }

  private static AuditEvent minimalEvent() {
    return AuditEvent.newBuilder()
        .setEventId("id-1")
        .setTime(Instant.parse("2024-03-01T10:00:00.123Z"))
        .setSource(Source.VAULT)
        .setCategory(Category.OTHER)
        .setOcsfClassUid(6003)
        .setAction("read")
        .setOperation("read")
        .setOutcome(Outcome.UNKNOWN)
        .setDenied(false)
        .setActor(Actor.newBuilder().setType(ActorType.UNKNOWN).build())
        .setSrc(Src.newBuilder().build())
        .setTarget(Target.newBuilder().build())
        .setRaw("{}")
        .setOrigin("f.log:1")
        .build();
  }

  private static AuditEvent fullEvent() {
    return AuditEvent.newBuilder(minimalEvent())
        .setSource(Source.AWS_CLOUDTRAIL)
        .setCategory(Category.SECRET_ACCESS)
        .setOutcome(Outcome.FAILURE)
        .setDenied(true)
        .setErrorCode("AccessDenied")
        .setErrorMessage("User is not authorized \"quoted\"\n")
        .setActor(
            Actor.newBuilder()
                .setId("AIDA123")
                .setName("alice")
                .setType(ActorType.ROOT)
                .setRoot(true)
                .setSession("ASIA1")
                .setAuthMethod("IAMUser")
                .setMfa(true)
                .setPolicies(List.of("root", "default"))
                .build())
        .setSrc(Src.newBuilder().setIp("203.0.113.5").setUserAgent("aws-cli/2").build())
        .setTarget(
            Target.newBuilder()
                .setResource("arn:aws:secretsmanager:eu-west-1:1:secret:x")
                .setType("secretsmanager")
                .setAccount("111122223333")
                .setRegion("eu-west-1")
                .build())
        .setRaw("{\"eventName\":\"GetSecretValue\",\"u\":\"\\u00e9\"}")
        .build();
  }
}
