package dev.vigil.reports;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a report was generated from, as the report and its manifest record it: by what identifies
 * the input, never by where it sat on the host that made the report, so the same input archived
 * anywhere gives the same report, and no host path leaks into it.
 *
 * @param kind {@code files} or {@code opensearch}
 * @param urls for OpenSearch, the nodes read (scheme, host, port and path; never credentials);
 *     empty for files
 * @param aliases for OpenSearch, the alias read for each kind of document ({@code alerts}, {@code
 *     events}, {@code dead_letters}); empty for files
 * @param files for files, each file read by its path relative to the input directory (with {@code
 *     /} on every platform), with its size and SHA-256, so the report is tied to the exact bytes it
 *     was made from; empty for OpenSearch
 */
public record InputDescription(
    String kind, List<String> urls, Map<String, String> aliases, List<FileDigest> files) {

  public static final String FILES = "files";
  public static final String OPENSEARCH = "opensearch";

  public InputDescription {
    urls = List.copyOf(urls);
    aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    files = List.copyOf(files);
  }

  /** The files of a run, each with its digest. */
  public static InputDescription files(List<FileDigest> files) {
    return new InputDescription(FILES, List.of(), Map.of(), files);
  }

  /**
   * An OpenSearch cluster: its URLs with any user information, query or fragment removed, and the
   * aliases read, in the order given.
   */
  public static InputDescription openSearch(List<URI> urls, Map<String, String> aliases) {
    return new InputDescription(
        OPENSEARCH,
        urls.stream().map(InputDescription::withoutCredentials).toList(),
        aliases,
        List.of());
  }

  /** One line for the cover page. */
  public String describe() {
    if (kind.equals(FILES)) {
      return "the files of a run, each listed below with its size and SHA-256";
    }
    return "OpenSearch at "
        + String.join(", ", urls)
        + " (aliases "
        + String.join(", ", aliases.values())
        + ")";
  }

  private static String withoutCredentials(URI url) {
    try {
      return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + url.getScheme() + "://" + url.getHost());
    }
  }
}
