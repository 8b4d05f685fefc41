package dev.vigil.reports;

import java.util.List;

/**
 * What a report was generated from, as the manifest records it.
 *
 * @param kind {@code files} or {@code opensearch}
 * @param location the input directory, or the OpenSearch URLs (never with credentials)
 * @param files for file input, each file read with its digest, so the report is tied to the exact
 *     bytes it was made from; empty for OpenSearch
 */
public record InputDescription(String kind, String location, List<FileDigest> files) {

  public InputDescription {
    files = List.copyOf(files);
  }

  /** One line for the cover page and the command's summary. */
  public String describe() {
    return kind.equals("files") ? "files in " + location : "OpenSearch at " + location;
  }
}
