package dev.vigil.detect.notify;

import dev.vigil.rules.Alert;
import dev.vigil.rules.AlertJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The pager's part of a checkpoint: the messages not delivered yet when it was taken, each with its
 * destination ({@link AlertDispatcher#undelivered}).
 *
 * <p>Design. A checkpoint records what is still owed to the destinations instead of waiting until
 * they have taken it, so a failing webhook or PagerDuty's rate limit never holds back a checkpoint,
 * nor with it the exactly-once alerts topic. A message carries everything its destination renders
 * (the group's first alert, whose id is the dedup key, the group's counts and its latest alert's
 * summary), so after a restore it goes out as it would have, and a message delivered between the
 * checkpoint and the failure folds into the incident it already reached. The state is only what is
 * owed: usually nothing, at most each destination's {@code queue_capacity} messages plus one in
 * flight, and one update per open group whose count grew. It is written by {@link Serializer},
 * versioned like the job's other state, with each alert in its JSON document form (the contract of
 * the alerts topic), so the state does not depend on how the classes behind it are laid out.
 */
record PendingPages(List<Page> pages) {

  /** One message owed to one destination. */
  record Page(String destination, Notification message) {}

  PendingPages {
    pages = List.copyOf(pages);
  }

  static PendingPages of(Map<String, List<Notification>> undelivered) {
    List<Page> pages = new ArrayList<>();
    undelivered.forEach(
        (destination, messages) -> messages.forEach(m -> pages.add(new Page(destination, m))));
    return new PendingPages(pages);
  }

  /**
   * Version 1: the page count, then per page its destination, kind, alert count, event count, last
   * alert time (epoch seconds and nanos), the alert's JSON document and the latest alert's summary.
   */
  static final class Serializer implements SimpleVersionedSerializer<PendingPages> {

    static final int VERSION = 1;

    @Override
    public int getVersion() {
      return VERSION;
    }

    @Override
    public byte[] serialize(PendingPages state) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(state.pages().size());
        for (Page page : state.pages()) {
          Notification message = page.message();
          out.writeUTF(page.destination());
          out.writeUTF(message.kind().name());
          out.writeInt(message.alertCount());
          out.writeLong(message.eventCount());
          out.writeLong(message.lastTime().getEpochSecond());
          out.writeInt(message.lastTime().getNano());
          // Not writeUTF: an alert with many long event ids may pass its 64 KiB limit.
          writeText(out, AlertJson.toJson(message.alert()));
          writeText(out, message.lastSummary());
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public PendingPages deserialize(int version, byte[] serialized) throws IOException {
      if (version != VERSION) {
        throw new IOException(
            "the pager's checkpointed pages are in format version "
                + version
                + ", which this Vigil does not read (it reads "
                + VERSION
                + ")");
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        int count = in.readInt();
        List<Page> pages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          String destination = in.readUTF();
          Notification.Kind kind = Notification.Kind.valueOf(in.readUTF());
          int alertCount = in.readInt();
          long eventCount = in.readLong();
          Instant lastTime = Instant.ofEpochSecond(in.readLong(), in.readInt());
          Alert alert = AlertJson.read(readText(in));
          String lastSummary = readText(in);
          pages.add(
              new Page(
                  destination,
                  new Notification(kind, alert, alertCount, eventCount, lastTime, lastSummary)));
        }
        return new PendingPages(pages);
      }
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    private static String readText(DataInputStream in) throws IOException {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
