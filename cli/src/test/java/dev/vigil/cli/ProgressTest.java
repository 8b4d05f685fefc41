package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void showsABarWhenTheTotalIsKnown() {
    Progress progress = new Progress(new PrintWriter(new StringWriter()), true, 4 * 1024 * 1024);
    progress.bytesRead(1024 * 1024);

    assertThat(progress.line(12345))
        .isEqualTo(
            "["
                + "#".repeat(8)
                + " ".repeat(22)
                + "]  25%  12,345 records, 1.0 MiB read of 4.0 MiB");
  }

  @Test
  void showsCountsOnlyForStandardInput() {
    Progress progress = new Progress(new PrintWriter(new StringWriter()), true, -1);
    progress.bytesRead(3 * 1024 * 1024 / 2);

    assertThat(progress.line(7)).isEqualTo("7 records, 1.5 MiB read");
  }

  @Test
  void countsOneRecordInTheSingular() {
    Progress progress = new Progress(new PrintWriter(new StringWriter()), true, -1);

    assertThat(progress.line(1)).isEqualTo("1 record, 0.0 MiB read");
  }

  @Test
  void printsNothingWhenStderrIsNotATerminalOrTheRunIsShort() {
    StringWriter disabledOut = new StringWriter();
    StringWriter shortOut = new StringWriter();
    Progress disabled = new Progress(new PrintWriter(disabledOut), false, 100);
    Progress shortRun = new Progress(new PrintWriter(shortOut), true, 100);

    for (int i = 0; i < 1000; i++) {
      disabled.record(i);
      shortRun.record(i);
    }
    disabled.finish();
    shortRun.finish();

    assertThat(disabledOut.toString()).isEmpty();
    assertThat(shortOut.toString()).as("nothing before two seconds").isEmpty();
  }
}
