package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingPagesTest {

  private final PendingPages.Serializer serializer = new PendingPages.Serializer();

  @Test
  void pagesSurviveTheCheckpointFieldByField() throws IOException {
    Notification trigger = Notification.trigger(Alerts.spike(Alerts.id(1), "alice", 0));
    Notification update =
        new Notification(
            Notification.Kind.GROUP_UPDATE,
            Alerts.spike(Alerts.id(2), "bob", 0),
            7,
            84,
            Alerts.T0.plusSeconds(200).plusNanos(123_456_789),
            "Denied access spike: the latest act");
    PendingPages pages =
        new PendingPages(
            List.of(
                new PendingPages.Page("oncall", trigger),
                new PendingPages.Page("siem", trigger),
                new PendingPages.Page("siem", update)));

    PendingPages restored =
        serializer.deserialize(serializer.getVersion(), serializer.serialize(pages));

    assertThat(restored).isEqualTo(pages);
  }

  @Test
  void noPagesIsASmallState() throws IOException {
    assertThat(serializer.serialize(new PendingPages(List.of()))).hasSize(4);
  }

  @Test
  void aFormatVersionItDoesNotKnowIsAnErrorNotGarbage() {
    assertThatThrownBy(() -> serializer.deserialize(3, new byte[4]))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format version 3");
  }
}
