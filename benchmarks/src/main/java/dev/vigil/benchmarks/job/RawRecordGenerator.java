package dev.vigil.benchmarks.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vigil.ingest.NormalizerLimits;
import dev.vigil.ingest.io.RecordSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Raw records of the four sources for load: the bundled samples' day (samples/, with its ordinary
 * traffic and its attacks) replayed round after round, each round a fresh copy that is new to every
 * id and window, so OpenSearch gets new documents and the detections fire anew.
 *
 * <p>Round {@code r} moves every timestamp of the samples' day (2026-11-20, see samples/README.md)
 * to {@code start + r × 3 h + its time of day} (the story spans less than three hours, so rounds do
 * not overlap), and rewrites the sources' own record ids (Vault {@code request.id}, CloudTrail
 * {@code eventID}/{@code requestID}, GCP {@code insertId}, Azure {@code correlationId}) to UUIDs
 * derived from the id, the round and a salt, so a Vault request and its response stay a pair. A
 * CloudTrail envelope is cut into its records, as a shipper writing one event per message does.
 * Records that are not JSON (the samples' broken ones) are sent as they are, and stay dead letters.
 */
final class RawRecordGenerator {

  /**
   * One record for one sample directory ({@code vault}, {@code aws}, {@code azure}, {@code gcp}).
   */
  interface Sink {
    void accept(String sampleDirectory, byte[] record);
  }

  static final List<String> SAMPLE_DIRECTORIES = List.of("vault", "aws", "azure", "gcp");
  private static final String SAMPLES_DAY = "2026-11-20T";
  private static final Instant SAMPLES_MIDNIGHT = Instant.parse("2026-11-20T00:00:00Z");
  static final Duration ROUND = Duration.ofHours(3);
  private static final Set<String> ID_FIELDS =
      Set.of("eventID", "requestID", "insertId", "correlationId");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A sample record: its tree, or its bytes when it is not JSON. */
  private record Template(String directory, JsonNode tree, byte[] bytes) {}

  private final List<Template> templates;
  private final Instant start;
  private final String salt;

  private RawRecordGenerator(List<Template> templates, Instant start, String salt) {
    this.templates = templates;
    this.start = start;
    this.salt = salt;
  }

  /** The templates: every record of {@code samples}/{vault,aws,azure,gcp}. */
  static RawRecordGenerator fromSamples(Path samples, Instant start, String salt)
      throws IOException {
    List<Template> templates = new ArrayList<>();
    for (String directory : SAMPLE_DIRECTORIES) {
      List<Path> files;
      try (Stream<Path> listed = Files.list(samples.resolve(directory))) {
        files = listed.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          new RecordSplitter(file.toString(), NormalizerLimits.DEFAULTS.maxRecordBytes())
              .split(in, record -> templates.addAll(templatesOf(directory, record.bytes())));
        }
      }
    }
    return new RawRecordGenerator(templates, start, salt);
  }

  private static List<Template> templatesOf(String directory, byte[] bytes) {
    JsonNode tree;
    try {
      tree = JSON.readTree(bytes);
    } catch (IOException e) {
      return List.of(new Template(directory, null, bytes));
    }
    if (tree != null && tree.path("Records").isArray()) {
      List<Template> members = new ArrayList<>();
      tree.path("Records").forEach(member -> members.add(new Template(directory, member, null)));
      return members;
    }
    return List.of(new Template(directory, tree, bytes));
  }

  /** Records per round: one copy of the samples. */
  int roundSize() {
    return templates.size();
  }

  /** Hands {@code count} records to {@code sink}, round after round. */
  void generate(long count, Sink sink) {
    long produced = 0;
    for (int round = 0; produced < count; round++) {
      for (Template template : templates) {
        if (produced == count) {
          return;
        }
        sink.accept(template.directory(), render(template, round));
        produced++;
      }
    }
  }

  private byte[] render(Template template, int round) {
    if (template.tree() == null) {
      return template.bytes();
    }
    JsonNode copy = template.tree().deepCopy();
    rewrite(copy, round, false);
    try {
      return JSON.writeValueAsBytes(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void rewrite(JsonNode node, int round, boolean inVaultRequest) {
    if (!node.isObject()) {
      if (node.isArray()) {
        node.forEach(element -> rewrite(element, round, false));
      }
      return;
    }
    ObjectNode object = (ObjectNode) node;
    Map<String, JsonNode> replaced = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (value.isTextual()) {
        String text = value.asText();
        if (ID_FIELDS.contains(field.getKey()) || (inVaultRequest && field.getKey().equals("id"))) {
          replaced.put(field.getKey(), TextNode.valueOf(id(text, round)));
        } else if (text.startsWith(SAMPLES_DAY)) {
          replaced.put(field.getKey(), TextNode.valueOf(shift(text, round)));
        }
      } else {
        rewrite(value, round, field.getKey().equals("request"));
      }
    }
    replaced.forEach(object::set);
  }

  private String id(String original, int round) {
    return UUID.nameUUIDFromBytes(
            (salt + "/" + round + "/" + original).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private String shift(String timestamp, int round) {
    try {
      Duration timeOfDay = Duration.between(SAMPLES_MIDNIGHT, Instant.parse(timestamp));
      return start.plus(ROUND.multipliedBy(round)).plus(timeOfDay).toString();
    } catch (DateTimeParseException e) {
      return timestamp;
    }
  }
}
