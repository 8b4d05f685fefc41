package dev.vigil.detect.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  /**
   * A checkpoint taken before updates carried their latest summary (version 1) still restores: its
   * pages show the first alert's summary, as they would have then.
   */
  @Test
  void aVersionOneCheckpointRestoresWithTheFirstSummary() throws IOException {
    Alert first = Alerts.spike(Alerts.id(2), "bob", 0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1);
      out.writeUTF("oncall");
      out.writeUTF("GROUP_UPDATE");
      out.writeInt(7);
      out.writeLong(84);
      out.writeLong(Alerts.T0.plusSeconds(200).getEpochSecond());
      out.writeInt(0);
      byte[] alert = AlertJson.toJson(first).getBytes(StandardCharsets.UTF_8);
      out.writeInt(alert.length);
      out.write(alert);
    }

    PendingPages restored = serializer.deserialize(1, bytes.toByteArray());

    assertThat(restored.pages())
        .containsExactly(
            new PendingPages.Page(
                "oncall",
                new Notification(
                    Notification.Kind.GROUP_UPDATE,
                    first,
                    7,
                    84,
                    Alerts.T0.plusSeconds(200),
                    first.summary())));
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
