package dev.vigil.benchmarks;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.event.Source;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import dev.vigil.ingest.io.EventJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints every event and dead letter the normalizer makes of the whole corpus and of variants of
 * each of its records, one JSON line each, so that a change meant to keep the output identical (a
 * faster parse, a cheaper detection) can be checked byte for byte: run it before and after and
 * compare the two files with {@code cmp}.
 *
 * <p>The variants reach the gates a corpus record alone does not: truncated (malformed JSON), a
 * UTF-8 BOM (the text parser), padding, every envelope shape (key first or not, several members),
 * trailing garbage, invalid UTF-8, and each source forced. Dead letters get a fixed receive time.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.vigil.benchmarks.NormalizeOutputs > out.jsonl} from
 * the checkout root (the corpus is read as {@link Corpus} reads it).
 */
public final class NormalizeOutputs {

  private static final Clock FIXED =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private NormalizeOutputs() {}

  public static void main(String[] args) throws IOException {
    Map<String, Normalizer> normalizers = new LinkedHashMap<>();
    normalizers.put("auto", Normalizer.builder().clock(FIXED).build());
    for (Source source : Source.values()) {
      normalizers.put(source.name(), Normalizer.builder().clock(FIXED).forceSource(source).build());
    }
    Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    Printer printer = new Printer(out);
    for (String folder : List.of("vault", "cloudtrail", "azure", "gcp")) {
      List<RawRecord> records = Corpus.records(folder);
      for (int i = 0; i < records.size(); i++) {
        RawRecord record = records.get(i);
        String label = folder + "/" + i + " " + record.origin();
        for (Map.Entry<String, byte[]> variant : variants(record.bytes()).entrySet()) {
          out.write("# " + label + " " + variant.getKey() + "\n");
          normalizers.get("auto").normalize(new RawRecord(variant.getValue(), label), printer);
        }
        for (Source source : Source.values()) {
          out.write("# " + label + " forced " + source + "\n");
          normalizers.get(source.name()).normalize(record, printer);
        }
      }
    }
    out.flush();
  }

  private static Map<String, byte[]> variants(byte[] bytes) {
    Map<String, byte[]> variants = new LinkedHashMap<>();
    variants.put("as-is", bytes);
    variants.put("truncated", Arrays.copyOf(bytes, bytes.length / 2));
    variants.put("bom", join(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes));
    variants.put("padded", join(ascii(" \n\t"), bytes, ascii(" \r\n")));
    variants.put("records", join(ascii("{\"records\":["), bytes, ascii("]}")));
    variants.put(
        "Records-two", join(ascii("{\"Records\" : [ "), bytes, ascii(",\n"), bytes, ascii("]}")));
    variants.put("value", join(ascii("{\"value\":["), bytes, ascii("],\"nextLink\":null}")));
    variants.put("array", join(ascii("["), bytes, ascii(", 1]")));
    variants.put("key-not-first", join(ascii("{\"x\":1,\"records\":["), bytes, ascii("]}")));
    variants.put("trailing-garbage", join(bytes, ascii(" x")));
    variants.put("invalid-utf8-end", join(bytes, new byte[] {(byte) 0xFF}));
    byte[] middle = bytes.clone();
    if (middle.length > 4) {
      middle[middle.length / 2] = (byte) 0xC3;
      middle[middle.length / 2 + 1] = (byte) 0x28;
    }
    variants.put("invalid-utf8-middle", middle);
    return variants;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] join(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] joined = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, joined, at, part.length);
      at += part.length;
    }
    return joined;
  }

  /** Writes each result as one line: {@code E <event json>} or {@code D <dead letter json>}. */
  private record Printer(Writer out) implements NormalizeOutput {

    @Override
    public void event(AuditEvent event) {
      try {
        out.write("E ");
        EventJson.write(event, out);
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
      try {
        out.write("D ");
        EventJson.write(deadLetter, out);
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
