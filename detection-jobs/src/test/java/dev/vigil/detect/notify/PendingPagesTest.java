package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingPagesTest {

  private final PendingPages.Serializer serializer = new PendingPages.Serializer();

  private static final Notification TRIGGER =
      Notification.trigger(Alerts.spike(Alerts.id(1), "alice", 0));
  private static final Notification UPDATE =
      new Notification(
          Notification.Kind.GROUP_UPDATE,
          Alerts.spike(Alerts.id(2), "bob", 0),
          7,
          84,
          Alerts.T0.plusSeconds(200).plusNanos(123_456_789),
          "Denied access spike: the latest act");

  @Test
  void pagesAndOpenGroupsSurviveTheCheckpointFieldByField() throws IOException {
    AlertGrouper.Saved grouping =
        new AlertGrouper.Saved(
            Alerts.T0.plusSeconds(200).plusNanos(123_456_789),
            List.of(
                new AlertGrouper.SavedGroup(
                    Alerts.spike(Alerts.id(2), "bob", 0),
                    List.of("oncall", "siem"),
                    7,
                    84,
                    Alerts.T0.plusSeconds(200).plusNanos(123_456_789),
                    "Denied access spike: the latest act",
                    7),
                new AlertGrouper.SavedGroup(
                    Alerts.rootUse(Alerts.id(3), "hmac-sha256:7b1d0c", "VAULT", "update", 30),
                    List.of(),
                    1,
                    1,
                    Alerts.T0.plusSeconds(30),
                    "Root credential used: update",
                    1)));
    PendingPages state =
        new PendingPages(
            List.of(
                new PendingPages.Page("oncall", TRIGGER),
                new PendingPages.Page("siem", TRIGGER),
                new PendingPages.Page("siem", UPDATE)),
            grouping);

    PendingPages restored =
        serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

    assertThat(serializer.getVersion()).isEqualTo(2);
    assertThat(restored).isEqualTo(state);
  }

  @Test
  void beforeTheFirstAlertTheStateIsSmallAndEmpty() throws IOException {
    PendingPages none = new PendingPages(List.of(), AlertGrouper.Saved.NONE);
    assertThat(none.isEmpty()).isTrue();
    // No page, the newest alert time (Instant.MIN), no group.
    byte[] bytes = serializer.serialize(none);
    assertThat(bytes).hasSize(4 + 12 + 4);
    assertThat(serializer.deserialize(serializer.getVersion(), bytes)).isEqualTo(none);
  }

  /**
   * A savepoint of the release before the open groups were saved still restores: its pages, and no
   * group. The bytes were written by that release's serializer from {@link #TRIGGER} for {@code
   * oncall} and {@link #UPDATE} for {@code siem}.
   */
  @Test
  void aVersion1StateStillRestoresItsPages() throws IOException {
    byte[] version1;
    try (InputStream in = getClass().getResourceAsStream("pending-pages-v1.b64")) {
      version1 =
          Base64.getMimeDecoder()
              .decode(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
    }

    PendingPages restored = serializer.deserialize(1, version1);

    assertThat(restored)
        .isEqualTo(
            new PendingPages(
                List.of(
                    new PendingPages.Page("oncall", TRIGGER),
                    new PendingPages.Page("siem", UPDATE)),
                AlertGrouper.Saved.NONE));
    assertThat(restored.grouping().newest()).isEqualTo(Instant.MIN);
  }

  @Test
  void aFormatVersionItDoesNotKnowIsAnErrorNotGarbage() {
    assertThatThrownBy(() -> serializer.deserialize(3, new byte[4]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format version 3");
  }
}
