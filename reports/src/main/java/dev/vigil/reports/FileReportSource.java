package dev.vigil.reports;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vigil.ingest.spi.EventIds;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads a report's input from the files of a run in one directory: {@code alerts.jsonl}, {@code
 * events.jsonl} and {@code deadletters.jsonl} as {@code vigil demo} writes them ({@code vigil
 * detect} with {@code --out}, {@code --events-out} and {@code --dead-letter}), or the part-file
 * directories {@code alerts/}, {@code events/} and {@code dead-letters/} of a job on a cluster.
 *
 * <p>All three are required: a report that counted no events because the events file was not there
 * would tell an auditor that nothing was logged. Events are read field by field without keeping
 * {@code raw}. A line that is not a document of its kind fails the report, naming the file and line
 * (never its content).
 *
 * <p>A record delivered twice (two audit devices, a retried shipment, a file read twice) is one
 * event, as in the events index, which holds one document per {@code event_id}: an event of the
 * period counts once per id, time, source, category and {@code denied} ({@link EventsSeen}, 32 to
 * 64 bytes an event while the events are read). Records that only share an id (a sanitized sample's
 * {@code 1}) differ in those fields and still count apart. An alert id read twice is one alert, the
 * last read, as the index keeps the later write. So is a dead letter read twice with the same
 * reason, origin and raw bytes (the dead-letter index's document id): a replay, or a restarted job
 * re-reading an offset, delivers the same record from the same place. The same bytes from two
 * origins (two audit devices) are two records that could not be read, and count as two.
 *
 * <p>A Vault request counts once among the privileged events, by its response entry; its request
 * entry counts instead only when no response entry with its id is in the input, of whatever period
 * ({@link PrivilegedActorCount#isVaultRequestEntry}). The period's privileged request entries are
 * kept by their response's id until it is read; when some are left after the events are read, the
 * events are read a second time for responses that came before their request.
 */
public final class FileReportSource implements ReportSource {

  /** The names of the three inputs, as single files and as part-file directories. */
  public static final String ALERTS_FILE = "alerts.jsonl";

  public static final String EVENTS_FILE = "events.jsonl";
  public static final String DEAD_LETTERS_FILE = "deadletters.jsonl";
  private static final Map<String, String> PART_DIRECTORIES =
      Map.of(ALERTS_FILE, "alerts", EVENTS_FILE, "events", DEAD_LETTERS_FILE, "dead-letters");

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectReader EVENT = JSON.readerFor(EventFields.class);
  private static final ObjectReader DEAD_LETTER = JSON.readerFor(DeadLetterFields.class);

  /** The fields of an event a report counts by; the rest, {@code raw} included, is skipped. */
  record EventFields(
      @JsonProperty("event_id") String eventId,
      String time,
      String source,
      String category,
      Boolean denied,
      String outcome,
      String operation,
      String action,
      ActorFields actor,
      TargetFields target) {}

  record ActorFields(String id, String name, String type, Boolean root) {}

  private static final ActorFields NO_ACTOR = new ActorFields(null, null, null, null);

  record TargetFields(String account, String resource) {}

  record DeadLetterFields(
      String reason,
      String origin,
      String raw,
      @JsonProperty("raw_base64") String rawBase64,
      @JsonProperty("source_guess") String sourceGuess,
      @JsonProperty("received_at") String receivedAt) {

    /**
     * What makes two dead letters one: the reason, the origin and the raw bytes, digested as the
     * dead-letter index's document id is ({@code detection-jobs}' {@code Documents.deadLetterId}),
     * so a record read twice from the same place (a replay, a restarted job re-reading an offset, a
     * file read twice) is one dead letter here as there.
     */
    String identity() {
      if (raw == null && rawBase64 == null) {
        throw new IllegalArgumentException("dead letter has no 'raw' nor 'raw_base64'");
      }
      byte[] bytes;
      try {
        bytes =
            raw != null
                ? raw.getBytes(StandardCharsets.UTF_8)
                : Base64.getDecoder().decode(rawBase64);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'raw_base64' is not base64");
      }
      MessageDigest sha;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
      sha.update(reason.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update((origin == null ? "" : origin).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(bytes);
      return HexFormat.of().formatHex(sha.digest());
    }
  }

  /** A dead letter as last read: the later write is the one the index keeps. */
  private record DeadLetterRead(String reason, String sourceGuess, Instant receivedAt) {}

  private final Path directory;
  private final List<Path> alerts;
  private final List<Path> events;
  private final List<Path> deadLetters;
  private final InputDescription description;

  /**
   * Finds the three inputs and digests them, so the manifest names the bytes the report is made of.
   *
   * @throws IllegalArgumentException when the directory or one of its three inputs is missing
   */
  public FileReportSource(Path directory) throws IOException {
    this.directory = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(this.directory)) {
      throw new IllegalArgumentException("input directory " + directory + " does not exist");
    }
    this.alerts = files(ALERTS_FILE);
    this.events = files(EVENTS_FILE);
    this.deadLetters = files(DEAD_LETTERS_FILE);
    List<FileDigest> digests = new ArrayList<>();
    for (List<Path> files : List.of(alerts, events, deadLetters)) {
      for (Path file : files) {
        digests.add(FileDigest.of(file, relativeName(file)));
      }
    }
    this.description = InputDescription.files(digests);
  }

  /**
   * The file's path below the input directory with {@code /} as separator on every platform: what
   * identifies it in an archived copy of the input, wherever that copy sits.
   */
  private String relativeName(Path file) {
    Path relative = directory.relativize(file);
    List<String> parts = new ArrayList<>();
    relative.forEach(part -> parts.add(part.toString()));
    return String.join("/", parts);
  }

  @Override
  public ReportInput read(ReportPeriod period) throws IOException {
    Map<String, AlertEntry> alertsById = new LinkedHashMap<>();
    forEachLine(
        alerts,
        "an alert",
        line -> {
          AlertEntry alert = AlertEntry.fromJson(JSON.readTree(line));
          alertsById.remove(alert.alertId());
          if (period.contains(alert.time())) {
            alertsById.put(alert.alertId(), alert);
          }
        });

    Map<EventKey, Long> eventCounts = new HashMap<>();
    Map<PrivilegedActorCount.Key, PrivilegedActorCount> privileged = new HashMap<>();
    // The events privileged-events.csv may list, never more than it lists: the last in selection
    // order goes when one more comes, so a month of millions of events needs no more memory.
    TreeSet<PrivilegedEvent> privilegedEvents = new TreeSet<>(PrivilegedEvent.SELECTION);
    EventsSeen seen = new EventsSeen();
    // The privileged Vault request entries of the period whose response entry has not been read
    // yet, by the response's event id: one goes when its response comes, of whatever period (a
    // request at the period's end whose response falls after it counts next period, by its
    // response, never here as well), and those left at the end count by their request entry.
    Map<String, List<TimedEvent>> unanswered = new HashMap<>();
    forEachLine(
        events,
        "an event",
        line -> {
          EventFields event = EVENT.readValue(line);
          Instant time = instant(event.time(), "time");
          if (event.eventId() == null || event.source() == null || event.category() == null) {
            throw new IllegalArgumentException("event has no 'event_id', 'source' or 'category'");
          }
          if (PrivilegedActorCount.VAULT.equals(event.source())) {
            unanswered.remove(event.eventId());
          }
          boolean denied = Boolean.TRUE.equals(event.denied());
          if (period.contains(time)
              && seen.add(
                  event.eventId(), time.toEpochMilli(), event.source(), event.category(), denied)) {
            eventCounts.merge(
                new EventKey(
                    event.source(),
                    event.category(),
                    denied,
                    LocalDate.ofInstant(time, ZoneOffset.UTC)),
                1L,
                Long::sum);
            if (!PrivilegedActorCount.isVaultRequestEntry(event.source(), event.eventId())) {
              countPrivileged(event, time, false, privileged, privilegedEvents);
            } else if (isPrivileged(event)) {
              unanswered
                  .computeIfAbsent(
                      EventIds.vaultResponseId(event.eventId()), id -> new ArrayList<>(1))
                  .add(new TimedEvent(event, time));
            }
          }
        });
    if (!unanswered.isEmpty()) {
      // A response read before its request (part files of parallel writers, a shuffled file) was
      // not remembered, which would cost memory for every response: look for the few left.
      forEachLine(
          events,
          "an event",
          line -> {
            if (!unanswered.isEmpty() && line.contains("response")) {
              EventFields event = EVENT.readValue(line);
              if (PrivilegedActorCount.VAULT.equals(event.source())) {
                unanswered.remove(event.eventId());
              }
            }
          });
    }
    for (List<TimedEvent> requests : unanswered.values()) {
      for (TimedEvent request : requests) {
        countPrivileged(request.event(), request.time(), true, privileged, privilegedEvents);
      }
    }

    // Keyed by identity, the last read kept: a record delivered twice from one origin is one
    // dead letter, counted by its later receipt, as the index keeps the later write.
    Map<String, DeadLetterRead> deadLettersRead = new HashMap<>();
    forEachLine(
        deadLetters,
        "a dead letter",
        line -> {
          DeadLetterFields dead = DEAD_LETTER.readValue(line);
          if (dead.reason() == null) {
            throw new IllegalArgumentException("dead letter has no 'reason'");
          }
          Instant received = instant(dead.receivedAt(), "received_at");
          deadLettersRead.put(
              dead.identity(), new DeadLetterRead(dead.reason(), dead.sourceGuess(), received));
        });
    Map<DeadLetterKey, Long> deadLetterCounts = new HashMap<>();
    long[] outsidePeriod = {0};
    Instant[] firstReceived = {null};
    for (DeadLetterRead dead : deadLettersRead.values()) {
      Instant received = dead.receivedAt();
      if (firstReceived[0] == null || received.isBefore(firstReceived[0])) {
        firstReceived[0] = received;
      }
      if (period.contains(received)) {
        deadLetterCounts.merge(new DeadLetterKey(dead.reason(), dead.sourceGuess()), 1L, Long::sum);
      } else {
        outsidePeriod[0]++;
      }
    }

    return new ReportInput(
        List.copyOf(alertsById.values()),
        eventCounts.entrySet().stream()
            .map(
                e ->
                    new EventCount(
                        e.getKey().source(),
                        e.getKey().category(),
                        e.getKey().denied(),
                        e.getKey().day(),
                        e.getValue()))
            .toList(),
        deadLetterCounts.entrySet().stream()
            .map(
                e ->
                    new DeadLetterCount(
                        e.getKey().reason(), e.getKey().sourceGuess(), e.getValue()))
            .toList(),
        outsidePeriod[0],
        firstReceived[0],
        List.copyOf(privileged.values()),
        List.copyOf(privilegedEvents));
  }

  private record TimedEvent(EventFields event, Instant time) {}

  private static boolean isPrivileged(EventFields event) {
    return PrivilegedActorCount.isRootUse(event.actor() == null ? null : event.actor().root())
        || PrivilegedActorCount.isPolicyChange(event.category(), event.outcome())
        || PrivilegedActorCount.isAuditConfigChange(event.category(), event.outcome());
  }

  /**
   * Adds the event to its actor's row when it is privileged ({@link PrivilegedActorCount}), and to
   * the events that may be listed.
   *
   * @param responseNotSeen the event is a Vault request entry whose response is not in the input
   */
  private static void countPrivileged(
      EventFields event,
      Instant time,
      boolean responseNotSeen,
      Map<PrivilegedActorCount.Key, PrivilegedActorCount> privileged,
      TreeSet<PrivilegedEvent> listed) {
    ActorFields actor = event.actor() == null ? NO_ACTOR : event.actor();
    boolean root = PrivilegedActorCount.isRootUse(actor.root());
    boolean policy = PrivilegedActorCount.isPolicyChange(event.category(), event.outcome());
    boolean audit = PrivilegedActorCount.isAuditConfigChange(event.category(), event.outcome());
    if (!root && !policy && !audit) {
      return;
    }
    String account = event.target() == null ? null : event.target().account();
    PrivilegedActorCount count =
        new PrivilegedActorCount(
            event.source(),
            account,
            actor.id(),
            PrivilegedActorCount.names(actor.name()),
            actor.type(),
            1,
            root ? 1 : 0,
            policy ? 1 : 0,
            audit ? 1 : 0,
            time,
            time);
    privileged.merge(count.key(), count, PrivilegedActorCount::plus);
    listed.add(
        new PrivilegedEvent(
            event.eventId(),
            time,
            event.source(),
            event.category(),
            account,
            actor.id(),
            actor.name(),
            actor.type(),
            event.operation(),
            event.action(),
            event.target() == null ? null : event.target().resource(),
            event.outcome(),
            root,
            policy,
            audit,
            responseNotSeen));
    if (listed.size() > PrivilegedEvent.AT_MOST) {
      listed.pollLast();
    }
  }

  @Override
  public InputDescription description() {
    return description;
  }

  private record EventKey(String source, String category, boolean denied, LocalDate day) {}

  private record DeadLetterKey(String reason, String sourceGuess) {}

  private interface LineHandler {
    void accept(String line) throws IOException;
  }

  /** The file {@code name}, or the visible files below its part-file directory, sorted. */
  private List<Path> files(String name) throws IOException {
    Path single = directory.resolve(name);
    if (Files.isRegularFile(single)) {
      return List.of(single);
    }
    Path parts = directory.resolve(PART_DIRECTORIES.get(name));
    if (Files.isDirectory(parts)) {
      try (Stream<Path> walk = Files.walk(parts)) {
        // In-progress part files are hidden (".part-…inprogress…"): not yet committed output.
        return walk.filter(Files::isRegularFile)
            .filter(part -> !part.getFileName().toString().startsWith("."))
            .sorted()
            .toList();
      }
    }
    throw new IllegalArgumentException(
        "input directory "
            + directory
            + " has no "
            + name
            + " (nor "
            + PART_DIRECTORIES.get(name)
            + "/); a report needs the alerts, events and dead letters of a run, as 'vigil demo"
            + " --out-dir DIR' writes them");
  }

  private void forEachLine(List<Path> files, String kind, LineHandler handler) throws IOException {
    for (Path file : files) {
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        int number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          number++;
          if (line.isBlank()) {
            continue;
          }
          try {
            handler.accept(line);
          } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                file
                    + ":"
                    + number
                    + " is not "
                    + kind
                    + " (malformed JSON, or a field of the wrong type)");
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                file + ":" + number + " is not " + kind + ": " + e.getMessage());
          }
        }
      }
    }
  }

  private static Instant instant(String text, String field) {
    if (text == null) {
      throw new IllegalArgumentException("no '" + field + "'");
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + field + "' is not an ISO-8601 instant");
    }
  }
}
