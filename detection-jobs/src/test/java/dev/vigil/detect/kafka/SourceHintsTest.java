package dev.vigil.detect.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.CollectingOutput;
import dev.vigil.ingest.NormalizerSettings;
import dev.vigil.ingest.RawRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceHintsTest {

  static final String VAULT =
      "{\"time\":\"2024-05-01T10:00:00.000Z\",\"type\":\"response\",\"auth\":{\"client_token\":"
          + "\"hmac-sha256:aa\",\"accessor\":\"hmac-sha256:bb\",\"display_name\":\"approle\","
          + "\"policies\":[\"default\"],\"token_policies\":[\"default\"],\"entity_id\":\"e-1\","
          + "\"token_type\":\"service\"},\"request\":{\"id\":\"11111111-2222-3333-4444-555555555555\","
          + "\"operation\":\"read\",\"path\":\"secret/data/app\",\"remote_address\":\"10.0.0.1\","
          + "\"namespace\":{\"id\":\"root\"},\"mount_type\":\"kv\"},\"response\":{\"data\":{}}}";

  static final String CLOUDTRAIL =
      "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AID1\","
          + "\"arn\":\"arn:aws:iam::123456789012:user/alice\",\"accountId\":\"123456789012\","
          + "\"userName\":\"alice\"},\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":"
          + "\"secretsmanager.amazonaws.com\",\"eventName\":\"GetSecretValue\",\"awsRegion\":"
          + "\"us-east-1\",\"sourceIPAddress\":\"10.0.0.2\",\"userAgent\":\"aws-cli\","
          + "\"requestParameters\":{\"secretId\":\"prod/db\"},\"responseElements\":null,"
          + "\"eventID\":\"e0f1\",\"eventType\":\"AwsApiCall\",\"recipientAccountId\":"
          + "\"123456789012\"}";

  private final CollectingOutput out = new CollectingOutput();

  private SourceHints.HintedNormalizer normalizer() {
    Map<String, Optional<Source>> topics = new LinkedHashMap<>();
    topics.put("audit.raw.vault", Optional.of(Source.VAULT));
    topics.put("audit.raw.mixed", Optional.empty());
    return SourceHints.of(topics).normalizer(NormalizerSettings.none());
  }

  @Test
  void aRecordOnItsSourcesTopicIsParsedAsThatSource() {
    normalizer().normalize(RawRecord.of(VAULT, "kafka:audit.raw.vault/0@1"), out);
    assertThat(out.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getSource()).isEqualTo(Source.VAULT);
              assertThat(e.getOrigin()).isEqualTo("kafka:audit.raw.vault/0@1");
            });
  }

  @Test
  void aRecordOnTheWrongTopicIsDeadLetteredWithTheTopicsSourceAsGuess() {
    normalizer().normalize(RawRecord.of(CLOUDTRAIL, "kafka:audit.raw.vault/0@2"), out);
    assertThat(out.events()).isEmpty();
    assertThat(out.deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getSourceGuess()).isEqualTo(Source.VAULT);
              assertThat(d.getReason()).isNotEqualTo(DeadLetterReason.INTERNAL_ERROR);
              assertThat(d.getOrigin()).isEqualTo("kafka:audit.raw.vault/0@2");
            });
  }

  @Test
  void autoTopicsFilesAndPatternTopicsAreDetectedPerRecord() {
    SourceHints.HintedNormalizer normalizer = normalizer();
    normalizer.normalize(RawRecord.of(CLOUDTRAIL, "kafka:audit.raw.mixed/0@1"), out);
    normalizer.normalize(RawRecord.of(VAULT, "kafka:audit.raw.team-a/0@1"), out);
    normalizer.normalize(RawRecord.of(CLOUDTRAIL, "/data/trail.json:1"), out);
    // A topic whose name only starts like a hinted one is not hinted.
    normalizer.normalize(RawRecord.of(CLOUDTRAIL, "kafka:audit.raw.vault2/0@1"), out);
    assertThat(out.events())
        .extracting(AuditEvent::getSource)
        .containsExactly(
            Source.AWS_CLOUDTRAIL, Source.VAULT, Source.AWS_CLOUDTRAIL, Source.AWS_CLOUDTRAIL);
    assertThat(out.deadLetters()).isEmpty();
  }
}
