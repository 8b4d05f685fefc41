package dev.vigil.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.NormalizeOutput;
import dev.vigil.ingest.Normalizer;
import dev.vigil.ingest.RawRecord;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Normalize throughput per source against the floor of the work: a bare Jackson tree parse of the
 * same bytes. Each operation handles one raw record of the source's corpus folder (split
 * beforehand, in memory, cycling through all of them), so ops/s is raw records per second for both
 * benchmarks and their ratio is the cost of everything normalizing adds (UTF-8 check, limits,
 * envelopes, detection, the parser, building the Avro record).
 *
 * <p>The corpus is read from {@code <vigil.shared.dir>/corpus/<source>}, by default {@code
 * ../shared} relative to the working directory (run from the checkout root).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NormalizeBenchmark {

  @Param({"vault", "cloudtrail", "azure", "gcp"})
  public String source;

  private final ObjectMapper mapper = new ObjectMapper();
  private Normalizer normalizer;
  private RawRecord[] records;
  private int next;
  private Blackhole sink;
  private final NormalizeOutput output =
      new NormalizeOutput() {
        @Override
        public void event(AuditEvent event) {
          sink.consume(event);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
          sink.consume(deadLetter);
        }
      };

  @Setup
  public void setUp() throws IOException {
    normalizer = Normalizer.create();
    records = Corpus.records(source).toArray(RawRecord[]::new);
  }

  private RawRecord nextRecord() {
    RawRecord record = records[next];
    next = next + 1 == records.length ? 0 : next + 1;
    return record;
  }

  @Benchmark
  public void normalize(Blackhole blackhole) {
    sink = blackhole;
    normalizer.normalize(nextRecord(), output);
  }

  @Benchmark
  public JsonNode bareJacksonParse() throws IOException {
    return mapper.readTree(nextRecord().bytes());
  }
}
