package dev.vigil.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.DeadLetterReason;
import dev.vigil.event.Source;
import dev.vigil.ingest.io.IoProblems;
import dev.vigil.ingest.io.RecordSplitter;
import dev.vigil.ingest.spi.SourceParser;
import dev.vigil.ingest.spi.SourceRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw records into canonical events, or dead letters with a reason: never a crash, never a
 * silent drop.
 *
 * <p>Design: each raw record goes through the same gates in order: size, UTF-8, JSON (with depth
 * and length limits enforced by the parser itself, so a hostile record costs bounded work), then
 * envelope unwrapping ({@code [...]}, {@code {"Records":[...]}}, {@code {"records":[...]}}, {@code
 * {"value":[...]}}), then format detection per record (a file may mix shapes: every parser scores
 * the record's shape and the highest wins, unless a source is forced), then the source's parser. An
 * envelope's members keep their exact text as {@code raw}, cut from the envelope by the JSON
 * parser's own offsets. The first gate that fails names the dead letter's reason. Thread-safe.
 */
public final class Normalizer {

  private static final Logger LOG = LoggerFactory.getLogger(Normalizer.class);
  private static final List<String> ENVELOPE_KEYS = List.of("Records", "records", "value");

  /** A cap on cached key spellings, so that records with invented keys cannot grow memory. */
  private static final int CLAIMS_LIMIT = 4_096;

  private final Map<Source, SourceParser> parsers;

  /** The parsers in detection order; bit {@code i} of a claim mask stands for parser {@code i}. */
  private final SourceParser[] detectionOrder;

  private final int allParsers;

  /** Which parsers claim each top-level key spelling seen so far ({@link #claims}). */
  private final Map<String, Integer> claimsByKey = new ConcurrentHashMap<>();

  private final Source forcedSource;
  private final NormalizerLimits limits;
  private final ObjectMapper mapper;
  private final Clock clock;

  private Normalizer(
      Map<Source, SourceParser> parsers,
      Source forcedSource,
      NormalizerLimits limits,
      Clock clock) {
    this.parsers = parsers;
    this.detectionOrder = parsers.values().toArray(SourceParser[]::new);
    this.allParsers = (1 << detectionOrder.length) - 1;
    this.forcedSource = forcedSource;
    this.limits = limits;
    this.clock = clock;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxDepth())
                    .maxStringLength(limits.maxRecordBytes())
                    .maxDocumentLength(limits.maxRecordBytes())
                    .build())
            .build();
    this.mapper = new ObjectMapper(factory);
  }

  /**
   * A normalizer with every source's parser over the built-in tables, no GCP super-admins,
   * auto-detecting the source per record.
   */
  public static Normalizer create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Normalizes one raw record (which may be an envelope of many) into {@code out}. A UTF-8 byte
   * order mark at its start is not part of it: the file reader drops one at a file's start, and a
   * Kafka record (or a later record of a file) that starts with one is read the same way, so the
   * record has the same {@code raw} and {@code event_id} whatever brought it. A record with no JSON
   * value at all (empty, as a Kafka tombstone reads, or only whitespace) is an {@code EMPTY} dead
   * letter.
   */
  public void normalize(RawRecord record, NormalizeOutput out) {
    byte[] bytes = record.bytes();
    if (record.readFailure() != null) {
      // Incomplete by definition: the file could not be read to the record's end.
      out.deadLetter(
          deadLetter(
              bytes, record.origin(), DeadLetterReason.MALFORMED_JSON, record.readFailure(), null));
      return;
    }
    if (RecordSplitter.startsWithUtf8Bom(bytes, bytes.length)) {
      bytes = Arrays.copyOfRange(bytes, RecordSplitter.UTF8_BOM_LENGTH, bytes.length);
    }
    if (isBlank(bytes)) {
      out.deadLetter(
          deadLetter(
              bytes,
              record.origin(),
              DeadLetterReason.EMPTY,
              bytes.length == 0
                  ? "the record is empty (a Kafka record without a value, a tombstone, reads as"
                      + " empty)"
                  : "the record holds only whitespace",
              null));
      return;
    }
    if (bytes.length > limits.maxRecordBytes()) {
      out.deadLetter(
          deadLetter(
              bytes,
              record.origin(),
              DeadLetterReason.TOO_LARGE,
              "record is " + bytes.length + " bytes, over the limit of " + limits.maxRecordBytes(),
              null));
      return;
    }
    String text;
    try {
      text = IoProblems.utf8(bytes);
    } catch (IoProblems.NotUtf8Text notUtf8) {
      out.deadLetter(
          deadLetter(
              bytes,
              record.origin(),
              DeadLetterReason.INVALID_UTF8,
              "record is not UTF-8 text",
              null));
      return;
    }
    JsonInput input = JsonInput.of(bytes, text);
    ParsedRecord parsed;
    try {
      parsed = readSingleValue(input);
    } catch (StreamConstraintsException e) {
      boolean depth = e.getMessage() != null && e.getMessage().contains("depth");
      out.deadLetter(
          deadLetter(
              bytes,
              record.origin(),
              depth ? DeadLetterReason.TOO_DEEP : DeadLetterReason.TOO_LARGE,
              depth
                  ? "record nests deeper than " + limits.maxDepth() + " levels"
                  : "a value in the record is over a parser limit (" + limitExceeded(e) + ")",
              null));
      return;
    } catch (IOException e) {
      out.deadLetter(
          deadLetter(bytes, record.origin(), DeadLetterReason.MALFORMED_JSON, describe(e), null));
      return;
    }
    JsonNode root = parsed.root();
    String envelopeKey = root.isObject() ? envelopeKey(root) : null;
    if (root.isObject() && envelopeKey == null) {
      normalizeOne(
          SourceRecord.of((ObjectNode) root, text, record.origin(), bytes, 0, bytes.length), out);
      return;
    }
    unwrap(parsed, envelopeKey, input, record.origin(), out);
  }

  /**
   * A record's tree and, when it was read member by member, where each member of its root array
   * ({@code arrayBounds}) or of an envelope key's array ({@code envelopeBounds}, the last
   * occurrence of a key, as in the tree) starts and ends; see {@link #memberBounds}.
   */
  private record ParsedRecord(JsonNode root, int[] arrayBounds, Map<String, int[]> envelopeBounds) {

    /** The bounds of the envelope's members (null key: the root array), or null if not read. */
    int[] boundsOf(String envelopeKey) {
      return envelopeKey == null ? arrayBounds : envelopeBounds.get(envelopeKey);
    }
  }

  /**
   * The record's JSON, read from its bytes or its text. Both give the same tree; the bytes are
   * nearly twice as fast to parse (Jackson's UTF-8 parser, the one the bare-parse benchmark uses,
   * against a char parser over a copy of the text). Jackson guesses the encoding of bytes from
   * their start, though: a NUL in the first two bytes makes it read UTF-16 or UTF-32 (a UTF-8 BOM
   * is gone by now, see {@link #normalize}). Such records (rare, and valid UTF-8 all the same) are
   * parsed from the text, as are malformed ones, so that every dead letter says what it said
   * before. Offsets are bytes or chars to match.
   */
  private record JsonInput(byte[] bytes, String text, boolean fromBytes) {

    static JsonInput of(byte[] bytes, String text) {
      boolean plainStart = bytes.length >= 2 && bytes[0] > 0 && bytes[1] != 0;
      return new JsonInput(bytes, text, plainStart);
    }

    JsonInput asText() {
      return new JsonInput(bytes, text, false);
    }

    JsonParser open(ObjectMapper mapper) throws IOException {
      return fromBytes ? mapper.createParser(bytes) : mapper.createParser(text);
    }

    int offset(JsonLocation location) {
      return (int) (fromBytes ? location.getByteOffset() : location.getCharOffset());
    }

    String cut(int start, int end) {
      return fromBytes
          ? new String(bytes, start, end - start, StandardCharsets.UTF_8)
          : text.substring(start, end);
    }

    /** A member cut by {@link #cut}, with its bytes when the offsets are bytes. */
    SourceRecord member(ObjectNode json, int start, int end, String origin) {
      String memberText = cut(start, end);
      return fromBytes
          ? SourceRecord.of(json, memberText, origin, bytes, start, end - start)
          : SourceRecord.of(json, memberText, origin);
    }
  }

  private ParsedRecord readSingleValue(JsonInput input) throws IOException {
    if (input.fromBytes()) {
      try {
        return readSingleValueOnce(input);
      } catch (IOException e) {
        // Rare: let the text parser find the fault, so the message is the one it always gave.
        return readSingleValueOnce(input.asText());
      }
    }
    return readSingleValueOnce(input);
  }

  private ParsedRecord readSingleValueOnce(JsonInput input) throws IOException {
    try (JsonParser parser = input.open(mapper)) {
      ParsedRecord parsed;
      if (startsLikeEnvelope(input.text())) {
        parsed = readEnvelope(parser, input);
      } else {
        JsonNode node = mapper.readTree(parser);
        if (node == null) {
          throw new JsonEOFException(parser, null, "no JSON value in the record");
        }
        parsed = new ParsedRecord(node, null, Map.of());
      }
      if (parser.nextToken() != null) {
        throw new MalformedRecordException(
            "unexpected content after the JSON value at line "
                + parser.currentTokenLocation().getLineNr()
                + ", column "
                + parser.currentTokenLocation().getColumnNr());
      }
      return parsed;
    }
  }

  /**
   * Whether the text opens like an envelope: a root array, or an object whose first key is an
   * envelope key holding an array (every envelope CloudTrail and Azure write). Only a hint for
   * {@link #readEnvelope}, which reads such a record in one pass: any record reads the same either
   * way, and an envelope this misses (another key first, an escaped key) is found by a second pass.
   */
  private static boolean startsLikeEnvelope(String text) {
    int i = skipWhitespace(text, 0);
    if (i < text.length() && text.charAt(i) == '[') {
      return true;
    }
    if (i == text.length() || text.charAt(i) != '{') {
      return false;
    }
    i = skipWhitespace(text, i + 1);
    for (String key : ENVELOPE_KEYS) {
      int end = i + key.length() + 2;
      if (end <= text.length()
          && text.charAt(i) == '"'
          && text.startsWith(key, i + 1)
          && text.charAt(end - 1) == '"') {
        int colon = skipWhitespace(text, end);
        if (colon < text.length() && text.charAt(colon) == ':') {
          int value = skipWhitespace(text, colon + 1);
          return value < text.length() && text.charAt(value) == '[';
        }
      }
    }
    return false;
  }

  private static int skipWhitespace(String text, int from) {
    int i = from;
    while (i < text.length()
        && (text.charAt(i) == ' '
            || text.charAt(i) == '\n'
            || text.charAt(i) == '\r'
            || text.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /**
   * Reads a root array or object, building the same tree as {@link ObjectMapper#readTree} but
   * noting the bounds of the members of the root array and of any envelope key's array as it goes,
   * so that unwrapping need not tokenize the whole envelope a second time.
   */
  private ParsedRecord readEnvelope(JsonParser parser, JsonInput input) throws IOException {
    if (parser.nextToken() == JsonToken.START_ARRAY) {
      ArrayNode array = mapper.createArrayNode();
      return new ParsedRecord(array, readMembers(parser, input, array), Map.of());
    }
    ObjectNode object = mapper.createObjectNode();
    Map<String, int[]> envelopeBounds = new HashMap<>(4);
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      if (parser.nextToken() == JsonToken.START_ARRAY && ENVELOPE_KEYS.contains(key)) {
        ArrayNode members = object.arrayNode();
        envelopeBounds.put(key, readMembers(parser, input, members));
        object.set(key, members);
      } else {
        object.set(key, mapper.readTree(parser));
      }
    }
    return new ParsedRecord(object, null, envelopeBounds);
  }

  /**
   * Reads the members of the array whose start the parser is on into {@code members}, and returns
   * where each starts and ends (see {@link JsonInput#offset}); leaves the parser on the array's
   * end.
   */
  private int[] readMembers(JsonParser parser, JsonInput input, ArrayNode members)
      throws IOException {
    int[] bounds = new int[16];
    int count = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (count + 2 > bounds.length) {
        bounds = Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[count++] = input.offset(parser.currentTokenLocation());
      JsonNode member = mapper.readTree(parser);
      members.add(member);
      bounds[count++] = input.offset(parser.currentLocation());
    }
    return Arrays.copyOf(bounds, count);
  }

  /** The key whose array holds the envelope's records, or null when the object is a record. */
  private static String envelopeKey(JsonNode root) {
    if (root.size() > 2) {
      return null;
    }
    for (String key : ENVELOPE_KEYS) {
      JsonNode members = root.get(key);
      if (members != null && members.isArray()) {
        return key;
      }
    }
    return null;
  }

  /**
   * Normalizes each member of an array or envelope. The members are already parsed, and each
   * member's text is cut from the envelope exactly as {@code raw}, by the offsets noted while
   * parsing or, failing that, found by {@link #findMemberBounds}.
   */
  private void unwrap(
      ParsedRecord parsed,
      String envelopeKey,
      JsonInput input,
      String origin,
      NormalizeOutput out) {
    JsonNode root = parsed.root();
    if (!root.isObject() && !root.isArray()) {
      out.deadLetter(
          deadLetter(
              input.bytes(),
              origin,
              DeadLetterReason.WRONG_TYPE,
              "record is a JSON " + root.getNodeType().name().toLowerCase() + ", not an object",
              null));
      return;
    }
    JsonNode members = envelopeKey == null ? root : root.get(envelopeKey);
    int[] bounds = parsed.boundsOf(envelopeKey);
    try {
      if (bounds == null) {
        bounds = findMemberBounds(envelopeKey, input);
      }
      if (bounds.length != 2 * members.size()) {
        throw new IllegalStateException("the envelope's members were not found again");
      }
    } catch (IOException | RuntimeException e) {
      // The whole text already parsed once, so this is a bug, not bad input; keep the record.
      LOG.warn("could not unwrap the envelope at {}: {}", origin, e.getClass().getName());
      out.deadLetter(
          deadLetter(
              input.bytes(),
              origin,
              DeadLetterReason.INTERNAL_ERROR,
              "could not unwrap the envelope (" + e.getClass().getSimpleName() + ")",
              null));
      return;
    }
    for (int i = 0; i < members.size(); i++) {
      int index = i + 1;
      String memberOrigin = origin + "#" + index;
      JsonNode member = members.get(i);
      if (!member.isObject()) {
        out.deadLetter(
            deadLetter(
                input.cut(bounds[2 * i], bounds[2 * i + 1]).getBytes(StandardCharsets.UTF_8),
                memberOrigin,
                DeadLetterReason.WRONG_TYPE,
                "envelope member " + index + " is not a JSON object",
                null));
        continue;
      }
      normalizeOne(
          input.member((ObjectNode) member, bounds[2 * i], bounds[2 * i + 1], memberOrigin), out);
    }
  }

  /**
   * The member bounds of an envelope {@link #readEnvelope} did not read: one more pass of the
   * tokenizer, which skips values without building them. For a key given twice, the tree holds the
   * last occurrence, and so do the offsets.
   */
  private int[] findMemberBounds(String envelopeKey, JsonInput input) throws IOException {
    int[] bounds = null;
    try (JsonParser parser = input.open(mapper)) {
      parser.nextToken(); // the root's start
      if (envelopeKey == null) {
        bounds = memberBounds(parser, input);
      } else {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          if (parser.nextToken() == JsonToken.START_ARRAY && key.equals(envelopeKey)) {
            bounds = memberBounds(parser, input);
          } else {
            parser.skipChildren();
          }
        }
      }
    }
    if (bounds == null) {
      throw new IllegalStateException("the envelope's members were not found again");
    }
    return bounds;
  }

  /**
   * Start and end offsets (see {@link JsonInput#offset}) of each member of the array whose start
   * the parser is on; leaves the parser on the array's end.
   */
  private static int[] memberBounds(JsonParser parser, JsonInput input) throws IOException {
    int[] bounds = new int[16];
    int count = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (count + 2 > bounds.length) {
        bounds = Arrays.copyOf(bounds, bounds.length * 2);
      }
      bounds[count++] = input.offset(parser.currentTokenLocation());
      parser.skipChildren();
      // A string's end is only known once its token is finished.
      parser.finishToken();
      bounds[count++] = input.offset(parser.currentLocation());
    }
    return Arrays.copyOf(bounds, count);
  }

  private void normalizeOne(SourceRecord record, NormalizeOutput out) {
    String raw = record.raw();
    String origin = record.origin();
    SourceParser parser = forcedSource != null ? parsers.get(forcedSource) : detect(record);
    if (parser == null) {
      out.deadLetter(
          deadLetter(
              raw.getBytes(StandardCharsets.UTF_8),
              origin,
              DeadLetterReason.UNKNOWN_FORMAT,
              "no source recognizes a record with the keys " + keysOf(record.json()),
              null));
      return;
    }
    // Only the parse is guarded: a failure of the output (a full disk, a failed sink chained
    // after this one) is not the record's fault, and must fail the run rather than turn valid
    // records into dead letters that blame the parser.
    AuditEvent event;
    try {
      event = parser.parse(record);
    } catch (RecordRejectedException e) {
      out.deadLetter(
          deadLetter(
              raw.getBytes(StandardCharsets.UTF_8),
              origin,
              e.reason(),
              e.getMessage(),
              parser.source()));
      return;
    } catch (RuntimeException e) {
      // A parser bug: keep the record and say where, without its content or the exception's
      // message (which may quote a value).
      LOG.warn(
          "{} parser failed on the record at {}: {} at {}",
          parser.source(),
          origin,
          e.getClass().getName(),
          e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
      out.deadLetter(
          deadLetter(
              raw.getBytes(StandardCharsets.UTF_8),
              origin,
              DeadLetterReason.INTERNAL_ERROR,
              "the "
                  + parser.source()
                  + " parser failed on this record ("
                  + e.getClass().getSimpleName()
                  + "); please report it",
              parser.source()));
      return;
    }
    out.event(event);
  }

  /**
   * The parser that scores the record's shape highest, or null when none recognizes it. Only the
   * parsers that claim one of the record's top-level keys ({@link SourceParser#recognizesKey}) are
   * asked; the others would score 0. On a tie the first parser in source order wins.
   */
  public SourceParser detect(SourceRecord record) {
    ObjectNode json = record.json();
    int candidates = json.isEmpty() ? allParsers : 0;
    for (Iterator<String> keys = json.fieldNames(); keys.hasNext() && candidates != allParsers; ) {
      candidates |= claims(keys.next());
    }
    SourceParser best = null;
    int bestScore = 0;
    for (int i = 0; i < detectionOrder.length; i++) {
      if ((candidates & (1 << i)) == 0) {
        continue;
      }
      int score = detectionOrder[i].recognize(record);
      if (score > bestScore) {
        best = detectionOrder[i];
        bestScore = score;
      }
    }
    return best;
  }

  /** The mask of the parsers that claim a top-level key of this spelling. */
  private int claims(String key) {
    Integer known = claimsByKey.get(key);
    if (known != null) {
      return known;
    }
    int claims = 0;
    for (int i = 0; i < detectionOrder.length; i++) {
      if (detectionOrder[i].recognizesKey(key)) {
        claims |= 1 << i;
      }
    }
    if (claimsByKey.size() < CLAIMS_LIMIT) {
      claimsByKey.put(key, claims);
    }
    return claims;
  }

  private static String keysOf(ObjectNode record) {
    TreeSet<String> keys = new TreeSet<>(Comparator.naturalOrder());
    for (Iterator<String> it = record.fieldNames(); it.hasNext() && keys.size() < 12; ) {
      keys.add(it.next());
    }
    return keys.toString();
  }

  /** Whether the bytes hold nothing but JSON whitespace; stops at the first other byte. */
  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private DeadLetter deadLetter(
      byte[] raw, String origin, DeadLetterReason reason, String message, Source guess) {
    return DeadLetter.newBuilder()
        .setRaw(ByteBuffer.wrap(raw))
        .setReason(reason)
        .setMessage(message)
        .setOrigin(origin)
        .setSourceGuess(guess != null ? guess : forcedSource)
        .setReceivedAt(clock.instant())
        .build();
  }

  /** A person-readable JSON error: position and kind only, never the offending text. */
  private static String describe(IOException e) {
    if (e instanceof MalformedRecordException) {
      return e.getMessage();
    }
    String where = "";
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
        && jpe.getLocation() != null) {
      where =
          " at line "
              + jpe.getLocation().getLineNr()
              + ", column "
              + jpe.getLocation().getColumnNr();
    }
    if (e instanceof JsonEOFException) {
      return "malformed JSON: the record ends before its value is complete" + where;
    }
    return "malformed JSON: unexpected character" + where;
  }

  /**
   * Which limit a value broke, from Jackson's message ("Number value length (1001) exceeds the
   * maximum allowed (1000, from ...)"), which holds sizes, never record content.
   */
  private static String limitExceeded(StreamConstraintsException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int from = message.indexOf(", from");
    return from > 0 ? message.substring(0, from) + ")" : "size limit";
  }

  /** Trailing content after a complete value; reported like any malformed JSON. */
  private static final class MalformedRecordException extends IOException {
    MalformedRecordException(String message) {
      super(message);
    }
  }

  /** Builds a {@link Normalizer}; {@link #build()} checks that a forced source has a parser. */
  public static final class Builder {
    private final List<SourceParser> parsers = new ArrayList<>();
    private NormalizerSettings settings = NormalizerSettings.none();
    private Source forcedSource;
    private NormalizerLimits limits = NormalizerLimits.DEFAULTS;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Parsers to use instead of every source's own ({@link NormalizerSettings#parsers}). */
    public Builder parser(SourceParser parser) {
      parsers.add(parser);
      return this;
    }

    /**
     * The super-admins and user tables every source's parser is built with (by default none);
     * ignored when {@link #parser} gives the parsers.
     */
    public Builder settings(NormalizerSettings settings) {
      this.settings = settings;
      return this;
    }

    /** Parse every record as this source (no detection); null for auto-detection. */
    public Builder forceSource(Source source) {
      this.forcedSource = source;
      return this;
    }

    /** Limits other than {@link NormalizerLimits#DEFAULTS}, for tests of the limits themselves. */
    Builder limits(NormalizerLimits limits) {
      this.limits = limits;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Normalizer build() {
      List<SourceParser> chosen = parsers.isEmpty() ? settings.parsers() : parsers;
      Map<Source, SourceParser> bySource = new EnumMap<>(Source.class);
      for (SourceParser parser : chosen) {
        if (bySource.put(parser.source(), parser) != null) {
          throw new IllegalStateException("two parsers for " + parser.source());
        }
      }
      if (forcedSource != null && !bySource.containsKey(forcedSource)) {
        throw new IllegalStateException("no parser for the forced source " + forcedSource);
      }
      return new Normalizer(bySource, forcedSource, limits, clock);
    }
  }
}
