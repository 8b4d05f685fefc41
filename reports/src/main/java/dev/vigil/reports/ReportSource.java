package dev.vigil.reports;

import java.io.IOException;

/** Where a report's input is read from: files of a run, or the OpenSearch index contract. */
public interface ReportSource {

  /**
   * The period's alerts (by {@code time}), events (by {@code time}) and dead letters (by {@code
   * received_at}, when Vigil read the record, the time the index contract files them by), with how
   * many of the input's dead letters were received outside the period and when the first was.
   *
   * @throws IOException when the input cannot be read; the message names the file or service
   */
  ReportInput read(ReportPeriod period) throws IOException;

  /** What was read, for the report and its manifest: never a credential. */
  InputDescription description();
}
