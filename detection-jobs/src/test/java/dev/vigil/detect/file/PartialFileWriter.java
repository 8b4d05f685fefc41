package dev.vigil.detect.file;

import java.nio.file.Path;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * A second process for {@link LineFileSinkTest}: opens a writer on the target its argument names,
 * writes a line, says "open" on stdout and waits, as an embedded run does until its input ends,
 * until the test ends the process with a signal or closes stdin.
 */
final class PartialFileWriter {

  private PartialFileWriter() {}

  public static void main(String[] args) throws Exception {
    SinkWriter<String> writer =
        LineFileSink.<String>inArrivalOrder(Path.of(args[0]), line -> line)
            .createWriter(LineFileSinkTest.context());
    writer.write("a raw record", null);
    writer.flush(false);
    System.out.println("open");
    System.out.flush();
    while (System.in.read() >= 0) {
      // open until the test ends this process
    }
  }
}
