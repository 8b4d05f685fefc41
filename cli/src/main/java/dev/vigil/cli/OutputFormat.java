package dev.vigil.cli;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.io.EventJson;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * How events and dead letters are written: JSON Lines (plain nested JSON) or Avro containers.
 *
 * <p>Design: writing is split in two, so that the costly half can run on any thread. An {@link
 * Encoder} turns a record into its {@link Encoded} form (the JSON text of its line, or the binary
 * Avro datum); a {@link RecordWriter} only copies encoded records out, in the order given, into the
 * stream (for Avro, into the container's blocks, which it compresses). The bytes are those that
 * writing each record directly would give: the same text through the same UTF-8 writer, the same
 * datum appended as Avro's {@code DataFileWriter.append} encodes it.
 */
enum OutputFormat {
  jsonl("jsonl"),
  avro("avro");

  private final String extension;

  OutputFormat(String extension) {
    this.extension = extension;
  }

  String extension() {
    return extension;
  }

  /**
   * A record of type {@code T} encoded for a {@link RecordWriter} of its format.
   *
   * @param <T> the record's type, so that an event never reaches the dead-letter writer
   */
  sealed interface Encoded<T> {}

  /** A JSON Lines record: its JSON text, without the newline. */
  record JsonLine<T>(String text) implements Encoded<T> {}

  /** An Avro record: the binary encoding of the datum. */
  record AvroDatum<T>(byte[] bytes) implements Encoded<T> {}

  /** A record not encoded yet: the writer encodes it as it writes it. */
  record Direct<T>(T record) implements Encoded<T> {}

  /** Encodes nothing ahead: each record is encoded by the writer, straight into the stream. */
  static final Encoder DIRECT =
      new Encoder() {
        @Override
        public Encoded<AuditEvent> event(AuditEvent event) {
          return new Direct<>(event);
        }

        @Override
        public Encoded<DeadLetter> deadLetter(DeadLetter deadLetter) {
          return new Direct<>(deadLetter);
        }
      };

  /** Writes encoded records of one kind to a stream; closing it closes the stream. */
  interface RecordWriter<T> extends Closeable {
    void write(Encoded<T> record) throws IOException;
  }

  /** Encodes events and dead letters. */
  interface Encoder {
    Encoded<AuditEvent> event(AuditEvent event);

    Encoded<DeadLetter> deadLetter(DeadLetter deadLetter);
  }

  /** An encoder of this format; one per thread (it reuses its buffers). */
  Encoder encoder() {
    return this == avro ? new AvroEncoder() : new JsonLineEncoder();
  }

  RecordWriter<AuditEvent> events(OutputStream out) throws IOException {
    return this == avro
        ? avro(AuditEvent.getClassSchema(), out)
        : jsonLines(out, (AuditEvent event, Writer writer) -> EventJson.write(event, writer));
  }

  RecordWriter<DeadLetter> deadLetters(OutputStream out) throws IOException {
    return this == avro
        ? avro(DeadLetter.getClassSchema(), out)
        : jsonLines(out, (DeadLetter letter, Writer writer) -> EventJson.write(letter, writer));
  }

  private static final class JsonLineEncoder implements Encoder {
    @Override
    public Encoded<AuditEvent> event(AuditEvent event) {
      return new JsonLine<>(EventJson.toJson(event));
    }

    @Override
    public Encoded<DeadLetter> deadLetter(DeadLetter deadLetter) {
      return new JsonLine<>(EventJson.toJson(deadLetter));
    }
  }

  /** The datum as {@code DataFileWriter.append} would encode it, with the same datum writer. */
  private static final class AvroEncoder implements Encoder {
    private final SpecificDatumWriter<AuditEvent> events =
        new SpecificDatumWriter<>(AuditEvent.getClassSchema());
    private final SpecificDatumWriter<DeadLetter> deadLetters =
        new SpecificDatumWriter<>(DeadLetter.getClassSchema());
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    private BinaryEncoder binary;

    @Override
    public Encoded<AuditEvent> event(AuditEvent event) {
      return new AvroDatum<>(encode(events, event));
    }

    @Override
    public Encoded<DeadLetter> deadLetter(DeadLetter deadLetter) {
      return new AvroDatum<>(encode(deadLetters, deadLetter));
    }

    private <T> byte[] encode(SpecificDatumWriter<T> writer, T datum) {
      buffer.reset();
      binary = EncoderFactory.get().directBinaryEncoder(buffer, binary);
      try {
        writer.write(datum, binary);
      } catch (IOException e) {
        throw new IllegalStateException("writing to memory cannot fail", e);
      }
      return buffer.toByteArray();
    }
  }

  private static <T> RecordWriter<T> jsonLines(OutputStream out, BiConsumer<T, Writer> format) {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 65536);
    return new RecordWriter<>() {
      @Override
      public void write(Encoded<T> record) throws IOException {
        if (record instanceof Direct<T> direct) {
          format.accept(direct.record(), writer);
        } else {
          writer.write(((JsonLine<T>) record).text());
        }
        writer.write('\n');
      }

      @Override
      public void close() throws IOException {
        writer.close();
      }
    };
  }

  /** Deflate, not snappy: snappy-java needs a native library that is not everywhere. */
  private static <T> RecordWriter<T> avro(Schema schema, OutputStream out) throws IOException {
    DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<T>(schema));
    writer.setCodec(CodecFactory.deflateCodec(6));
    writer.create(schema, out);
    return new RecordWriter<>() {
      @Override
      public void write(Encoded<T> record) throws IOException {
        if (record instanceof Direct<T> direct) {
          writer.append(direct.record());
        } else {
          writer.appendEncoded(ByteBuffer.wrap(((AvroDatum<T>) record).bytes()));
        }
      }

      @Override
      public void close() throws IOException {
        writer.close();
      }
    };
  }
}
