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
 * destination, and the open groups ({@link AlertDispatcher#checkpoint}).
 *
 * <p>Design. A checkpoint records what is still owed to the destinations instead of waiting until
 * they have taken it, so a failing webhook or PagerDuty's rate limit never holds back a checkpoint,
 * nor with it the exactly-once alerts topic. A message carries everything its destination renders
 * (the group's first alert, whose id is the dedup key, the group's counts and its latest alert's
 * summary), so after a restore it goes out as it would have, and a message delivered between the
 * checkpoint and the failure folds into the incident it already reached. The open groups ({@link
 * AlertGrouper.Saved}: each group's first alert, destinations, counts, latest alert, and the newest
 * alert time seen) let the restored pager fold the alerts replayed after the checkpoint into the
 * groups they belong to, so a storm spanning a restart stays one incident with one count instead of
 * opening a second one under a new dedup key. A group's count that grew and was not sent yet is a
 * message here, and its group is saved with that count sent, so it goes out once. The wall clock of
 * a group (when its update is due) and the replay memory (recent alert ids) are not held; see
 * {@link AlertGrouper} for why neither is needed.
 *
 * <p>The state is bounded: at most each destination's {@code queue_capacity} messages plus one in
 * flight, one update per open group whose count grew, and {@code max_open_groups} groups. It is
 * written by {@link Serializer}, versioned like the job's other state, with each alert in its JSON
 * document form (the contract of the alerts topic), so the state does not depend on how the classes
 * behind it are laid out.
 */
record PendingPages(List<Page> pages, AlertGrouper.Saved grouping) {

  /** One message owed to one destination. */
  record Page(String destination, Notification message) {}

  PendingPages {
    pages = List.copyOf(pages);
  }

  static PendingPages of(Map<String, List<Notification>> undelivered, AlertGrouper.Saved grouping) {
    List<Page> pages = new ArrayList<>();
    undelivered.forEach(
        (destination, messages) -> messages.forEach(m -> pages.add(new Page(destination, m))));
    return new PendingPages(pages, grouping);
  }

  /** No message owed and no alert seen: nothing worth a state. */
  boolean isEmpty() {
    return pages.isEmpty() && grouping.isEmpty();
  }

  /**
   * Version 2: the pages as in version 1, then the newest alert time seen (epoch seconds and nanos)
   * and the open group count, then per group, oldest first: its first alert's JSON document, its
   * destination count and names, alert count, event count, last alert time, the latest alert's
   * summary and the count sent.
   *
   * <p>Version 1 (the releases before the open groups were saved): the page count, then per page
   * its destination, kind, alert count, event count, last alert time (epoch seconds and nanos), the
   * alert's JSON document and the latest alert's summary. It is still read, with no open group: the
   * pager resumes as those releases did, and a storm under way at that checkpoint may page again.
   */
  static final class Serializer implements SimpleVersionedSerializer<PendingPages> {

    static final int VERSION = 2;

    /** The only format before {@link #VERSION}, still read. */
    static final int PAGES_ONLY = 1;

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
          writeInstant(out, message.lastTime());
          writeAlert(out, message.alert());
          writeText(out, message.lastSummary());
        }
        AlertGrouper.Saved grouping = state.grouping();
        writeInstant(out, grouping.newest());
        out.writeInt(grouping.groups().size());
        for (AlertGrouper.SavedGroup group : grouping.groups()) {
          writeAlert(out, group.first());
          out.writeInt(group.destinations().size());
          for (String destination : group.destinations()) {
            out.writeUTF(destination);
          }
          out.writeInt(group.alertCount());
          out.writeLong(group.eventCount());
          writeInstant(out, group.lastTime());
          writeText(out, group.lastSummary());
          out.writeInt(group.sentCount());
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public PendingPages deserialize(int version, byte[] serialized) throws IOException {
      if (version != VERSION && version != PAGES_ONLY) {
        throw new IOException(
            "the pager's checkpointed pages are in format version "
                + version
                + ", which this Vigil does not read (it reads "
                + PAGES_ONLY
                + " and "
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
          Instant lastTime = readInstant(in);
          Alert alert = readAlert(in);
          String lastSummary = readText(in);
          pages.add(
              new Page(
                  destination,
                  new Notification(kind, alert, alertCount, eventCount, lastTime, lastSummary)));
        }
        if (version == PAGES_ONLY) {
          return new PendingPages(pages, AlertGrouper.Saved.NONE);
        }
        Instant newest = readInstant(in);
        int groupCount = in.readInt();
        List<AlertGrouper.SavedGroup> groups = new ArrayList<>(groupCount);
        for (int i = 0; i < groupCount; i++) {
          Alert first = readAlert(in);
          int destinationCount = in.readInt();
          List<String> destinations = new ArrayList<>(destinationCount);
          for (int d = 0; d < destinationCount; d++) {
            destinations.add(in.readUTF());
          }
          int alertCount = in.readInt();
          long eventCount = in.readLong();
          Instant lastTime = readInstant(in);
          String lastSummary = readText(in);
          int sentCount = in.readInt();
          groups.add(
              new AlertGrouper.SavedGroup(
                  first, destinations, alertCount, eventCount, lastTime, lastSummary, sentCount));
        }
        return new PendingPages(pages, new AlertGrouper.Saved(newest, groups));
      }
    }

    private static void writeInstant(DataOutputStream out, Instant time) throws IOException {
      out.writeLong(time.getEpochSecond());
      out.writeInt(time.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
      return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void writeAlert(DataOutputStream out, Alert alert) throws IOException {
      // Not writeUTF: an alert with many long event ids may pass its 64 KiB limit.
      writeText(out, AlertJson.toJson(alert));
    }

    private static Alert readAlert(DataInputStream in) throws IOException {
      return AlertJson.read(readText(in));
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
