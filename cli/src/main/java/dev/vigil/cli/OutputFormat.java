package dev.vigil.cli;

import dev.vigil.event.AuditEvent;
import dev.vigil.event.DeadLetter;
import dev.vigil.ingest.io.EventJson;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/** How events and dead letters are written: JSON Lines (plain nested JSON) or Avro containers. */
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

  /** Writes one kind of record to a stream; closing it closes the stream. */
  interface RecordWriter<T> extends Closeable {
    void write(T record) throws IOException;
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

  private static <T> RecordWriter<T> jsonLines(OutputStream out, BiConsumer<T, Writer> format) {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 65536);
    return new RecordWriter<>() {
      @Override
      public void write(T record) throws IOException {
        format.accept(record, writer);
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
      public void write(T record) throws IOException {
        writer.append(record);
      }

      @Override
      public void close() throws IOException {
        writer.close();
      }
    };
  }
}
